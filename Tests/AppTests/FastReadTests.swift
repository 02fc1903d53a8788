@testable import App
import ConvocaAPI
import Foundation
import HTTPTypes
import HummingbirdTesting
import XCTest

/// The fast read path sends PostgreSQL's JSON as is: it must still be exactly the documented schema,
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
}
