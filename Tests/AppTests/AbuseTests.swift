import App
import Database
import Foundation
#if canImport(Glibc)
import Glibc
#endif
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
        let logs = CapturedLogs()
        try await TestApp.run(logs: logs) { app, client in
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
            // The log says what failed, under the request id, but never the caller's credential.
            let logged = logs.all.filter { $0.contains("req-broken-1") }
            XCTAssertEqual(logged.count, 1, "\(logs.all)")
            XCTAssertTrue(logged.allSatisfy { $0.contains("listOrganisations") && $0.contains("42703") }, "\(logged)")
            XCTAssertFalse(logs.all.contains { $0.contains(reporting) }, "a credential was logged: \(logs.all)")
        }
    }

    /// A live server (the HTTP parser runs only there): a request head the parser cannot read (too
    /// large, a control character in a header) is refused with a 400 problem document and the
    /// connection closed; the server keeps serving.
    func testUnreadableRequestHeadsAreRefusedWithAProblemAndTheServerKeepsServing() async throws {
        try await LiveApp.run { port, client in
            let normal = try await client.execute(uri: "/healthz", method: .get, headers: [HTTPField.Name("X-Padding")!: String(repeating: "a", count: 8 * 1024)])
            XCTAssertEqual(normal.status, .ok)

            let padding = { (name: String, count: Int) in "\(name): \(String(repeating: "a", count: count))\r\n" }
            let unreadable: [(String, String, String)] = [
                ("one 100 KB header", padding("X-Padding", 100 * 1024), "larger than the server reads"),
                ("one 20 KB header", padding("X-Padding", 20 * 1024), "larger than the server reads"),
                ("80 KB over many headers", (0..<10).map { padding("X-Padding-\($0)", 8 * 1024) }.joined(), "larger than the server reads"),
                ("150 headers", (0..<150).map { "X-Many-\($0): c\r\n" }.joined(), "larger than the server reads"),
                ("a control character", "X-Bad: a\u{01}b\r\n", "could not be read as HTTP/1.1"),
            ]
            for (name, headers, detail) in unreadable {
                let connection = try RawConnection(port: port)
                try connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n")
                let answer = try connection.readAnswer(within: .seconds(5))
                XCTAssertRawProblem(answer, 400, "bad-request")
                XCTAssertEqual((answer.json["detail"] as? String)?.contains(detail), true, "\(name): \(answer.json)")
                XCTAssertTrue(answer.closed, name)
            }
            let after = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertEqual(after.status, .ok, "the server is still up")
        }
    }
}

extension AbuseTests {
    /// A client cannot hold connections without using them: a connection with nothing in progress, or
    /// with a request head that never ends, is closed after the idle timeout; one in use is not.
    func testIdleAndUnfinishedConnectionsAreClosed() async throws {
        try await LiveApp.run(configure: { $0.idleTimeout = .seconds(1) }) { port, client in
            let silent = try RawConnection(port: port)
            let unfinished = try RawConnection(port: port)
            try unfinished.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            let started = ContinuousClock.now
            // A connection in use meanwhile keeps being served.
            for _ in 0..<3 {
                let status = try await client.execute(uri: "/healthz", method: .get).status
                XCTAssertEqual(status, .ok)
                try await Task.sleep(for: .milliseconds(400))
            }
            XCTAssertTrue(try silent.closedByServer(within: .seconds(5)), "a silent connection stays open")
            XCTAssertTrue(try unfinished.closedByServer(within: .seconds(5)), "an unfinished request head stays open")
            XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(900), "closed before the timeout")
        }
    }
}

