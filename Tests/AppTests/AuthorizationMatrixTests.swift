@testable import App
import Foundation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import XCTest
import Yams

/// Every operation of `openapi.yaml`, called by every role and without a credential: roles outside the
/// operation's `x-convoca-roles` get 403 (401 without a credential), roles inside reach an object they own,
/// and applicants get 404 for another organisation's objects.
///
/// The table below says how to build a valid request for each operation. An operation in the contract
/// without an entry fails this test: a new endpoint cannot ship without its access rule being exercised.
final class AuthorizationMatrixTests: XCTestCase {
    /// What one call sends, apart from the method and path template, which come from the contract.
    struct Call: Sendable {
        var path: [String: String] = [:]
        var query = ""
        var body: Data? = nil
        var contentType = "application/json"
        var headers: [String: String] = [:]
    }

    /// A JSON body.
    static func json(_ value: Any) -> Data { try! JSONSerialization.data(withJSONObject: value) }

    struct Entry: Sendable {
        /// The status a role the contract allows gets on an object it may use.
        var success: HTTPResponse.Status
        /// Roles the contract allows that still reach no object here, with what they get instead.
        var unseen: [String: HTTPResponse.Status] = [:]
        /// A valid request on an object the caller owns (built afresh for every call: some change their object).
        var call: @Sendable (World) async throws -> Call
        /// The same request on an object of another organisation: applicants get 404.
        var foreign: (@Sendable (World) async throws -> Call)? = nil
    }

