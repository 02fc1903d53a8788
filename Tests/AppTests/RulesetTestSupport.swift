@testable import App
import Foundation
import HummingbirdTesting
import XCTest

/// Records the rules tests build on, made through the API as the bootstrap admin.
enum RulesetFixtures {
    /// The seed ruleset of the 2021 call, as a `RulesetInput` body.
    static func seedRuleset() throws -> [String: Any] {
        let file = BundledFiles.seedDirectory.appendingPathComponent("rulesets/LAC-2021.json")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    }

    static func organisation(_ client: any TestClientProtocol, changes: [String: Any?] = [:]) async throws -> String {
        var body = Fixtures.organisationBody(name: "Organisation \(UUID().uuidString.prefix(8))")
        for (key, value) in changes { body[key] = value }
        // Registered the day it was founded, when a test moves the founding (registration follows founding).
        if let foundedOn = changes["foundedOn"] as? String, changes["registration"] == nil,
            var registration = body["registration"] as? [String: Any]
        {
            registration["registeredOn"] = foundedOn
            body["registration"] = registration
        }
        let response = try await client.call(.post, "/v1/organisations", body: body)
        XCTAssertEqual(response.status, .created, response.text)
        return try XCTUnwrap(response["id"] as? String)
    }

    static func submit(_ client: any TestClientProtocol, _ id: String, token: String = TestApp.adminToken,
                       headers: [String: String] = [:]) async throws -> TestResponse {
        try await client.call(.post, "/v1/proposals/\(id)/submit", token: token, headers: headers)
    }

    static func submitted(_ client: any TestClientProtocol, lead: String) async throws -> String {
        let id = try await Fixtures.proposalID(client, lead: lead)
        let response = try await submit(client, id)
        XCTAssertEqual(response.status, .ok, response.text)
        return id
    }
}

extension World {
    func seedRuleset() throws -> [String: Any] { try RulesetFixtures.seedRuleset() }

    func submittedProposal() async throws -> String {
        try await RulesetFixtures.submitted(client, lead: ownOrganisation)
    }

    func screenedProposal() async throws -> String {
        let id = try await submittedProposal()
        let response = try await client.call(.post, "/v1/proposals/\(id)/screening")
        XCTAssertEqual(response.status, .ok, response.text)
        return id
    }
}