extension AbuseTests {
    /// `Expect: 100-continue` (curl sends it before large bodies) gets `100 Continue` as soon as the checks
    /// before the body have passed, so the client does not wait; a body declared over the limit gets the
    /// 413 instead and is never sent.
    func testExpectContinueIsAnsweredAndOversizedBodiesAreRefusedFirst() async throws {
        try await LiveApp.run(configure: { $0.maxBodyBytes = 64 * 1024 }) { port, _ in
            let body = try JSONSerialization.data(withJSONObject: Fixtures.organisationBody())
            func head(length: Int) -> String {
                RawConnection.post("/v1/organisations", "Content-Type: application/json", "Expect: 100-continue", "Content-Length: \(length)")
            }
            let accepted = try RawConnection(port: port)
            try accepted.send(head(length: body.count))
            let interim = try accepted.readHead(within: .seconds(0.5))
            XCTAssertTrue(interim.hasPrefix("HTTP/1.1 100 Continue"), interim)
            try accepted.send(String(decoding: body, as: UTF8.self))
            let final = try accepted.readHead(within: .seconds(5))
            XCTAssertTrue(final.hasPrefix("HTTP/1.1 201"), final)

            let oversized = try RawConnection(port: port)
            try oversized.send(head(length: 1 << 20))
            let refusal = try oversized.readHead(within: .seconds(5))
            XCTAssertTrue(refusal.hasPrefix("HTTP/1.1 413"), refusal)
        }
    }
}

extension AbuseTests {
    /// An empty body where a document is required is a 400, not the end of the process (the body was
    /// once read twice, by the fast path and by the generated server, which stops a debug build).
    func testAnEmptyBodyIsRefusedAndTheServerKeepsServing() async throws {
        try await LiveApp.run { port, client in
            for path in ["/v1/organisations", "/v1/calls", "/v1/calls/LAC-2021/proposals", "/v1/tokens"] {
                let connection = try RawConnection(port: port)
                try connection.send(RawConnection.post(path, "Content-Type: application/json", "Content-Length: 0"))
                let head = try connection.readHead(within: .seconds(5))
                XCTAssertTrue(head.hasPrefix("HTTP/1.1 400"), "\(path): \(head)")
            }
            let after = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertEqual(after.status, .ok, "the server is still up")
        }
    }

    /// A chunked body (no length declared) over its limit is a 413 like a declared one, for JSON and
    /// for documents alike.
    func testChunkedBodiesOverTheLimitAre413() async throws {
        try await LiveApp.run(configure: { $0.maxBodyBytes = 4096; $0.maxDocumentBytes = 8192 }) { port, client in
            let cases = [
                ("/v1/organisations", "application/json", "{\"legalName\": \"" + String(repeating: "a", count: 5000) + "\"}"),
                ("/v1/proposals/\(UUID().uuidString.lowercased())/documents?filename=letter.pdf", "application/pdf",
                 "%PDF-" + String(repeating: "b", count: 9000)),
            ]
            for (path, type, body) in cases {
                let connection = try RawConnection(port: port)
                var request = RawConnection.post(path, "Content-Type: \(type)", "Transfer-Encoding: chunked")
                var rest = Substring(body)
                while !rest.isEmpty {
                    let chunk = rest.prefix(1000)
                    request += String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n"
                    rest = rest.dropFirst(chunk.count)
                }
                try connection.send(request + "0\r\n\r\n")
                let head = try connection.readHead(within: .seconds(5))
                XCTAssertTrue(head.hasPrefix("HTTP/1.1 413"), "\(path): \(head)")
            }
            let after = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertEqual(after.status, .ok)
        }
    }
}

