@testable import App
import ConvocaAPI
import Foundation
import HTTPTypes
import HummingbirdTesting
import XCTest

/// The fast paths send PostgreSQL's JSON as is: it must still be exactly the documented schema,
/// and say the same as the generated path does for the same record.
final class FastReadTests: XCTestCase {
    func testFastAnswersDecodeAsTheContractsTypesAndMatchTheGeneratedPath() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let created = try await Fixtures.createProposal(client, lead: lead)
            let id = try XCTUnwrap(created.json["id"] as? String)
            _ = try await Fixtures.createProposal(client, lead: lead)

            let fast = try await client.call(.get, "/v1/proposals/\(id)")
            XCTAssertEqual(fast.status, .ok)
            XCTAssertEqual(fast.headers[.eTag], "\"1\"")
            XCTAssertEqual(fast.headers[.cacheControl], "no-store")
            let fromFast = try Representation.decoder.decode(Components.Schemas.Proposal.self, from: fast.body)
            let fromGenerated = try Representation.decoder.decode(Components.Schemas.Proposal.self, from: created.body)
            XCTAssertEqual(fromFast, fromGenerated)
            XCTAssertNotNil(fast.text.range(of: #""createdAt": ?"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z""#, options: .regularExpression), fast.text)

            let fastPage = try await client.call(.get, "/v1/proposals?limit=1")
            let generatedPage = try await client.call(.get, "/v1/proposals?limit=1&status=draft")
            let a = try Representation.decoder.decode(Components.Schemas.ProposalPage.self, from: fastPage.body)
            let b = try Representation.decoder.decode(Components.Schemas.ProposalPage.self, from: generatedPage.body)
            XCTAssertEqual(a.items, b.items)
            XCTAssertNotNil(a.nextCursor)
            XCTAssertEqual(fastPage.headers[HTTPField.Name("Link")!], "</v1/proposals?limit=1&cursor=\(a.nextCursor!)>; rel=\"next\"")

            let notModified = try await client.call(.get, "/v1/proposals/\(id)", headers: ["If-None-Match": "\"1\""])
            XCTAssertEqual(notModified.status, .notModified)
        }
    }

