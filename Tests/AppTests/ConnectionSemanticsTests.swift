import Foundation
import XCTest

/// What HTTP/1 says of a connection, seen from a raw socket: when it persists, when it closes and says
/// so, when `100 Continue` comes, which request heads are refused.
final class ConnectionSemanticsTests: XCTestCase {
    /// Upgrade (`h2c`, as `curl --http2` asks) and `CONNECT` are not served: the parser reads nothing after
    /// such a request, so its answer says `Connection: close` and the connection closes, instead of a
    /// request sent after it waiting for the idle timeout. The 405 to `CONNECT` is a whole problem.
    func testARequestAskingToSwitchProtocolsIsAnsweredThenTheConnectionCloses() async throws {
        try await LiveApp.run { port, _ in
            let upgrade = try RawConnection(port: port)
            try upgrade.send(
                "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n" + RawConnection.get("/healthz"))
            let answer = try upgrade.readAnswer(within: .seconds(5))
            XCTAssertTrue(answer.head.hasPrefix("HTTP/1.1 200 "), answer.head)
            XCTAssertEqual(answer.headers["connection"], "close")
            XCTAssertTrue(answer.closed, "the connection stays open")
            XCTAssertFalse(String(decoding: answer.body, as: UTF8.self).contains("HTTP/1.1 200"), "the request after it was answered")

            let connect = try RawConnection(port: port)
            try connect.send("CONNECT /v1/calls HTTP/1.1\r\nHost: localhost\r\n\r\n" + RawConnection.get("/healthz"))
            let refusal = try connect.readAnswer(within: .seconds(5))
            XCTAssertRawProblem(refusal, 405, "method-not-allowed")
            XCTAssertNotNil(refusal.headers["allow"])
            XCTAssertTrue(refusal.closed, "the connection stays open")
        }
    }

    /// `100 Continue` means the body will be read: a request refused before that (no credential, a bad
    /// one, no content type, an unknown path) gets its final answer alone, and its connection closes
    /// since the body will never come. A request that passes gets the 100, then its answer.
    func testExpectContinueIsAnsweredOnlyWhenTheBodyIsAboutToBeRead() async throws {
        try await LiveApp.run { port, client in
            let upload = "/v1/proposals/\(UUID().uuidString.lowercased())/documents?filename=a.pdf"
            let issued = try await client.call(
                .post, "/v1/tokens", body: ["name": "Reports", "role": "reporting", "expiresAt": "2999-01-01T00:00:00Z"])
            let reporting = try XCTUnwrap(issued["token"] as? String, issued.text)
            let refused: [(String, String, Int, String)] = [
                ("a type the operation does not take",
                 RawConnection.post("/v1/organisations", "Content-Type: text/plain", "Content-Length: 20", "Expect: 100-continue"),
                 415, "unsupported-media-type"),
                ("a merge patch where JSON is taken",
                 RawConnection.post("/v1/calls", "Content-Type: application/merge-patch+json", "Content-Length: 20", "Expect: 100-continue"),
                 415, "unsupported-media-type"),
                ("a role the operation does not allow",
                 RawConnection.post("/v1/calls", token: reporting, "Content-Type: application/json", "Content-Length: 20", "Expect: 100-continue"),
                 403, "forbidden"),
                ("no credential", RawConnection.post(upload, token: nil, "Content-Type: application/pdf", "Content-Length: 10000000", "Expect: 100-continue"),
                 401, "unauthorized"),
                ("a bad credential",
                 RawConnection.post(upload, token: "cvk_not-a-token-at-all-0123456789abcdef", "Content-Type: application/pdf", "Content-Length: 10000000",
                                    "Expect: 100-continue"),
                 401, "unauthorized"),
                ("no content type", RawConnection.post(upload, "Content-Length: 10000000", "Expect: 100-continue"), 415, "unsupported-media-type"),
                ("a type no document may have",
                 RawConnection.post(upload, "Content-Type: image/gif", "Content-Length: 10000000", "Expect: 100-continue"),
                 415, "unsupported-media-type"),
                ("JSON as a document", RawConnection.post(upload, "Content-Type: application/json", "Content-Length: 20", "Expect: 100-continue"),
                 415, "unsupported-media-type"),
                ("a malformed charset",
                 RawConnection.post(upload, "Content-Type: text/plain; charset", "Content-Length: 20", "Expect: 100-continue"),
                 415, "unsupported-media-type"),
                ("an unknown path", RawConnection.post("/v1/nowhere", "Content-Type: application/pdf", "Content-Length: 10000000", "Expect: 100-continue"),
                 404, "not-found"),
            ]
            for (name, head, status, type) in refused {
                let connection = try RawConnection(port: port)
                try connection.send(head)
                let answer = try connection.readAnswer(within: .seconds(5))
                XCTAssertRawProblem(answer, status, type)
                XCTAssertTrue(answer.closed, "\(name): the connection waits for a body that will not come")
            }

            let accepted = try RawConnection(port: port)
            try accepted.send(RawConnection.post(upload, "Content-Type: application/pdf", "Content-Length: 9", "Expect: 100-continue"))
            let interim = try accepted.readHead(within: .seconds(2))
            XCTAssertTrue(interim.hasPrefix("HTTP/1.1 100 Continue"), interim)
            try accepted.send("%PDF-1.4\n")
            let final = try accepted.readHead(within: .seconds(5))
            XCTAssertTrue(final.hasPrefix("HTTP/1.1 4"), "no such proposal: \(final)")
        }
    }