extension AbuseTests {
    /// A body is never read for a caller without a valid credential: the 401 comes at once, while the
    /// body is still on its way (an anonymous client could otherwise hold memory or CPU per connection).
    func testABodyWithoutACredentialIsRefusedBeforeItIsRead() async throws {
        try await LiveApp.run { port, client in
            for authorization in ["", "Authorization: Bearer not-a-token-at-all-0123456789abcdef\r\n"] {
                let connection = try RawConnection(port: port)
                try connection.send(
                    RawConnection.post("/v1/organisations", token: nil, authorization + "Content-Type: application/json", "Content-Length: 500000")
                        + #"{"legalName": ""#)
                let head = try connection.readHead(within: .seconds(3))
                XCTAssertTrue(head.hasPrefix("HTTP/1.1 401"), "\(authorization): \(head)")
            }
            // A credential's body that ends before its declared length is the client's fault, not the server's.
            let truncated = try RawConnection(port: port)
            try truncated.send(
                RawConnection.post("/v1/organisations", "Content-Type: application/json", "Content-Length: 1000") + #"{"legalName": "#)
            shutdown(truncated.descriptor, Int32(SHUT_WR))
            let head = try truncated.readHead(within: .seconds(5))
            XCTAssertFalse(head.hasPrefix("HTTP/1.1 5"), head)
            let after = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertEqual(after.status, .ok)
        }
    }
}

extension AbuseTests {
    /// Connections beyond `CONVOCA_MAX_CONNECTIONS` are answered 503 (problem+json, `Retry-After`) and
    /// closed; once one closes, a new one is served again.
    func testConnectionsBeyondTheLimitAreRefusedWith503UntilOneCloses() async throws {
        try await LiveApp.run(configure: { $0.maxConnections = 3 }) { port, client in
            // The test client's connection is one of the three; each is answered once, so the server has counted it.
            let status = try await client.execute(uri: "/healthz", method: .get).status
            XCTAssertEqual(status, .ok)
            var open: [RawConnection] = []
            for _ in 0..<2 {
                let connection = try RawConnection(port: port)
                try connection.send(RawConnection.get("/healthz"))
                let head = try connection.readHead(within: .seconds(5))
                XCTAssertTrue(head.hasPrefix("HTTP/1.1 200"), head)
                open.append(connection)
            }

            let refused = try RawConnection(port: port)
            try refused.send(RawConnection.get("/healthz"))
            let answer = try refused.readAnswer(within: .seconds(5))
            XCTAssertTrue(answer.closed, "a refused connection stays open")
            XCTAssertRawProblem(answer, 503, "service-unavailable")
            XCTAssertEqual(answer.headers["retry-after"], "1")
            XCTAssertEqual(answer.headers["content-language"], "en")

            // Closing a counted connection makes room (the server notices the close a moment later).
            open.removeFirst()
            let deadline = ContinuousClock.now + .seconds(5)
            var served = ""
            while ContinuousClock.now < deadline, !served.hasPrefix("HTTP/1.1 200") {
                let connection = try RawConnection(port: port)
                try connection.send(RawConnection.get("/healthz"))
                served = try connection.readHead(within: .seconds(2))
                if served.hasPrefix("HTTP/1.1 200") { open.append(connection) } else { try await Task.sleep(for: .milliseconds(50)) }
            }
            XCTAssertTrue(served.hasPrefix("HTTP/1.1 200"), "no connection served after one closed: \(served)")
            // …and the limit holds again.
            let again = try RawConnection(port: port)
            try again.send(RawConnection.get("/healthz"))
            XCTAssertTrue(try again.readAnswer(within: .seconds(5)).head.hasPrefix("HTTP/1.1 503"))
        }
    }

    /// A body trickled (each byte restarting the idle timeout) is cut off `CONVOCA_BODY_TIMEOUT_SECONDS`
    /// after its head: 408 problem+json in the request's language, and the connection is closed.
    func testABodyTrickledPastTheBodyTimeoutIsAnswered408AndClosed() async throws {
        let logs = CapturedLogs()
        try await LiveApp.run(configure: { $0.bodyTimeout = .seconds(1) }, logs: logs) { port, _ in
            let body = Array(try JSONSerialization.data(withJSONObject: Fixtures.organisationBody(name: "Slow Body")))
            let connection = try RawConnection(port: port)
            try connection.send(RawConnection.post(
                "/v1/organisations", "Content-Type: application/json", "Content-Length: \(body.count)", "Accept-Language: fr",
                "X-Request-Id: slow-body-1"))
            let started = ContinuousClock.now
            var sent = 0
            // A byte every 100 ms, far quicker than the idle timeout, until the server answers (or 5 s pass).
            while sent < body.count, ContinuousClock.now - started < .seconds(5), !(try connection.isReadable(within: .milliseconds(100))) {
                try connection.send(String(decoding: body[sent...sent], as: UTF8.self))
                sent += 1
            }
            let answer = try connection.readAnswer(within: .seconds(5))
            let elapsed = ContinuousClock.now - started
            XCTAssertRawProblem(answer, 408, "request-timeout")
            XCTAssertEqual(answer.headers["x-request-id"], "slow-body-1")
            XCTAssertEqual(answer.headers["content-language"], "fr")
            XCTAssertEqual(answer.json["title"] as? String, "Délai de la requête dépassé")
            XCTAssertNotNil(answer.headers["date"].flatMap(ConnectionSemanticsTests.httpDate), "\(answer.headers)")
            XCTAssertEqual(answer.headers["cache-control"], "no-store")
            XCTAssertEqual(answer.headers["vary"], "Accept-Language")
            XCTAssertTrue(answer.closed, "the connection stays open after the 408")
            XCTAssertLessThan(sent, body.count, "the whole body was sent")
            XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(900), "answered before the timeout")
            XCTAssertLessThan(elapsed, .seconds(4))
            // The access line says what the client got.
            var logged: [String] = []
            for _ in 0..<40 where logged.isEmpty {
                logged = logs.all.filter { $0.hasPrefix("info request method=") && $0.contains("requestId=slow-body-1") }
                if logged.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
            }
            XCTAssertEqual(logged.count, 1, "\(logs.all)")
            XCTAssertTrue(logged.first?.contains("status=408") == true, "\(logged)")
        }
    }

    /// A body that stalls is timed by the body timeout, not the idle timeout, even when that is shorter: the
    /// client gets its 408, not a connection closed without a word.
    func testAStalledBodyGetsItsAnswerWhenTheIdleTimeoutIsShorter() async throws {
        try await LiveApp.run(configure: { $0.idleTimeout = .seconds(1); $0.bodyTimeout = .seconds(3) }) { port, _ in
            let connection = try RawConnection(port: port)
            try connection.send(RawConnection.post("/v1/organisations", "Content-Type: application/json", "Content-Length: 100") + "{\"legalName\":")
            let started = ContinuousClock.now
            let answer = try connection.readAnswer(within: .seconds(6))
            let elapsed = ContinuousClock.now - started
            XCTAssertRawProblem(answer, 408, "request-timeout")
            XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(2500), "answered before the body timeout")
            XCTAssertTrue(answer.closed)
            // An idle connection is still closed at the idle timeout.
            let idle = try RawConnection(port: port)
            try idle.send(RawConnection.get("/healthz"))
            XCTAssertTrue(try idle.readHead(within: .seconds(2)).hasPrefix("HTTP/1.1 200"))
            let idleStarted = ContinuousClock.now
            XCTAssertTrue(try idle.closedByServer(within: .seconds(4)), "the idle connection was not closed")
            XCTAssertLessThan(ContinuousClock.now - idleStarted, .milliseconds(2500))
        }
    }