    static let table: [String: Entry] = [
        "getHealth": Entry(success: .ok) { _ in Call() },
        "getReadiness": Entry(success: .ok) { _ in Call() },
        "getOpenAPIDocument": Entry(success: .ok) { _ in Call() },

        "listCalls": Entry(success: .ok) { _ in Call(query: "?limit=5") },
        "createCall": Entry(success: .created) { w in Call(body: json(try w.callBody(code: "AUTHZ-\(w.next())"))) },
        "getCall": Entry(success: .ok) { _ in Call(path: ["callId": "LAC-2021"]) },
        "updateCall": Entry(success: .ok) { w in
            Call(path: ["callId": "LAC-2021"], body: json(["summary": ["en": "Summary \(w.next())"]]),
                 contentType: "application/merge-patch+json", headers: ["If-Match": try await w.etag("/v1/calls/LAC-2021")])
        },

        "listOrganisations": Entry(success: .ok) { _ in Call() },
        "createOrganisation": Entry(success: .created) { w in
            Call(body: json(Fixtures.organisationBody(name: "Organisation \(w.next())")))
        },
        "getOrganisation": Entry(
            success: .ok, call: { w in Call(path: ["organisationId": w.ownOrganisation]) },
            foreign: { w in Call(path: ["organisationId": w.foreignOrganisation]) }),
        "updateOrganisation": Entry(
            success: .ok,
            call: { w in try await w.organisationPatch(w.ownOrganisation) },
            foreign: { w in try await w.organisationPatch(w.foreignOrganisation) }),

        "createProposal": Entry(success: .created) { w in
            Call(path: ["callId": "LAC-2021"], body: json(Fixtures.proposalBody(lead: w.ownOrganisation)))
        },
        "listProposals": Entry(success: .ok) { _ in Call() },
        // Reviewers see only the proposals assigned to them, and nothing is assigned here.
        "getProposal": Entry(
            success: .ok, unseen: ["reviewer": .notFound],
            call: { w in Call(path: ["proposalId": w.ownProposal]) },
            foreign: { w in Call(path: ["proposalId": w.foreignProposal]) }),
        "updateProposal": Entry(
            success: .ok,
            call: { w in Call(path: ["proposalId": try await w.draft(lead: w.ownOrganisation)], body: json(["title": "Retitled"]),
                              contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""]) },
            foreign: { w in Call(path: ["proposalId": try await w.draft(lead: w.foreignOrganisation)], body: json(["title": "Retitled"]),
                                 contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""]) }),
        "submitProposal": Entry(
            success: .ok,
            call: { w in Call(path: ["proposalId": try await w.draft(lead: w.ownOrganisation)]) },
            foreign: { w in Call(path: ["proposalId": try await w.draft(lead: w.foreignOrganisation)]) }),
        "withdrawProposal": Entry(
            success: .ok,
            call: { w in Call(path: ["proposalId": try await w.draft(lead: w.ownOrganisation)]) },
            foreign: { w in Call(path: ["proposalId": try await w.draft(lead: w.foreignOrganisation)]) }),
        "uploadProposalDocument": Entry(
            success: .created,
            call: { w in Call(path: ["proposalId": try await w.draft(lead: w.ownOrganisation)], query: "?filename=letter.txt",
                              body: Data("Letter of support".utf8), contentType: "text/plain") },
            foreign: { w in Call(path: ["proposalId": try await w.draft(lead: w.foreignOrganisation)], query: "?filename=letter.txt",
                                 body: Data("Letter of support".utf8), contentType: "text/plain") }),
        "listProposalDocuments": Entry(
            success: .ok, unseen: ["reviewer": .notFound],
            call: { w in Call(path: ["proposalId": w.ownProposal]) },
            foreign: { w in Call(path: ["proposalId": w.foreignProposal]) }),
        "getProposalDocument": Entry(
            success: .ok, unseen: ["reviewer": .notFound],
            call: { w in Call(path: ["proposalId": w.ownProposal, "documentId": try await w.document(on: w.ownProposal)]) },
            foreign: { w in
                Call(path: ["proposalId": w.foreignProposal, "documentId": try await w.document(on: w.foreignProposal)])
            }),

        "evaluateRule": Entry(success: .ok) { _ in Call(body: json(["rule": ["==": [1, 1]], "data": [:]])) },
        "listRulesets": Entry(success: .ok) { _ in Call(path: ["callId": "LAC-2021"]) },
        "getCurrentRuleset": Entry(success: .ok) { _ in Call(path: ["callId": "LAC-2021"]) },
        // Republishes the seed rules, so later entries see the same rules in a newer version.
        "createRuleset": Entry(success: .created) { w in Call(path: ["callId": "LAC-2021"], body: json(try w.seedRuleset())) },
        "getProposalFacts": Entry(
            success: .ok, unseen: ["reviewer": .notFound],
            call: { w in Call(path: ["proposalId": w.ownProposal]) },
            foreign: { w in Call(path: ["proposalId": w.foreignProposal]) }),
        "getProposalEligibility": Entry(
            success: .ok, unseen: ["reviewer": .notFound],
            call: { w in Call(path: ["proposalId": w.ownProposal]) },
            foreign: { w in Call(path: ["proposalId": w.foreignProposal]) }),
        "getProposalScreening": Entry(success: .ok) { w in Call(path: ["proposalId": try await w.screenedProposal()]) },
        "screenProposal": Entry(success: .ok) { w in Call(path: ["proposalId": try await w.submittedProposal()]) },
        "overrideProposalScreening": Entry(success: .ok) { w in
            Call(path: ["proposalId": try await w.screenedProposal()],
                 body: json(["decision": "ineligible", "justification": "References could not be reached."]))
        },

        "getMe": Entry(success: .ok) { _ in Call() },
        "listTokens": Entry(success: .ok) { _ in Call(query: "?limit=10") },
        "createToken": Entry(success: .created) { w in
            Call(body: json(["name": "Token \(w.next())", "role": "reporting", "expiresAt": "2100-01-01T00:00:00.000Z"]))
        },
        "revokeToken": Entry(success: .noContent) { w in Call(path: ["tokenId": try await w.issueToken(role: "finance").id]) },
        "listAuditEvents": Entry(success: .ok) { _ in Call(query: "?entityType=organisation") },
    ]

    func testEveryOperationHasRolesAndTheServerReadsThemAlike() throws {
        let operations = try ContractOperations.load()
        XCTAssertFalse(operations.isEmpty)
        let known = Set(Principal.Role.allCases.map(\.rawValue))
        let policy = AccessPolicy(contract: try ContractOperations.text())
        for operation in operations {
            XCTAssertFalse(operation.roles.isEmpty, "\(operation.id) has no x-convoca-roles")
            for role in operation.roles where role != AccessPolicy.publicRole {
                XCTAssertTrue(known.contains(role), "\(operation.id) names an unknown role \(role)")
            }
            if operation.roles.contains(AccessPolicy.publicRole) {
                XCTAssertEqual(operation.roles, [AccessPolicy.publicRole], "\(operation.id): public stands alone")
            }
            // The server's own (line-based) reading must agree with a YAML parser's.
            XCTAssertEqual(policy.rolesByOperation[operation.id], Set(operation.roles),
                           "\(operation.id): x-convoca-roles must be a one-line flow list right after operationId")
        }
        let ids = operations.map(\.id)
        XCTAssertEqual(ids.count, Set(ids).count, "operationIds repeat")
    }

    func testEveryOperationHasAnEntryInTheTable() throws {
        let ids = Set(try ContractOperations.load().map(\.id))
        let missing = ids.subtracting(Self.table.keys).sorted()
        XCTAssertEqual(missing, [], "operations without an entry in AuthorizationMatrixTests.table: \(missing)")
        let stale = Set(Self.table.keys).subtracting(ids).sorted()
        XCTAssertEqual(stale, [], "entries for operations the contract no longer has: \(stale)")
    }

    func testEveryRoleOnEveryOperation() async throws {
        let operations = try ContractOperations.load()
        try await TestApp.run { app, client in
            let world = try await World.make(app: app, client: client)
            for operation in operations {
                guard let entry = Self.table[operation.id] else { continue }  // reported by the test above
                let isPublic = operation.roles.contains(AccessPolicy.publicRole)

                let anonymous = try await world.send(operation, try await entry.call(world), token: nil)
                if isPublic {
                    XCTAssertEqual(anonymous.status, entry.success, "\(operation.id) without a credential: \(anonymous.text)")
                } else {
                    XCTAssertProblem(anonymous, .unauthorized, "unauthorized")
                    XCTAssertEqual(anonymous.headers[.wwwAuthenticate], "Bearer", operation.id)
                }

                for role in Principal.Role.allCases.map(\.rawValue) {
                    let response = try await world.send(operation, try await entry.call(world), token: world.tokens[role])
                    let context = "\(operation.id) (\(operation.method.rawValue) \(operation.path)) as \(role)"
                    if isPublic || operation.roles.contains(role) {
                        XCTAssertEqual(response.status, entry.unseen[role] ?? entry.success, "\(context): \(response.text)")
                    } else {
                        XCTAssertProblem(response, .forbidden, "forbidden")
                        XCTAssertEqual(response.status, .forbidden, context)
                    }
                    XCTAssertEqual(response.headers[.cacheControl], "no-store", context)
                }

                if let foreign = entry.foreign, operation.roles.contains("applicant") {
                    let response = try await world.send(operation, try await foreign(world), token: world.tokens["applicant"])
                    XCTAssertProblem(response, .notFound, "not-found")
                    XCTAssertEqual(response.status, .notFound, "\(operation.id) as applicant on another organisation's object")
                }
            }
        }
    }
}

