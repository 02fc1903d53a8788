import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// A problem answered by a channel handler, below the router, after which the connection is closed:
/// a connection over the limit, a body that does not arrive in time.
///
/// The client may still be sending (its request, the rest of a body), and closing a socket that holds
/// unread bytes resets the connection, which can cost the client the answer. So the server ends its
/// side once the answer is written and closes the whole connection when the client ends its own side,
/// or after `lingering`; the handler that answered drops what arrives meanwhile.
enum ClosingAnswer {
    static let lingering = TimeAmount.seconds(2)

    static func send(_ problem: Problem, language: Language, requestID: String, context: ChannelHandlerContext) {
        let body = problem.body(requestID: requestID, language: language)
        var headers = problem.headers
        headers[.contentType] = "application/problem+json"
        headers[.contentLength] = String(body.count)
        headers[.contentLanguage] = language.rawValue
        headers[.connection] = "close"
        headers[.requestID] = requestID
        headers[.xContentTypeOptions] = "nosniff"
        let head = HTTPResponse(status: problem.kind.status, headerFields: headers)
        context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(ByteBuffer(bytes: body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in
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