    /// An answer read slowly is delivered in full, however long it takes past the idle timeout: the idle
    /// time starts once the answer has left for the socket, not when it is handed over.
    func testALargeDownloadReadSlowlyIsNotCutShort() async throws {
        try await Self.withLargeDownload { _, connection, size in
            // About 1.3 MB a second: some nine seconds, far past the idle timeout.
            let (received, elapsed) = try await connection.readAll(upTo: size, pausing: .milliseconds(50), within: .seconds(30))
            XCTAssertEqual(received, size, "the download was cut short after \(elapsed)")
        }
    }

    /// A client that stops taking an answer (its socket buffers full, nothing read for the idle timeout)
    /// has its connection closed: the answer it held is let go, and the server serves others as ever.
    func testADownloadNobodyReadsIsClosedAtTheIdleTimeout() async throws {
        try await Self.withLargeDownload { port, connection, size in
            try await Task.sleep(for: .seconds(3))
            // What the buffers held, then the end: the server closed the connection.
            let (received, _) = try await connection.readAll(upTo: size, pausing: .zero, within: .seconds(20))
            XCTAssertLessThan(received, size, "the stalled download was kept open")
            XCTAssertTrue(try connection.closedByServer(within: .seconds(1)))
            let other = try RawConnection(port: port)
            try other.send(RawConnection.get("/healthz"))
            let answer = try other.readHead(within: .seconds(5))
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 200"), answer)
        }
    }