/// The operations of `openapi.yaml`, read with a YAML parser (independently of the server's own reader).
struct ContractOperation: Sendable {
    var id: String
    var method: HTTPRequest.Method
    var path: String
    var roles: [String]
}

enum ContractOperations {
    static let methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    static func text() throws -> String { String(decoding: try BundledFiles.contract(), as: UTF8.self) }

    static func load() throws -> [ContractOperation] {
        let document = try XCTUnwrap(try Yams.load(yaml: try text()) as? [String: Any])
        let paths = try XCTUnwrap(document["paths"] as? [String: Any])
        var operations: [ContractOperation] = []
        for (path, item) in paths {
            let item = try XCTUnwrap(item as? [String: Any], path)
            for method in methods {
                guard let operation = item[method] as? [String: Any] else { continue }
                let id = try XCTUnwrap(operation["operationId"] as? String, "\(method) \(path) has no operationId")
                let roles = (operation["x-convoca-roles"] as? [Any])?.map { "\($0)" } ?? []
                operations.append(.init(id: id, method: HTTPRequest.Method(method.uppercased())!, path: path, roles: roles))
            }
        }
        return operations.sorted { ($0.path, $0.method.rawValue) < ($1.path, $1.method.rawValue) }
    }
}

/// What the table's requests build on: a token per role, an organisation the applicant acts for and one it
/// does not, and helpers that make fresh objects through the API (as the bootstrap admin).
final class World: Sendable {
    let app: TestApp
    let client: any TestClientProtocol
    let tokens: [String: String]
    let ownOrganisation: String
    let foreignOrganisation: String
    let ownProposal: String
    let foreignProposal: String
    private let counter = Mutex(0)

