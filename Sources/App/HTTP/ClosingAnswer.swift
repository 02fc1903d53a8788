import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// A problem answered by a channel handler, below the router, after which the connection is closed:
/// a connection over the limit, a body that does not arrive in time, a request head without its `Host`.
///
/// The client may still be sending (its request, the rest of a body), and closing a socket that holds
/// unread bytes resets the connection, which can cost the client the answer. So the server ends its
/// side once the answer is written and closes the whole connection when the client ends its own side,
/// or after `lingering`; the handler that answered drops what arrives meanwhile.
enum ClosingAnswer {
    static let lingering = TimeAmount.seconds(2)

    /// Writes the answer as `Part`s: HTTP types above `HTTP1ToHTTPServerCodec`, NIO's HTTP/1 parts below it.
    static func send<Part: AnswerPart>(
        _ problem: Problem, language: Language, requestID: String, context: ChannelHandlerContext, as _: Part.Type
    ) {
        let body = problem.body(requestID: requestID, language: language)
        var headers = problem.headers
        headers[.contentType] = "application/problem+json"
        headers[.contentLength] = String(body.count)
        headers[.contentLanguage] = language.rawValue
        headers[.connection] = "close"
        headers[.requestID] = requestID
        headers[.xContentTypeOptions] = "nosniff"
        let head = HTTPResponse(status: problem.kind.status, headerFields: headers)
        context.write(NIOAny(Part.head(head)), promise: nil)
        context.write(NIOAny(Part.body(ByteBuffer(bytes: body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(NIOAny(Part.end), promise: written)
        close(after: written.futureResult, context: context)
    }

    /// Ends the server's side once `written` completes, and closes the connection when the client ends its
    /// own side (see `clientFinished`) or after `lingering`.
    static func close(after written: EventLoopFuture<Void>, context: ChannelHandlerContext) {
        written.assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: lingering) {
            context.close(promise: nil)
        }
    }

    /// Whether `event` says the client ended its side: the connection can then be closed at once.
    static func clientFinished(_ event: Any) -> Bool {
        (event as? ChannelEvent) == .inputClosed
    }
}

/// The parts of an answer as one place in the pipeline writes them.
protocol AnswerPart {
    static func head(_ response: HTTPResponse) -> Self
    static func body(_ bytes: ByteBuffer) -> Self
    static var end: Self { get }
}

extension HTTPResponsePart: AnswerPart {
    static var end: HTTPResponsePart { .end(nil) }
}

extension HTTPServerResponsePart: AnswerPart {
    static func head(_ response: HTTPResponse) -> HTTPServerResponsePart { .head(HTTPResponseHead(response)) }
    static func body(_ bytes: ByteBuffer) -> HTTPServerResponsePart { .body(.byteBuffer(bytes)) }
    static var end: HTTPServerResponsePart { .end(nil) }
}