    /// A 12 MB document asked for on a raw connection of a server whose idle timeout is a second, its
    /// answer's head read: `body` gets the port, the connection and the document's size.
    private static func withLargeDownload(_ body: @escaping @Sendable (Int, RawConnection, Int) async throws -> Void) async throws {
        try await LiveApp.run(configure: { $0.idleTimeout = .seconds(1); $0.maxDocumentBytes = 16_000_000 }) { port, client in
            let (proposal, document, bytes) = try await Fixtures.largeDocument(client)
            let connection = try RawConnection(port: port)
            try connection.send(RawConnection.getDocument(proposal, document))
            let head = try connection.readHead(within: .seconds(5))
            XCTAssertTrue(head.hasPrefix("HTTP/1.1 200"), head)
            try await body(port, connection, bytes.count)
        }
    }

    /// Request bodies held at once are bounded: while one upload's body is arriving, another that would
    /// take the server past the budget is answered 503 with `Retry-After` before its body is read; a
    /// small body still fits beside it, and once the first is answered the second goes through.
    func testBodiesBeyondTheBudgetWaitForOthersToEnd() async throws {
        try await LiveApp.run(configure: { $0.maxDocumentBytes = 100_000; $0.maxBodyBytesInFlight = 150_000 }) { port, client in
            let call = try await client.call(.post, "/v1/calls", body: try Fixtures.callBody(code: "LAC-2021"))
            XCTAssertEqual(call.status, .created, call.text)
            let proposal = try await Fixtures.proposalID(client, lead: try await Fixtures.createOrganisation(client))
            let path = "/v1/proposals/\(proposal)/documents"
            let first = try RawConnection(port: port)
            try first.send(RawConnection.post("\(path)?filename=first.pdf", "Content-Type: application/pdf", "Content-Length: 100000"))
            try first.send(String(repeating: "a", count: 1_000))
            try await Task.sleep(for: .milliseconds(300))

            let refused = try await client.call(.post, "\(path)?filename=second.pdf", body: Data(count: 60_000), contentType: "application/pdf")
            XCTAssertProblem(refused, .serviceUnavailable, "service-unavailable")
            XCTAssertEqual(refused.headers[.retryAfter], "1")
            XCTAssertEqual(refused["detail"] as? String,
                "The server is receiving as many request bodies as it holds at once; the body was not read. Try again shortly.")
            let small = try await client.call(.post, "\(path)?filename=small.pdf", body: Data(count: 40_000), contentType: "application/pdf")
            XCTAssertEqual(small.status, .created, small.text)

            try first.send(String(repeating: "a", count: 99_000))
            let head = try first.readHead(within: .seconds(5))
            XCTAssertTrue(head.hasPrefix("HTTP/1.1 201"), head)
            let retried = try await client.call(.post, "\(path)?filename=second.pdf", body: Data(count: 60_000), contentType: "application/pdf")
            XCTAssertEqual(retried.status, .created, retried.text)

            // A client that goes away in the middle of its body gives its share back.
            let abandoned = try RawConnection(port: port)
            try abandoned.send(RawConnection.post("\(path)?filename=gone.pdf", "Content-Type: application/pdf", "Content-Length: 100000"))
            try abandoned.send(String(repeating: "a", count: 1_000))
            try await Task.sleep(for: .milliseconds(300))
            shutdown(abandoned.descriptor, Int32(SHUT_RDWR))
            try await Task.sleep(for: .milliseconds(300))
            let after = try await client.call(.post, "\(path)?filename=third.pdf", body: Data(count: 60_000), contentType: "application/pdf")
            XCTAssertEqual(after.status, .created, after.text)
        }
    }

    /// A body that arrives in time is served as ever, and the deadline ends with it: the connection
    /// then serves another request after the body timeout has passed.
    func testABodyInTimeIsServedAndItsConnectionOutlivesTheDeadline() async throws {
        try await LiveApp.run(configure: { $0.bodyTimeout = .seconds(1) }) { port, _ in
            let body = String(decoding: try JSONSerialization.data(withJSONObject: Fixtures.organisationBody()), as: UTF8.self)
            let connection = try RawConnection(port: port)
            try connection.send(RawConnection.post("/v1/organisations", "Content-Type: application/json", "Content-Length: \(body.utf8.count)"))
            try await Task.sleep(for: .milliseconds(300))
            try connection.send(body)
            let created = try connection.readHead(within: .seconds(5))
            XCTAssertTrue(created.hasPrefix("HTTP/1.1 201"), created)
            try await Task.sleep(for: .milliseconds(1500))
            try connection.send(RawConnection.get("/healthz"))
            let next = try connection.readHead(within: .seconds(5))
            XCTAssertTrue(next.contains("HTTP/1.1 200"), "the connection did not outlive the deadline: \(next)")
        }
    }
}

