import App
import Database
import Foundation
import HummingbirdTesting
import XCTest

/// Records the tests build on, made through the API wherever the API can make them.
enum Fixtures {
    static func organisationBody(name: String = "Fundación Formaliza", country: String = "PE") -> [String: Any] {
        [
            "legalName": name, "kind": "ngo", "nonProfit": true, "country": country, "foundedOn": "2012-04-01",
            "contractualCapacity": true,
            // A national registration belongs to one organisation: each body names its own.
            "registration": ["number": "RUC-\(Int.random(in: 10_000_000_000...99_999_999_999))", "country": country,
                             "registeredOn": "2012-05-02"],
            "contacts": [["name": "Ana Quispe", "email": "ana@formaliza.example", "phone": "+51 1 555 0100"]],
        ]
    }

    static func proposalBody(lead: String) -> [String: Any] {
        [
            "leadOrganisationId": lead,
            "projectLead": ["name": "Ana Quispe", "email": "ana@formaliza.example"],
            "title": "Formalisation in two clicks",
            "summary": "A mobile service that registers informal workers in two steps.",
            "need": "Most workers in the region are informal and cannot reach registration offices.",
            "language": "es", "stage": "early",
            "questionIds": ["Q1", "Q3"], "solutionTypeIds": ["S1"], "countries": ["PE", "CO"],
            "targetGroups": ["informal_workers", "women"],
            "stakeholderSupport": [["name": "Luis Pérez", "organisation": "Ministerio de Trabajo"]],
            "labAvailability": true,
        ]
    }

    /// The seeded call's definition under another code.
    static func callBody(code: String) throws -> [String: Any] {
        let file = BundledFiles.seedDirectory.appendingPathComponent("calls/LAC-2021.json")
        var body = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        body["code"] = code
        return body
    }

    static func createOrganisation(_ client: any TestClientProtocol, token: String = TestApp.adminToken,
                                   name: String = "Fundación Formaliza") async throws -> String {
        let response = try await client.call(.post, "/v1/organisations", token: token, body: organisationBody(name: name))
        XCTAssertEqual(response.status, .created, response.text)
        return try XCTUnwrap(response["id"] as? String)
    }

    static func createProposal(_ client: any TestClientProtocol, lead: String, token: String = TestApp.adminToken,
                               body: [String: Any]? = nil) async throws -> TestResponse {
        let response = try await client.call(.post, "/v1/calls/LAC-2021/proposals", token: token, body: body ?? proposalBody(lead: lead))
        XCTAssertEqual(response.status, .created, response.text)
        return response
    }

    static func proposalID(_ client: any TestClientProtocol, lead: String, token: String = TestApp.adminToken,
                           body: [String: Any]? = nil) async throws -> String {
        let response = try await createProposal(client, lead: lead, token: token, body: body)
        return try XCTUnwrap(response.json["id"] as? String)
    }

    /// A merge patch of an organisation at `version` (the secretariat's by default), with the tag of the `view`
    /// the token's role gets (`no-due-diligence` for applicants and the platform).
    static func patchOrganisation(_ client: any TestClientProtocol, _ id: String, _ patch: [String: Any], version: Int,
                                  token: String = TestApp.adminToken, view: String? = nil) async throws -> TestResponse {
        let tag = view.map { "\"\(version)-\($0)\"" } ?? "\"\(version)\""
        return try await client.call(.patch, "/v1/organisations/\(id)", token: token, body: patch,
                                     contentType: "application/merge-patch+json", headers: ["If-Match": tag])
    }

    /// A proposal, under a call `LAC-2021` made for it, with a 12 MB document: larger than the socket buffers
    /// hold, so a client that does not read its download keeps the answer unfinished.
    static func largeDocument(_ client: any TestClientProtocol) async throws -> (proposal: String, document: String, bytes: Data) {
        let call = try await client.call(.post, "/v1/calls", body: try callBody(code: "LAC-2021"))
        XCTAssertEqual(call.status, .created, call.text)
        let lead = try await createOrganisation(client)
        let proposal = try await proposalID(client, lead: lead)
        var bytes = Data("%PDF-1.7\n".utf8)
        bytes.append(Data(repeating: 0x41, count: 12_000_000))
        let uploaded = try await client.call(
            .post, "/v1/proposals/\(proposal)/documents?filename=big.pdf", body: bytes, contentType: "application/pdf")
        return (proposal, try XCTUnwrap(uploaded["id"] as? String, uploaded.text), bytes)
    }

    /// The secretariat flags an organisation still at version 1.
    static func flag(_ client: any TestClientProtocol, _ id: String, note: String = "Forged letter.") async throws {
        let flagged = try await patchOrganisation(client, id, ["dueDiligence": ["status": "flagged", "note": note]], version: 1)
        XCTAssertEqual(flagged.status, .ok, flagged.text)
    }

    /// A credential for a role, written straight into the token table (the tokens API has its own tests).
    static func token(_ app: TestApp, role: String, organisations: [String] = []) async throws -> String {
        let secret = "cvk_test_" + UUID().uuidString + UUID().uuidString
        let ids = organisations.compactMap(UUID.init(uuidString:))
        try await app.pool.withConnection { connection in
            try await connection.execute("""
                INSERT INTO api_tokens (name, role, organisation_ids, secret_hash)
                VALUES ('test', \(role), \(ids), sha256(convert_to(\(secret), 'UTF8')))
                """)
        }
        return secret
    }
}
