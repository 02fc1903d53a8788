import HTTPTypes
import NIOCore
import NIOHTTP1

/// What HTTP/1 says of a connection that depends on the request head as the parser read it, version
/// included (the HTTP types the router sees have none):
/// - whether the connection persists after the answer (RFC 9112 §9.3): not after a request that says
///   `Connection: close`, an HTTP/1.0 request without `Connection: keep-alive`, or one that asks to switch
///   protocols (`Upgrade`, `CONNECT`: the parser reads nothing after it). The answer then says
///   `Connection: close`, what follows the request is not read, and the connection is closed once the
///   answer is written. An HTTP/1.0 request that may persist gets `Connection: keep-alive`;
/// - a request refused before its body was read, though it waited for `100 Continue`: the client has not
///   sent the body, so the connection is closed after the answer (the body will never come);
/// - `Expect` is ignored on HTTP/1.0 (RFC 9110 §10.1.1): it is removed before anyone reads it;
/// - a request with more than one `Host` or one that is not a host (RFC 9112 §3.2), or an HTTP/1.1 request
///   without one, is answered 400 and the connection closed;
/// - a request body framed by anything but `Transfer-Encoding: chunked` alone (RFC 9112 §6.1) is not read:
///   another coding is answered 501, `Transfer-Encoding` on HTTP/1.0 (framing a 1.0 server cannot know) 400,
///   and the connection closed.
///
/// Sits between NIO's HTTP/1 decoder and encoder and the conversion to HTTP types. A request costs one
/// pass over its header names.
final class ConnectionSemanticsHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the answer to a request read must say and do.
    private struct Pending {
        var persists: Bool
        var isHTTP10: Bool
        /// Waits for `100 Continue` before sending its body.
        var awaitsContinue: Bool
    }

    /// Requests read whose answer has not begun, oldest first (more than one only when pipelined).
    private var pending = CircularBuffer<Pending>(initialCapacity: 2)
    /// The newest request's body has not ended yet.
    private var readingBody = false
    /// An answer's head is written, its end not yet.
    private var answering = false
    /// `100 Continue` was written for the request being answered.
    private var continued = false
    /// The answer being written ends the connection; `closesHere`: this handler closes it (an answer
    /// that says so itself comes from a handler that closes the connection after it).
    private var answerCloses = false
    private var closesHere = false
    /// A request after which nothing is read has been read in full, or refused: what follows is dropped.
    private var stopped = false
    /// The request being read ends the connection.
    private var readingLastRequest = false
    /// A request refused for its `Host` or its framing, answered once the answers before it are written.
    private var refusal: (problem: Problem, language: Language, requestID: String, toHead: Bool)?
    /// The answer that ends the connection is written in full; the client has ended its side.
    private var finished = false
    private var clientFinished = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !stopped else { return }
        switch unwrapInboundIn(data) {
        case .head(var head):
            var hosts = 0
            var hostsValid = true
            var upgrade = false
            var expect = false
            var codings: [String] = []
            var framedByCodings = false
            for header in head.headers {
                switch header.name.utf8.count {
                case 4:
                    if header.name.lowercased() == "host" {
                        hosts += 1
                        hostsValid = hostsValid && Self.isHost(header.value)
                    }
                case 6: if header.name.lowercased() == "expect" { expect = true }
                case 7: if header.name.lowercased() == "upgrade" { upgrade = true }
                case 17:
                    guard header.name.lowercased() == "transfer-encoding" else { break }
                    // Present, even empty or `,`: NIO's parser would read no body at all, and the body's
                    // bytes as the next request (where a proxy in front may have read them as a body).
                    framedByCodings = true
                    for coding in header.value.split(separator: ",") {
                        let blank = { (character: Character) in character == " " || character == "\t" }
                        let start = coding.drop(while: blank)
                        if let end = start.lastIndex(where: { !blank($0) }) { codings.append(start[...end].lowercased()) }
                    }
                default: break
                }
            }
            let isHTTP10 = head.version.minor == 0
            // An absolute-form target's authority stands for `Host` (RFC 9112 §3.2.2), so it is held to the same
            // rule, and to what an http URI needs (RFC 9110 §4.2): the http(s) scheme, a host, no user info.
            let absoluteFormValid = head.uri.hasPrefix("/") || head.uri == "*" || head.method == .CONNECT
                || Self.absoluteFormAuthority(head.uri).map { !$0.isEmpty && Self.isHost(String($0)) } == true
            guard hosts <= 1, hostsValid, absoluteFormValid, isHTTP10 || hosts == 1 else {
                let detail: Message = isHTTP10 || hosts == 1 ? .hostNotValid : .hostRequired
                refuse(head, Problem(.badRequest, detail: detail), context: context)
                return
            }
            if framedByCodings, isHTTP10 || codings != ["chunked"] {
                let problem = isHTTP10 || codings.last != "chunked"
                    ? Problem(.badRequest, detail: .transferEncodingUnframed)
                    : Problem(.notImplemented, detail: .transferCodingNotImplemented(codings.joined(separator: ", ")))
                refuse(head, problem, context: context)
                return
            }
            if isHTTP10, expect {
                head.headers.remove(name: "expect")
                expect = false
            }
            let persists = head.isKeepAlive && !upgrade && head.method != .CONNECT
            let awaitsContinue = expect && head.headers.first(name: "expect")?.lowercased() == "100-continue"
                && ((head.headers.first(name: "content-length").flatMap { Int($0) } ?? 0) > 0 || head.headers.contains(name: "transfer-encoding"))
            pending.append(Pending(persists: persists, isHTTP10: isHTTP10, awaitsContinue: awaitsContinue))
            readingBody = true
            readingLastRequest = !persists
            context.fireChannelRead(wrapInboundOut(.head(head)))
        case .body:
            context.fireChannelRead(data)
        case .end:
            readingBody = false
            // Nothing after a request that ends the connection is a request of it.
            if readingLastRequest { stopped = true }
            context.fireChannelRead(data)
        }
    }

    /// Whether `value` is a `Host` field value (RFC 9110 §7.2): `uri-host [ ":" port ]`, empty included.
    static func isHost(_ value: String) -> Bool {
        var name = Substring(value)
        var port: Substring = ""
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { return false }
            port = name[name.index(after: close)...]
            name = name[name.index(after: name.startIndex)..<close]
            guard !name.isEmpty, name.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        } else {
            if let colon = name.firstIndex(of: ":") {
                port = name[colon...]
                name = name[..<colon]
            }
            let allowed = "-._~!$&'()*+,;=%".unicodeScalars
            let isHostCharacter = { (scalar: Unicode.Scalar) in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || allowed.contains(scalar)
            }
            guard name.unicodeScalars.allSatisfy(isHostCharacter) else { return false }
        }
        return port.isEmpty || port.hasPrefix(":") && port.dropFirst().allSatisfy { ("0"..."9").contains($0) }
    }

    /// The authority of an `http://` or `https://` request target (empty when it has none), nil for any other scheme.
    static func absoluteFormAuthority(_ target: String) -> Substring? {
        let lowered = target.prefix(8).lowercased()
        let scheme = lowered.hasPrefix("http://") ? 7 : lowered.hasPrefix("https://") ? 8 : nil
        guard let scheme else { return nil }
        let rest = target.dropFirst(scheme)
        return rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    }

    private func refuse(_ head: HTTPRequestHead, _ problem: Problem, context: ChannelHandlerContext) {
        stopped = true
        refusal = (
            problem, Language.negotiate(head.headers.first(name: "accept-language")),
            RequestID.accept(head.headers.first(name: "x-request-id")), head.method == .HEAD
        )
        // Answers to earlier requests still to come go first.
        if pending.isEmpty, !answering { sendRefusal(context: context) }
    }

    private func sendRefusal(context: ChannelHandlerContext) {
        guard let (problem, language, requestID, toHead) = refusal else { return }
        refusal = nil
        finished = true
        ClosingAnswer.send(problem, language: language, toHead: toHead, requestID: requestID, context: context, as: HTTPServerResponsePart.self)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let response) where (100..<200).contains(response.status.code) && response.status.code != 101:
            if response.status.code == 100 { continued = true }
            context.write(data, promise: promise)
        case .head(var response):
            let declared = response.headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" }
            var closes = declared
            if let request = pending.popFirst() {
                // A client that waits for `100 Continue` and gets none never sends the body.
                closes = closes || !request.persists || (request.awaitsContinue && !continued && pending.isEmpty && readingBody)
                // An HTTP/1.0 client cannot read chunks: without a length, the body ends with the connection.
                if request.isHTTP10, !response.headers.contains(name: "content-length"), response.status.mayHaveResponseBody {
                    response.version = .http1_0
                    closes = true
                }
                if closes, !declared {
                    response.headers.replaceOrAdd(name: "connection", value: "close")
                } else if !closes, request.isHTTP10 {
                    response.headers.replaceOrAdd(name: "connection", value: "keep-alive")
                }
            }
            continued = false
            answering = true
            answerCloses = closes
            closesHere = closes && !declared
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            answering = false
            guard answerCloses else {
                context.write(data, promise: promise)
                if pending.isEmpty { sendRefusal(context: context) }
                return
            }
            stopped = true
            refusal = nil
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            context.writeAndFlush(data, promise: written)
            guard closesHere else { return }
            ClosingAnswer.close(after: written.futureResult, context: context)
            written.futureResult.assumeIsolated().whenComplete { _ in
                self.finished = true
                if self.clientFinished { context.close(promise: nil) }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // What the parser makes of bytes after the last request is no one's concern.
        guard !stopped else { return }
        context.fireErrorCaught(error)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if ClosingAnswer.clientFinished(event) {
            clientFinished = true
            if finished { context.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }
}