    /// HTTP/1.0 (RFC 9112 §9.3): without `Connection: keep-alive` the answer says `Connection: close` and
    /// the connection closes; with it, the answer says `Connection: keep-alive` and the next request is
    /// served. `Expect: 100-continue` means nothing to HTTP/1.0 (RFC 9110 §10.1.1) and gets no 100.
    func testHTTP10ConnectionsCloseUnlessKeptAliveAndGetNoInterimAnswer() async throws {
        try await LiveApp.run { port, _ in
            let plain = try RawConnection(port: port)
            try plain.send("GET /healthz HTTP/1.0\r\n\r\n")
            let answer = try plain.readAnswer(within: .seconds(5))
            XCTAssertTrue(answer.head.hasPrefix("HTTP/1.1 200 "), answer.head)
            XCTAssertEqual(answer.headers["connection"], "close")
            XCTAssertTrue(answer.closed, "an HTTP/1.0 connection stays open")

            let kept = try RawConnection(port: port)
            for _ in 0..<2 {
                try kept.send("HEAD /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let head = try kept.readHead(within: .seconds(5))
                XCTAssertTrue(head.hasPrefix("HTTP/1.1 200 "), head)
                XCTAssertTrue(head.lowercased().contains("\r\nconnection: keep-alive\r\n"), head)
            }

            let body = "%PDF-1.4\n"
            let expecting = try RawConnection(port: port)
            try expecting.send(
                "POST /v1/proposals/\(UUID().uuidString.lowercased())/documents?filename=a.pdf HTTP/1.0\r\n"
                    + "Authorization: Bearer \(TestApp.adminToken)\r\nContent-Type: application/pdf\r\nContent-Length: \(body.utf8.count)\r\n"
                    + "Expect: 100-continue\r\n\r\n")
            let interim = try expecting.readHead(within: .seconds(1))
            XCTAssertEqual(interim, "", "an HTTP/1.0 request got an interim answer")
            try expecting.send(body)
            let final = try expecting.readAnswer(within: .seconds(5))
            XCTAssertTrue(final.head.hasPrefix("HTTP/1.1 4"), "no such proposal: \(final.head)")
            XCTAssertTrue(final.closed)
        }
    }

    /// An HTTP/1.1 request names its host exactly once (RFC 9112 §3.2): without `Host`, or with two, it is
    /// a 400 problem and the connection closes. HTTP/1.0 may leave it out.
    func testHTTP11RequestsWithoutExactlyOneHostAreRefused() async throws {
        try await LiveApp.run { port, client in
            for (name, head) in [("no Host", "GET /healthz HTTP/1.1\r\nAccept-Language: fr\r\n\r\n"),
                                 ("two Hosts", "GET /healthz HTTP/1.1\r\nHost: localhost\r\nHost: example.org\r\nAccept-Language: fr\r\n\r\n")] {
                let connection = try RawConnection(port: port)
                try connection.send(head + RawConnection.get("/healthz"))
                let answer = try connection.readAnswer(within: .seconds(5))
                XCTAssertRawProblem(answer, 400, "bad-request")
                XCTAssertEqual(answer.headers["content-language"], "fr", name)
                XCTAssertTrue((answer.json["detail"] as? String)?.contains("Host") == true, "\(name): \(answer.json)")
                XCTAssertTrue(answer.closed, name)
                XCTAssertFalse(String(decoding: answer.body, as: UTF8.self).contains("HTTP/1.1 200"), "\(name): the request after it was answered")
            }
            let old = try RawConnection(port: port)
            try old.send("GET /healthz HTTP/1.0\r\n\r\n")
            let answer = try old.readAnswer(within: .seconds(5))
            XCTAssertTrue(answer.head.hasPrefix("HTTP/1.1 200 "), answer.head)
            let status = try await client.execute(uri: "/healthz", method: .get).status
            XCTAssertEqual(status, .ok)
        }
    }

    /// A request that says `Connection: close` gets an answer that says it too (RFC 9112 §9.6), and
    /// nothing sent after it is served.
    func testConnectionCloseIsEchoedAndEndsTheConnection() async throws {
        try await LiveApp.run { port, _ in
            let connection = try RawConnection(port: port)
            try connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" + RawConnection.get("/healthz"))
            let answer = try connection.readAnswer(within: .seconds(5))
            XCTAssertTrue(answer.head.hasPrefix("HTTP/1.1 200 "), answer.head)
            XCTAssertEqual(answer.headers["connection"], "close")
            XCTAssertTrue(answer.closed)
            XCTAssertFalse(String(decoding: answer.body, as: UTF8.self).contains("HTTP/1.1 200"), "the request after it was answered")
        }
    }

    /// A chunked body the parser cannot read gets exactly one answer: its request's own when refused before
    /// the body (a 415, a 401, a 404, a HEAD's), or a 400 when the body was being read. That answer says
    /// `Connection: close`, nothing follows it (no second, bare 400) and the connection closes.
    func testARequestWhoseBodyBreaksGetsOneAnswerThatClosesTheConnection() async throws {
        try await LiveApp.run { port, _ in
            let broken = "Transfer-Encoding: chunked\r\n\r\nzz\r\n"
            let admin = "Authorization: Bearer \(TestApp.adminToken)\r\n"
            let cases: [(String, String, Int, String)] = [
                ("no content type", "POST /v1/calls HTTP/1.1\r\nHost: a\r\n" + admin + broken, 415, "unsupported-media-type"),
                ("no credential", "POST /v1/calls HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n" + broken, 401, "unauthorized"),
                ("an unknown path", "POST /v1/nowhere HTTP/1.1\r\nHost: a\r\n" + admin + broken, 404, "not-found"),
                ("a body being read",
                 "POST /v1/organisations HTTP/1.1\r\nHost: a\r\n" + admin + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\n{\"a\":\r\nzz\r\n", 400, "bad-request"),
            ]
            for (name, request, status, type) in cases {
                let answer = try RawConnection.answer(to: request, port: port)
                // The length check fails when a second answer follows the first.
                XCTAssertRawProblem(answer, status, type)
                XCTAssertFalse(String(decoding: answer.body, as: UTF8.self).contains("HTTP/1.1"), "\(name): a second answer")
                XCTAssertTrue(answer.closed, name)
            }
            let answer = try RawConnection.answer(to: "HEAD /v1/calls HTTP/1.1\r\nHost: a\r\n" + broken, port: port)
            XCTAssertTrue(answer.head.hasPrefix("HTTP/1.1 401 "), answer.head)
            XCTAssertEqual(answer.headers["connection"], "close")
            XCTAssertEqual(answer.body.count, 0, String(decoding: answer.body, as: UTF8.self))
            XCTAssertTrue(answer.closed)
        }
    }

    /// A request head the parser cannot read behind a pipelined request is refused with a problem document
    /// once that request is answered, not with a bare 400.
    func testAnUnreadableHeadBehindAPipelinedRequestGetsAProblemAfterItsAnswer() async throws {
        try await LiveApp.run { port, _ in
            let connection = try RawConnection(port: port)
            try connection.send(RawConnection.get("/healthz") + "GET /healthz HTTP/1.1\r\nHost: a\r\nX-Bad: a\u{01}b\r\n\r\n")
            let first = try connection.readHead(within: .seconds(5))
            XCTAssertTrue(first.hasPrefix("HTTP/1.1 200 "), first)
            let length = try XCTUnwrap(first.lowercased().components(separatedBy: "content-length: ").dropFirst().first?.prefix { $0.isNumber })
            _ = try connection.readBytes(Int(length)!, within: .seconds(5))
            let refusal = try connection.readAnswer(within: .seconds(5))
            XCTAssertRawProblem(refusal, 400, "bad-request")
            XCTAssertTrue(refusal.closed)
        }
    }

    /// RFC 9112 §6.1: a transfer coding other than `chunked` alone is answered 501 (the body is not read);
    /// `Transfer-Encoding` on HTTP/1.0 is faulty framing, answered 400. Both close the connection and
    /// nothing pipelined after them is served. `chunked` is read whatever its case and blanks.
    func testTransferCodingsOtherThanChunkedAndHTTP10FramingAreRefused() async throws {
        try await LiveApp.run { port, _ in
            let refused: [(String, String, Int, String)] = [
                ("gzip, chunked", "POST /v1/calls HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, "not-implemented"),
                ("two lines", "POST /v1/calls HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501,
                 "not-implemented"),
                ("HTTP/1.0", "POST /v1/calls HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "bad-request"),
                // Present but naming no coding: the parser would read no body, and the body as the next request.
                ("empty", "POST /v1/calls HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", 400, "bad-request"),
                ("blank", "POST /v1/calls HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:   \r\n\r\n", 400, "bad-request"),
                ("a comma", "POST /v1/calls HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,\r\n\r\n", 400, "bad-request"),
                ("empty, with a length", "POST /v1/calls HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\nContent-Length: 18\r\n\r\n", 400,
                 "bad-request"),
                ("empty, on a GET", "GET /v1/calls HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", 400, "bad-request"),
            ]
            for (name, request, status, type) in refused {
                let answer = try RawConnection.answer(to: request + RawConnection.get("/healthz"), port: port)
                XCTAssertRawProblem(answer, status, type)
                XCTAssertTrue((answer.json["detail"] as? String)?.contains("chunked") == true, "\(name): \(answer.json)")
                XCTAssertTrue(answer.closed, name)
                XCTAssertFalse(String(decoding: answer.body, as: UTF8.self).contains("HTTP/1.1 200"), "\(name): the request after it was answered")
            }
            let plain = try RawConnection(port: port)
            try plain.send("POST /v1/nowhere HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  CHUNKED \r\n\r\n0\r\n\r\n" + RawConnection.get("/healthz"))
            let first = try plain.readHead(within: .seconds(5))
            XCTAssertTrue(first.hasPrefix("HTTP/1.1 404 "), first)
            let next = try plain.readHead(within: .seconds(5))
            XCTAssertTrue(next.contains("HTTP/1.1 200 "), next)
        }
    }

    /// RFC 9112 §3.2: more than one `Host`, or one that is not a host and port, is a 400 and the connection
    /// closes, HTTP/1.0 included; a name, an address and a port are served.
    func testHostsThatRepeatOrAreNotHostsAreRefused() async throws {
        try await LiveApp.run { port, _ in
            let refused = [
                ("a list", "GET /healthz HTTP/1.1\r\nHost: a, b\r\n\r\n"),
                ("a path", "GET /healthz HTTP/1.1\r\nHost: a/b\r\n\r\n"),
                ("a port that is not one", "GET /healthz HTTP/1.1\r\nHost: a:b\r\n\r\n"),
                ("HTTP/1.0 with two", "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\nHost: a\r\nHost: b\r\n\r\n"),
                // An absolute-form target's authority stands for Host, and is held to the same rule.
                ("a target without a host", "GET http:///healthz HTTP/1.1\r\nHost: a\r\n\r\n"),
                ("a target with user info", "GET http://u:p@a/healthz HTTP/1.1\r\nHost: a\r\n\r\n"),
                ("a target of another scheme", "GET ftp://a/healthz HTTP/1.1\r\nHost: a\r\n\r\n"),
            ]
            for (name, request) in refused {
                let answer = try RawConnection.answer(to: request + RawConnection.get("/healthz"), port: port)
                XCTAssertRawProblem(answer, 400, "bad-request")
                XCTAssertTrue((answer.json["detail"] as? String)?.contains("Host") == true, "\(name): \(answer.json)")
                XCTAssertTrue(answer.closed, name)
            }
            for host in ["localhost", "localhost:8080", "127.0.0.1:80", "[::1]:8080", "api.example.org"] {
                let connection = try RawConnection(port: port)
                try connection.send("GET /healthz HTTP/1.1\r\nHost: \(host)\r\n\r\n")
                let head = try connection.readHead(within: .seconds(5))
                XCTAssertTrue(head.hasPrefix("HTTP/1.1 200 "), "\(host): \(head)")
            }
            for target in ["http://a/healthz", "HTTPS://a:8443/healthz", "http://[::1]/healthz"] {
                let connection = try RawConnection(port: port)
                try connection.send("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n")
                let head = try connection.readHead(within: .seconds(5))
                XCTAssertFalse(head.hasPrefix("HTTP/1.1 400 "), "\(target): \(head)")
            }
        }
    }

    /// An answer below the router (here to a request without `Host`) carries what every problem carries
    /// (`Date`, `Cache-Control: no-store`, `Vary: Accept-Language`), and to `HEAD` no body: the problem's
    /// length, as `ProblemMiddleware` answers `HEAD`.
    func testRefusalsBelowTheRouterCarryTheProblemHeadersAndNoBodyToHEAD() async throws {
        try await LiveApp.run { port, _ in
            let refusal = try RawConnection.answer(to: "GET /healthz HTTP/1.1\r\nAccept-Language: es\r\n\r\n", port: port)
            XCTAssertRawProblem(refusal, 400, "bad-request")
            XCTAssertNotNil(refusal.headers["date"].flatMap(Self.httpDate), "\(refusal.headers)")
            XCTAssertEqual(refusal.headers["cache-control"], "no-store")
            XCTAssertEqual(refusal.headers["vary"], "Accept-Language")

            let answer = try RawConnection.answer(to: "HEAD /healthz HTTP/1.1\r\n\r\n", port: port)
            XCTAssertTrue(answer.head.hasPrefix("HTTP/1.1 400 "), answer.head)
            XCTAssertEqual(answer.headers["content-type"], "application/problem+json")
            XCTAssertNotNil(answer.headers["content-length"].flatMap(Int.init), answer.head)
            XCTAssertEqual(answer.body.count, 0, String(decoding: answer.body, as: UTF8.self))
            XCTAssertTrue(answer.closed)

            // The router's refusal to HEAD looks the same.
            let unauthorized = try RawConnection.answer(to: "HEAD /v1/calls HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", port: port)
            XCTAssertTrue(unauthorized.head.hasPrefix("HTTP/1.1 401 "), unauthorized.head)
            XCTAssertNotNil(unauthorized.headers["content-length"].flatMap(Int.init), unauthorized.head)
            XCTAssertEqual(unauthorized.body.count, 0)
        }
    }

    /// `CONNECT` is answered 405 whatever its target, `host:port` (authority form) included, with an `Allow`
    /// that is empty where there is no path, and the connection closes.
    func testConnectToAnAuthorityIsAnswered405() async throws {
        try await LiveApp.run { port, _ in
            let connect = "CONNECT localhost:\(port) HTTP/1.1\r\nHost: localhost:\(port)\r\n\r\n"
            let answer = try RawConnection.answer(to: connect + RawConnection.get("/healthz"), port: port)
            XCTAssertRawProblem(answer, 405, "method-not-allowed")
            XCTAssertEqual(answer.headers["allow"], "")
            XCTAssertTrue(answer.closed)
        }
    }

    /// An IMF-fixdate (RFC 9110 §5.6.7), or nil.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }
}