extension AbuseTests {
    /// A head trickled byte by byte needs no deadline of its own: bytes of an unfinished head do not
    /// restart the idle timeout, so the connection is closed after it all the same.
    func testATrickledRequestHeadIsClosedAtTheIdleTimeout() async throws {
        let logs = CapturedLogs()
        try await LiveApp.run(configure: { $0.idleTimeout = .seconds(1) }, logs: logs) { port, _ in
            let connection = try RawConnection(port: port)
            try connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            let started = ContinuousClock.now
            // A byte every 100 ms until the server closes (or 5 s pass).
            while ContinuousClock.now - started < .seconds(5), !(try connection.isReadable(within: .milliseconds(100))) {
                try connection.send("a")
            }
            XCTAssertTrue(try connection.closedByServer(within: .seconds(1)), "a trickled head keeps its connection")
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(4))
            // Closing it refused nothing: the log does not say the parser refused a head.
            try await Task.sleep(for: .milliseconds(300))
            XCTAssertFalse(logs.all.contains { $0.contains("refused") }, "\(logs.all)")
        }
    }
}

/// An answer read from a raw connection: its head as sent, header names in lower case, its body as JSON.
struct RawAnswer {
    var head: String
    var headers: [String: String]
    var body: Data
    /// Whether the server closed the connection after it.
    var closed: Bool

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
}

func XCTAssertRawProblem(_ answer: RawAnswer, _ status: Int, _ type: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertTrue(answer.head.hasPrefix("HTTP/1.1 \(status) "), answer.head, file: file, line: line)
    XCTAssertEqual(answer.headers["content-type"], "application/problem+json", file: file, line: line)
    XCTAssertEqual(answer.headers["connection"], "close", file: file, line: line)
    XCTAssertEqual(answer.headers["content-length"], String(answer.body.count), file: file, line: line)
    XCTAssertEqual(answer.json["type"] as? String, "urn:convoca:problem:\(type)", file: file, line: line)
    XCTAssertEqual(answer.json["status"] as? Int, status, file: file, line: line)
    XCTAssertNotNil(answer.json["title"] as? String, file: file, line: line)
    XCTAssertNotNil(answer.json["detail"] as? String, file: file, line: line)
    XCTAssertNotNil(answer.headers["x-request-id"], file: file, line: line)
    XCTAssertEqual(answer.json["instance"] as? String, answer.headers["x-request-id"], file: file, line: line)
}