    init(app: TestApp, client: any TestClientProtocol, tokens: [String: String], ownOrganisation: String,
         foreignOrganisation: String, ownProposal: String, foreignProposal: String) {
        self.app = app
        self.client = client
        self.tokens = tokens
        self.ownOrganisation = ownOrganisation
        self.foreignOrganisation = foreignOrganisation
        self.ownProposal = ownProposal
        self.foreignProposal = foreignProposal
    }

    static func make(app: TestApp, client: any TestClientProtocol) async throws -> World {
        let own = try await Fixtures.createOrganisation(client, name: "Own")
        let foreign = try await Fixtures.createOrganisation(client, name: "Foreign")
        let ownProposal = try await Fixtures.proposalID(client, lead: own)
        let foreignProposal = try await Fixtures.proposalID(client, lead: foreign)
        var tokens: [String: String] = [:]
        // Every role's credential is issued through the tokens API itself.
        for role in Principal.Role.allCases.map(\.rawValue) {
            tokens[role] = try await issue(client, role: role, organisations: role == "applicant" ? [own] : []).secret
        }
        return World(app: app, client: client, tokens: tokens, ownOrganisation: own, foreignOrganisation: foreign,
                     ownProposal: ownProposal, foreignProposal: foreignProposal)
    }

    static func issue(_ client: any TestClientProtocol, role: String, organisations: [String] = []) async throws
        -> (id: String, secret: String)
    {
        let response = try await client.call(.post, "/v1/tokens", body: [
            "name": "\(role) credential", "role": role, "organisationIds": organisations,
            "expiresAt": "2100-01-01T00:00:00.000Z",
        ])
        XCTAssertEqual(response.status, .created, response.text)
        return (try XCTUnwrap(response["id"] as? String), try XCTUnwrap(response["token"] as? String))
    }

    func next() -> Int { counter.withLock { $0 += 1; return $0 } }

    func issueToken(role: String) async throws -> (id: String, secret: String) {
        try await Self.issue(client, role: role)
    }

    func draft(lead: String) async throws -> String { try await Fixtures.proposalID(client, lead: lead) }

    /// A document attached to a draft, returned by id.
    func document(on proposal: String) async throws -> String {
        let response = try await client.call(
            .post, "/v1/proposals/\(proposal)/documents?filename=note-\(next()).txt", body: Data("A note".utf8),
            contentType: "text/plain")
        XCTAssertEqual(response.status, .created, response.text)
        return try XCTUnwrap(response["id"] as? String)
    }

    func etag(_ path: String) async throws -> String {
        let response = try await client.call(.get, path)
        return try XCTUnwrap(response.headers[.eTag], response.text)
    }

    /// Sent as every role, and each role's tag names its own view of the record: `*` matches them all.
    func organisationPatch(_ id: String) async throws -> AuthorizationMatrixTests.Call {
        AuthorizationMatrixTests.Call(
            path: ["organisationId": id], body: AuthorizationMatrixTests.json(["website": "https://example.org/\(next())"]),
            contentType: "application/merge-patch+json", headers: ["If-Match": "*"])
    }

    /// The seeded call's definition under another code.
    func callBody(code: String) throws -> [String: Any] { try Fixtures.callBody(code: code) }

    func send(_ operation: ContractOperation, _ call: AuthorizationMatrixTests.Call, token: String?) async throws -> TestResponse {
        var path = operation.path
        for (name, value) in call.path { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
        XCTAssertFalse(path.contains("{"), "\(operation.id): no value for a path parameter of \(operation.path)")
        let response = try await client.call(
            operation.method, path + call.query, token: token, body: call.body, contentType: call.contentType,
            headers: call.headers)
        let context = "\(operation.id) with \(token == nil ? "no credential" : "a credential")"
        XCTAssertNotNil(response.headers[HTTPField.Name("X-Request-Id")!], context)
        XCTAssertEqual(response.headers[HTTPField.Name("X-Content-Type-Options")!], "nosniff", context)
        return response
    }
}
