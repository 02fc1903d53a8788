import App
import Database
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import XCTest

/// What a hostile or careless client can do: too many requests, oversized headers, provoking errors.
final class AbuseTests: XCTestCase {
    func testRateLimitAnswers429WithRetryAfterPerCredential() async throws {
        try await TestApp.run(configure: { $0.rateLimitPerMinute = 3 }) { app, client in
            let reviewer = try await Fixtures.token(app, role: "reviewer")
            let other = try await Fixtures.token(app, role: "reviewer")
            for _ in 0..<3 {
                let status = try await client.call(.get, "/v1/calls", token: reviewer).status
                XCTAssertEqual(status, .ok)
            }
            let limited = try await client.call(.get, "/v1/calls", token: reviewer)
            XCTAssertProblem(limited, .tooManyRequests, "too-many-requests")
            let wait = try XCTUnwrap(limited.headers[.retryAfter].flatMap(Int.init), "Retry-After in seconds")
            XCTAssertTrue((1...60).contains(wait), "\(wait)")
            XCTAssertEqual(limited.headers[.cacheControl], "no-store")
            // Another credential has its own budget.
            let status = try await client.call(.get, "/v1/calls", token: other).status
            XCTAssertEqual(status, .ok)
        }
    }

    func testSecurityHeadersOnEveryKindOfResponse() async throws {
        try await TestApp.run { app, client in
            let reporting = try await Fixtures.token(app, role: "reporting")
            let responses: [(String, TestResponse, Bool)] = [
                ("public", try await client.call(.get, "/healthz", token: nil), false),
                ("contract", try await client.call(.get, "/openapi.yaml", token: nil), false),
                ("no credential", try await client.call(.get, "/v1/calls", token: nil), false),
                ("authenticated", try await client.call(.get, "/v1/calls", token: reporting), true),
                ("bad credential", try await client.call(.get, "/v1/calls", token: "cvk_not-a-real-secret-000000"), true),
                ("forbidden", try await client.call(.get, "/v1/tokens", token: reporting), true),
                ("unknown path", try await client.call(.get, "/v1/nowhere", token: reporting), true),
                ("method", try await client.call(.put, "/v1/calls", token: reporting), true),
                ("validation", try await client.call(.get, "/v1/calls?limit=0", token: reporting), true),
            ]
            for (name, response, authenticated) in responses {
                XCTAssertEqual(response.headers[HTTPField.Name("X-Content-Type-Options")!], "nosniff", name)
                XCTAssertNotNil(response.headers[HTTPField.Name("X-Request-Id")!], name)
                if authenticated { XCTAssertEqual(response.headers[.cacheControl], "no-store", name) }
            }
        }
    }

    func testDatabaseFailureAnswers500NamingOnlyTheRequestID() async throws {
        try await TestApp.run { app, client in
            let reporting = try await Fixtures.token(app, role: "reporting")
            try await app.pool.withConnection { connection in
                _ = try await connection.execute("ALTER TABLE organisations RENAME COLUMN document TO document_moved")
            }
            let response = try await client.call(
                .get, "/v1/organisations", token: reporting, headers: ["X-Request-Id": "req-broken-1"])
            XCTAssertProblem(response, .internalServerError, "internal-error")
            XCTAssertEqual(response["detail"] as? String,
                           "An unexpected error occurred; quote request id req-broken-1 when reporting it.")
            XCTAssertEqual(Set(response.json.keys), ["type", "title", "status", "detail", "instance"])
            for leak in ["document", "organisations", "SELECT", "column", "ERROR", "42703", "Database", ".swift", "Sources/", "libpq"] {
                XCTAssertFalse(response.text.contains(leak), "the answer names \(leak): \(response.text)")
            }
        }
    }

    /// A live server (the HTTP parser runs only there): an oversized request head is refused with 400 and the
    /// connection closed; the server keeps serving.
    func testOversizedRequestHeadersAreRefusedAndTheServerKeepsServing() async throws {
        try await LiveApp.run { port, client in
            let normal = try await client.execute(uri: "/healthz", method: .get, headers: [HTTPField.Name("X-Padding")!: String(repeating: "a", count: 8 * 1024)])
            XCTAssertEqual(normal.status, .ok)

            let oversized: [(String, HTTPFields)] = [
                ("one 100 KB header", [HTTPField.Name("X-Padding")!: String(repeating: "a", count: 100 * 1024)]),
                ("one 20 KB header", [HTTPField.Name("X-Padding")!: String(repeating: "a", count: 20 * 1024)]),
                ("80 KB over many headers", HTTPFields((0..<10).map {
                    HTTPField(name: HTTPField.Name("X-Padding-\($0)")!, value: String(repeating: "b", count: 8 * 1024))
                })),
                ("150 headers", HTTPFields((0..<150).map { HTTPField(name: HTTPField.Name("X-Many-\($0)")!, value: "c") })),
            ]
            for (name, headers) in oversized {
                let status = try await LiveApp.statusOfOneRequest(port: port, headers: headers)
                XCTAssertEqual(status, .badRequest, name)
            }
            let after = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertEqual(after.status, .ok, "the server is still up")
        }
    }
}

/// The application on a real socket (`.live`), with a database of its own.
enum LiveApp {
    static func run(_ body: @Sendable (_ port: Int, _ client: any TestClientProtocol) async throws -> Void) async throws {
        let database = try await TestDatabase.create()
        do {
            var logger = Logger(label: "test-live")
            logger.logLevel = .warning
            let configuration = Configuration(databaseURL: database.url, databasePoolSize: 2, adminToken: TestApp.adminToken)
            let dependencies = try makeDependencies(configuration: configuration, logger: logger)
            let application = try buildApplication(dependencies, migrateAtStart: false)
            try await application.test(.live) { client in
                try await body(try XCTUnwrap(client.port), client)
            }
        } catch {
            try? await TestDatabase.drop(database.name)
            throw error
        }
        try await TestDatabase.drop(database.name)
    }

    /// The status of one GET on a connection of its own (the server closes it after refusing a request).
    static func statusOfOneRequest(port: Int, headers: HTTPFields) async throws -> HTTPResponse.Status {
        let client = TestClient(host: "localhost", port: port, configuration: .init(timeout: .seconds(10)))
        client.connect()
        do {
            let response = try await client.execute(.init("/healthz", method: .get, authority: "localhost", headers: headers))
            try? await client.shutdown()
            return response.status
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
