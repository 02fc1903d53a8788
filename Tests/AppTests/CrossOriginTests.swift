import Foundation
import HummingbirdTesting
import HTTPTypes
import XCTest
import Yams

@testable import App

/// Browser front ends on other origins (CORS): only the configured origins may read answers.
final class CrossOriginTests: XCTestCase {
    static let front = "https://apply.example.org"
    static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    static let exposeHeaders = HTTPField.Name("Access-Control-Expose-Headers")!
    static let allowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    static let allowHeaders = HTTPField.Name("Access-Control-Allow-Headers")!
    static let maxAge = HTTPField.Name("Access-Control-Max-Age")!

    static func preflight(_ client: any TestClientProtocol, _ path: String, origin: String, method: String) async throws
        -> TestResponse
    {
        try await client.call(.options, path, token: nil, headers: [
            "Origin": origin, "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, if-match, content-type",
        ])
    }

    func testNoOriginMayReadAnswersUnlessConfigured() async throws {
        try await TestApp.run { app, client in
            let answer = try await client.call(.get, "/v1/calls", headers: ["Origin": Self.front])
            XCTAssertEqual(answer.status, .ok)
            XCTAssertNil(answer.headers[Self.allowOrigin])
            let preflight = try await Self.preflight(client, "/v1/calls", origin: Self.front, method: "GET")
            XCTAssertProblem(preflight, .methodNotAllowed, "method-not-allowed")
            XCTAssertNil(preflight.headers[Self.allowOrigin])
        }
    }