    /// A strong ETag names bytes (RFC 9110 §8.8.1): every way of asking for a proposal gets the same bytes under
    /// the same tag, and a role that gets a record cut down gets another tag, which its own writes accept.
    func testEveryAnswerUnderATagCarriesTheSameBytes() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            let path = "/v1/proposals/\(id)"
            let fast = try await client.call(.get, path)
            XCTAssertEqual(fast.headers[.eTag], "\"1\"")
            // An empty query is read by the generated path (the fast path takes none).
            for (uri, headers) in [("\(path)?", [String: String]()), ("\(path)?", ["Accept": "text/html, application/json;q=0.5"])] {
                let other = try await client.call(.get, uri, headers: headers)
                XCTAssertEqual(other.status, .ok, "\(uri) \(headers): \(other.text)")
                XCTAssertEqual(other.headers[.eTag], fast.headers[.eTag], "\(uri) \(headers)")
                XCTAssertEqual(other.text, fast.text, "\(uri) \(headers)")
                let notModified = try await client.call(.get, uri, headers: headers.merging(["If-None-Match": "\"1\""]) { a, _ in a })
                XCTAssertEqual(notModified.status, .notModified, "\(uri) \(headers)")
            }
            // The answers to changes carry the bytes a read then gets under their tag.
            let patched = try await client.call(
                .patch, path, body: ["title": "Otro título"], contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""])
            XCTAssertEqual(patched.status, .ok, patched.text)
            let read = try await client.call(.get, path)
            XCTAssertEqual(patched.headers[.eTag], read.headers[.eTag])
            XCTAssertEqual(patched.text, read.text)

            // Reporting gets the proposal without its project lead: another representation, another tag, on both paths.
            let reporting = try await Fixtures.token(app, role: "reporting")
            let reduced = try await client.call(.get, path, token: reporting)
            XCTAssertNil(reduced["projectLead"])
            XCTAssertEqual(reduced.headers[.eTag], "\"2-no-lead\"")
            let reducedGenerated = try await client.call(.get, "\(path)?", token: reporting)
            XCTAssertEqual(reducedGenerated.headers[.eTag], "\"2-no-lead\"")
            XCTAssertEqual(reducedGenerated.text, reduced.text)
            let reportingWithAdminsTag = try await client.call(.get, path, token: reporting, headers: ["If-None-Match": "\"2\""])
            XCTAssertEqual(reportingWithAdminsTag.status, .ok)
            let reportingWithItsTag = try await client.call(.get, path, token: reporting, headers: ["If-None-Match": "\"2-no-lead\""])
            XCTAssertEqual(reportingWithItsTag.status, .notModified)

            // Organisations: the secretariat's whole record, reporting's without contacts, others' without due diligence.
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [lead])
            let organisation = "/v1/organisations/\(lead)"
            let organisationForAdmin = try await client.call(.get, organisation)
            XCTAssertEqual(organisationForAdmin.headers[.eTag], "\"1\"")
            let organisationForReporting = try await client.call(.get, organisation, token: reporting)
            XCTAssertEqual(organisationForReporting.headers[.eTag], "\"1-no-contacts\"")
            let own = try await client.call(.get, organisation, token: applicant)
            XCTAssertEqual(own.headers[.eTag], "\"1-no-due-diligence\"")
            XCTAssertNil(own["dueDiligence"])
            let applicantWithAdminsTag = try await client.call(.get, organisation, token: applicant, headers: ["If-None-Match": "\"1\""])
            XCTAssertEqual(applicantWithAdminsTag.status, .ok)
            // The applicant changes the record with the tag it got; the secretariat's tag names another representation.
            let changed = try await client.call(
                .patch, organisation, token: applicant, body: ["website": "https://formaliza.example"],
                contentType: "application/merge-patch+json", headers: ["If-Match": "\"1-no-due-diligence\""])
            XCTAssertEqual(changed.status, .ok, changed.text)
            XCTAssertEqual(changed.headers[.eTag], "\"2-no-due-diligence\"")
            let foreignTag = try await client.call(
                .patch, organisation, token: applicant, body: ["website": "https://other.example"],
                contentType: "application/merge-patch+json", headers: ["If-Match": "\"2\""])
            XCTAssertProblem(foreignTag, .preconditionFailed, "precondition-failed")
        }
    }

    func testFastReadsKeepEveryAccessRule() async throws {
        try await TestApp.run { app, client in
            let mine = try await Fixtures.createOrganisation(client, name: "Mine")
            let theirs = try await Fixtures.createOrganisation(client, name: "Theirs")
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [mine])
            let finance = try await Fixtures.token(app, role: "finance")
            let foreign = try await Fixtures.proposalID(client, lead: theirs)
            let own = try await Fixtures.proposalID(client, lead: mine, token: applicant)

            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(foreign)", token: applicant), .notFound, "not-found")
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(own)", token: nil), .unauthorized, "unauthorized")
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(own)", token: finance), .forbidden, "forbidden")
            XCTAssertProblem(try await client.call(.get, "/v1/proposals", token: finance), .forbidden, "forbidden")
            XCTAssertProblem(try await client.call(.get, "/v1/proposals?limit=500"), .badRequest, "validation")
            let list = try await client.call(.get, "/v1/proposals?limit=10", token: applicant)
            XCTAssertEqual((list["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [own])
        }
    }

    /// `application/json` takes the fast path; `application/json; charset=utf-8` the generated one.
    func testFastCreateAnswersAsTheGeneratedPathDoes() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let body = Fixtures.proposalBody(lead: lead)
            let fast = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body)
            let generated = try await client.call(
                .post, "/v1/calls/LAC-2021/proposals", body: body, contentType: "application/json; charset=utf-8")
            for response in [fast, generated] {
                XCTAssertEqual(response.status, .created, response.text)
                XCTAssertEqual(response.headers[.eTag], "\"1\"")
                XCTAssertEqual(response.headers[.location], "/v1/proposals/\(response.json["id"] as? String ?? "?")")
                XCTAssertEqual(response.headers[.contentType], "application/json; charset=utf-8")
                XCTAssertEqual(response.headers[.cacheControl], "no-store")
                XCTAssertNotNil(response.headers[.requestID])
            }
            // Both send PostgreSQL's text, which their ETag names (the generated path decoded its value from it).
            XCTAssertTrue(fast.text.contains(#""title": "Formalisation"#), fast.text)
            XCTAssertTrue(generated.text.contains(#""title": "Formalisation"#), generated.text)
            var a = try Representation.decoder.decode(Components.Schemas.Proposal.self, from: fast.body)
            let b = try Representation.decoder.decode(Components.Schemas.Proposal.self, from: generated.body)
            XCTAssertNotEqual(a.id, b.id)
            a.id = b.id
            a.createdAt = b.createdAt
            a.updatedAt = b.updatedAt
            XCTAssertEqual(a, b)
            // What was stored is what was answered.
            let stored = try await client.call(.get, "/v1/proposals/\(fast.json["id"] as? String ?? "")")
            XCTAssertEqual(
                try Representation.decoder.decode(Components.Schemas.Proposal.self, from: stored.body),
                try Representation.decoder.decode(Components.Schemas.Proposal.self, from: fast.body))
        }
    }

    func testFastCreateKeepsEveryRefusalAndReplay() async throws {
        try await TestApp.run { app, client in
            let mine = try await Fixtures.createOrganisation(client, name: "Mine")
            let theirs = try await Fixtures.createOrganisation(client, name: "Theirs")
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [mine])
            let reviewer = try await Fixtures.token(app, role: "reviewer")
            let path = "/v1/calls/LAC-2021/proposals"

            XCTAssertProblem(try await client.call(.post, path, token: nil, body: Fixtures.proposalBody(lead: mine)), .unauthorized, "unauthorized")
            XCTAssertProblem(try await client.call(.post, path, token: reviewer, body: Fixtures.proposalBody(lead: mine)), .forbidden, "forbidden")
            XCTAssertProblem(try await client.call(.post, path, token: applicant, body: Fixtures.proposalBody(lead: theirs)), .forbidden, "forbidden")
            XCTAssertProblem(try await client.call(.post, "/v1/calls/NO-SUCH/proposals", body: Fixtures.proposalBody(lead: mine)), .notFound, "not-found")

            // A body that does not decode goes to the generated path, which names every unknown field.
            var extra = Fixtures.proposalBody(lead: mine)
            extra["colour"] = "blue"
            extra["size"] = 3
            let unknown = try await client.call(.post, path, body: extra)
            XCTAssertProblem(unknown, .badRequest, "validation")
            let pointers = Set(((unknown.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String })
            XCTAssertEqual(pointers, ["/colour", "/size"])
            XCTAssertProblem(try await client.call(.post, path, body: Data("{\"title\": ".utf8)), .badRequest, "malformed-json")
            var bad = Fixtures.proposalBody(lead: mine)
            bad["countries"] = ["XX"]
            XCTAssertProblem(try await client.call(.post, path, body: bad), .badRequest, "validation")

            // Only JSON can be answered: other Accept values get 406, before anything is stored.
            let html = try await client.call(.post, path, body: Fixtures.proposalBody(lead: mine), headers: ["Accept": "text/html"])
            XCTAssertProblem(html, .notAcceptable, "not-acceptable")
            let proposal = try await Fixtures.proposalID(client, lead: mine)
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(proposal)", headers: ["Accept": "text/html"]), .notAcceptable, "not-acceptable")

            // Idempotent replay through the fast path: same answer, no second draft; other body refused.
            let key = ["Idempotency-Key": "fast-create-1"]
            let first = try await client.call(.post, path, token: applicant, body: Fixtures.proposalBody(lead: mine), headers: key)
            let again = try await client.call(.post, path, token: applicant, body: Fixtures.proposalBody(lead: mine), headers: key)
            XCTAssertEqual(first.status, .created, first.text)
            XCTAssertEqual(again.status, .created, again.text)
            XCTAssertEqual(first.body, again.body)
            XCTAssertEqual(again.headers[.location], first.headers[.location])
            var other = Fixtures.proposalBody(lead: mine)
            other["title"] = "Another title"
            XCTAssertProblem(try await client.call(.post, path, token: applicant, body: other, headers: key), .unprocessableContent, "unprocessable")
            let mineOnly = try await client.call(.get, "/v1/proposals?leadOrganisationId=\(mine)", token: applicant)
            XCTAssertEqual((mineOnly.json["items"] as? [Any])?.count, 2)

            // A key reads the same on both paths, percent-encoded or not.
            let encoded = ["Idempotency-Key": "fast-%41"]
            let viaFast = try await client.call(.post, path, body: Fixtures.proposalBody(lead: mine), headers: encoded)
            let viaGenerated = try await client.call(
                .post, path, body: Fixtures.proposalBody(lead: mine), contentType: "application/json; charset=utf-8", headers: encoded)
            XCTAssertEqual(viaFast.status, .created, viaFast.text)
            XCTAssertEqual(viaFast["id"] as? String, viaGenerated["id"] as? String)
            let plain = ["Idempotency-Key": "fast-plain"]
            let plainFast = try await client.call(.post, path, body: Fixtures.proposalBody(lead: mine), headers: plain)
            let plainGenerated = try await client.call(
                .post, path, body: Fixtures.proposalBody(lead: mine), contentType: "application/json; charset=utf-8", headers: plain)
            XCTAssertEqual(plainFast["id"] as? String, plainGenerated["id"] as? String)
        }
    }
}