/// A plain TCP connection to the live server, for what an HTTP client library will not do.
final class RawConnection {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, connected == 0 else { throw TestSetupError(message: "cannot connect to port \(port)") }
    }

    deinit { close(descriptor) }

    /// The head of a POST to `path` with the admin credential (none when `token` is nil) and `headers`.
    static func post(_ path: String, token: String? = TestApp.adminToken, _ headers: String...) -> String {
        "POST \(path) HTTP/1.1\r\nHost: localhost\r\n" + (token.map { "Authorization: Bearer \($0)\r\n" } ?? "")
            + headers.map { $0.hasSuffix("\r\n") ? $0 : $0 + "\r\n" }.joined() + "\r\n"
    }

    /// The answer to `request` sent on a new connection, read until the server closes it (or 5 seconds).
    static func answer(to request: String, port: Int) throws -> RawAnswer {
        let connection = try RawConnection(port: port)
        try connection.send(request)
        return try connection.readAnswer(within: .seconds(5))
    }

    /// The head of a GET of a proposal's document with the admin credential.
    static func getDocument(_ proposal: String, _ document: String) -> String {
        "GET /v1/proposals/\(proposal)/documents/\(document) HTTP/1.1\r\nHost: localhost\r\n"
            + "Authorization: Bearer \(TestApp.adminToken)\r\n\r\n"
    }

    /// The head of a GET to `path`, without a credential.
    static func get(_ path: String) -> String {
        "GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n"
    }

    func send(_ text: String) throws {
        // No SIGPIPE for a test that writes to a connection the server has closed: the send fails instead.
        let sent = text.utf8CString.withUnsafeBufferPointer { Glibc.send(descriptor, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
        guard sent == text.utf8.count else { throw TestSetupError(message: "send failed") }
    }

    /// The first response head the server sends within `limit` ("" if none).
    func readHead(within limit: Duration) throws -> String {
        let deadline = ContinuousClock.now + limit
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1)
        while ContinuousClock.now < deadline {
            var descriptorSet = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptorSet, 1, 50) > 0 else { continue }
            // One byte at a time: what follows the head (a body, the next response) stays unread.
            guard recv(descriptor, &buffer, 1, 0) == 1 else { break }
            received.append(buffer[0])
            if received.suffix(4) == [13, 10, 13, 10] { break }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// The next `count` bytes the server sends within `limit` (fewer if it closes or the time is up).
    func readBytes(_ count: Int, within limit: Duration) throws -> [UInt8] {
        let deadline = ContinuousClock.now + limit
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: count)
        while received.count < count, ContinuousClock.now < deadline {
            var descriptorSet = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptorSet, 1, 50) > 0 else { continue }
            let read = recv(descriptor, &buffer, count - received.count, 0)
            guard read > 0 else { break }
            received += buffer[..<read]
        }
        return received
    }

    /// Reads up to `size` bytes in 64 KiB pieces, pausing between them, until the server closes the
    /// connection or `limit` passes: how many arrived, and how long it took.
    func readAll(upTo size: Int, pausing pause: Duration, within limit: Duration) async throws -> (Int, Duration) {
        var received = 0
        let started = ContinuousClock.now
        while received < size, ContinuousClock.now - started < limit {
            let chunk = try readBytes(65_536, within: .seconds(3))
            if chunk.isEmpty { break }
            received += chunk.count
            if pause > .zero { try await Task.sleep(for: pause) }
        }
        return (received, ContinuousClock.now - started)
    }

    /// Whether the server has sent something (or closed) within `limit`.
    func isReadable(within limit: Duration) throws -> Bool {
        var descriptorSet = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptorSet, 1, Int32(limit / .milliseconds(1))) > 0
    }

    /// One answer the server sends and closes the connection after, read until the close or `limit`.
    func readAnswer(within limit: Duration) throws -> RawAnswer {
        let deadline = ContinuousClock.now + limit
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var closed = false
        while ContinuousClock.now < deadline {
            var descriptorSet = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptorSet, 1, 50) > 0 else { continue }
            let read = recv(descriptor, &buffer, buffer.count, 0)
            if read <= 0 {
                closed = true
                break
            }
            received += buffer[..<read]
        }
        let text = String(decoding: received, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        var headers: [String: String] = [:]
        for line in parts[0].split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return RawAnswer(head: parts[0], headers: headers, body: Data(parts.dropFirst().joined(separator: "\r\n\r\n").utf8), closed: closed)
    }

    /// Whether the server closed the connection (end of file, or a reset) before `limit`; answers it
    /// may write first are read and ignored.
    func closedByServer(within limit: Duration) throws -> Bool {
        let deadline = ContinuousClock.now + limit
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            var descriptorSet = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptorSet, 1, 100) > 0 else { continue }
            let read = recv(descriptor, &buffer, buffer.count, 0)
            if read <= 0 { return true }
        }
        return false
    }
}

/// The application on a real socket (`.live`), with a database of its own.
enum LiveApp {
    static func run(
        configure: (inout Configuration) -> Void = { _ in },
        logs: CapturedLogs? = nil,
        _ body: @Sendable (_ port: Int, _ client: any TestClientProtocol) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.create()
        do {
            var logger = logs.map { logs in Logger(label: "test-live") { _ in CapturingLogHandler(logs: logs) } } ?? Logger(label: "test-live")
            // With captured logs, down to the access lines.
            logger.logLevel = logs == nil ? .warning : .info
            var configuration = Configuration(databaseURL: database.url, databasePoolSize: 2, adminToken: TestApp.adminToken)
            configure(&configuration)
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
}