    func testAConfiguredOriginReadsAnswersAndRefusals() async throws {
        try await TestApp.run(configure: { $0.crossOrigin = .origins([Self.front]) }) { app, client in
            let answers = [
                ("success", try await client.call(.get, "/v1/calls", headers: ["Origin": Self.front])),
                ("no credential", try await client.call(.get, "/v1/calls", token: nil, headers: ["Origin": Self.front])),
                ("unknown path", try await client.call(.get, "/v1/nowhere", headers: ["Origin": Self.front])),
                ("validation", try await client.call(.get, "/v1/calls?limit=0", headers: ["Origin": Self.front])),
                ("fast path", try await client.call(.get, "/v1/proposals?limit=1", headers: ["Origin": Self.front])),
            ]
            XCTAssertEqual(answers.map(\.1.status.code), [200, 401, 404, 400, 200])
            for (name, answer) in answers {
                XCTAssertEqual(answer.headers[Self.allowOrigin], Self.front, name)
                XCTAssertTrue(answer.headers[values: .vary].contains("Origin"), name)
                let exposed = Set((answer.headers[Self.exposeHeaders] ?? "").split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces).lowercased()
                })
                XCTAssertTrue(exposed.isSuperset(of: ["etag", "location", "link", "x-request-id", "retry-after"]), name)
                XCTAssertNil(answer.headers[HTTPField.Name("Access-Control-Allow-Credentials")!], name)
            }
        }
    }

    func testAPreflightFromAConfiguredOriginIsAnsweredBeforeRouting() async throws {
        try await TestApp.run(configure: { $0.crossOrigin = .origins([Self.front]) }) { app, client in
            // Browsers send no credential with a preflight: it is answered without one, and says only what the API accepts.
            let preflight = try await Self.preflight(client, "/v1/proposals/7e7f5d56-4b39-4c2c-9a53-0d7f3f6d8d11", origin: Self.front, method: "PATCH")
            XCTAssertEqual(preflight.status, .noContent)
            XCTAssertTrue(preflight.body.isEmpty)
            XCTAssertEqual(preflight.headers[Self.allowOrigin], Self.front)
            XCTAssertNotNil(preflight.headers[HTTPField.Name("X-Request-Id")!])
            XCTAssertEqual(preflight.headers[Self.maxAge], "600")
            let methods = Set((preflight.headers[Self.allowMethods] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            XCTAssertEqual(methods, ["GET", "POST", "PATCH", "DELETE"])
            let headers = Set((preflight.headers[Self.allowHeaders] ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            })
            XCTAssertTrue(headers.isSuperset(of: ["authorization", "content-type", "if-match", "if-none-match", "idempotency-key"]))
            // The origin is compared without regard to case, as browsers may send it either way.
            let upper = try await Self.preflight(client, "/v1/calls", origin: "HTTPS://APPLY.EXAMPLE.ORG", method: "GET")
            XCTAssertEqual(upper.status, .noContent)
        }
    }

    func testOtherOriginsGetNothing() async throws {
        try await TestApp.run(configure: { $0.crossOrigin = .origins([Self.front]) }) { app, client in
            for origin in ["https://evil.example.org", "http://apply.example.org", "https://apply.example.org:8443", "null"] {
                let answer = try await client.call(.get, "/v1/calls", headers: ["Origin": origin])
                XCTAssertEqual(answer.status, .ok, origin)
                XCTAssertNil(answer.headers[Self.allowOrigin], origin)
                XCTAssertNil(answer.headers[Self.exposeHeaders], origin)
                XCTAssertEqual(answer.headers[.vary], "Origin", origin)
                let preflight = try await Self.preflight(client, "/v1/calls", origin: origin, method: "POST")
                XCTAssertProblem(preflight, .methodNotAllowed, "method-not-allowed")
                XCTAssertNil(preflight.headers[Self.allowOrigin], origin)
                XCTAssertNil(preflight.headers[Self.allowMethods], origin)
            }
        }
    }

    func testAnyOriginAnswersWithAWildcard() async throws {
        try await TestApp.run(configure: { $0.crossOrigin = .any }) { app, client in
            let answer = try await client.call(.get, "/v1/calls", headers: ["Origin": "https://anywhere.example"])
            XCTAssertEqual(answer.headers[Self.allowOrigin], "*")
            XCTAssertNil(answer.headers[.vary])
            let preflight = try await Self.preflight(client, "/v1/calls", origin: "https://anywhere.example", method: "POST")
            XCTAssertEqual(preflight.status, .noContent)
        }
    }

    func testTheVariableIsParsedOrNamed() throws {
        let base = ["DATABASE_URL": "host=/tmp dbname=x"]
        func parse(_ value: String) throws -> CrossOrigin {
            try Configuration.fromEnvironment(base.merging(["CONVOCA_CORS_ORIGINS": value]) { $1 }).crossOrigin
        }
        XCTAssertEqual(try Configuration.fromEnvironment(base).crossOrigin, CrossOrigin.none)
        XCTAssertEqual(try parse(""), CrossOrigin.none)
        XCTAssertEqual(try parse("*"), .any)
        XCTAssertEqual(
            try parse(" https://Apply.Example.org , http://localhost:5173,"),
            .origins(["https://apply.example.org", "http://localhost:5173"]))
        for bad in ["apply.example.org", "https://apply.example.org/", "https://apply.example.org/portal", "ftp://files.example.org",
                    "https://user@apply.example.org", "https://apply.example.org?x=1", "*, https://apply.example.org", "https://"] {
            XCTAssertThrowsError(try parse(bad), bad) { error in
                XCTAssertEqual((error as? ConfigurationError)?.variable, "CONVOCA_CORS_ORIGINS", bad)
            }
        }
    }

    /// What the preflight and the answers announce is what the contract uses: every method, every request
    /// header a browser would not send on its own, every response header.
    func testTheAnnouncedMethodsAndHeadersAreTheContracts() throws {
        let document = try XCTUnwrap(try Yams.load(yaml: try ContractOperations.text()) as? [String: Any])
        let paths = try XCTUnwrap(document["paths"] as? [String: Any])
        func resolved(_ value: Any) -> [String: Any]? {
            guard let object = value as? [String: Any] else { return nil }
            guard let reference = object["$ref"] as? String else { return object }
            var node: Any? = document
            for part in reference.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
            return node as? [String: Any]
        }
        var methods = Set<String>(), requestHeaders = Set<String>(), responseHeaders = Set<String>()
        for case let (_, item as [String: Any]) in paths {
            for method in ContractOperations.methods {
                guard let operation = item[method] as? [String: Any] else { continue }
                methods.insert(method.uppercased())
                let parameters = ((operation["parameters"] as? [Any]) ?? []) + ((item["parameters"] as? [Any]) ?? [])
                for case let parameter? in parameters.map(resolved) where parameter["in"] as? String == "header" {
                    requestHeaders.insert((parameter["name"] as? String ?? "").lowercased())
                }
                for case let (_, response) in (operation["responses"] as? [String: Any]) ?? [:] {
                    for name in (resolved(response)?["headers"] as? [String: Any] ?? [:]).keys { responseHeaders.insert(name.lowercased()) }
                }
            }
        }
        func list(_ text: String) -> Set<String> { Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }) }
        XCTAssertEqual(Set(CrossOrigin.allowedMethods.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }), methods)
        // Accept and Accept-Language are among the headers browsers always allow.
        XCTAssertTrue(list(CrossOrigin.allowedHeaders).union(["accept", "accept-language"]).isSuperset(of: requestHeaders),
                      "not announced: \(requestHeaders.subtracting(list(CrossOrigin.allowedHeaders)))")
        // Content-Type, Content-Length, Cache-Control… are exposed to pages anyway.
        let safelisted: Set = ["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"]
        XCTAssertTrue(list(CrossOrigin.exposedHeaders).union(safelisted).isSuperset(of: responseHeaders),
                      "not exposed: \(responseHeaders.subtracting(list(CrossOrigin.exposedHeaders)))")
        XCTAssertFalse(requestHeaders.isEmpty)
        XCTAssertFalse(responseHeaders.isEmpty)
    }
}
