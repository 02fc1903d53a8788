import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// What the HTTP parser cannot read gets one answer, and the connection is closed after it:
/// - a request head (too large, a control character in a header, not HTTP/1.1): a 400 problem+json
///   document instead of Hummingbird's bare 400 with no body. Nothing of such a request was read, so the
///   answer is in English with a fresh request id; answers to earlier requests still to come go first;
/// - the body of a request (a chunk size that is not one): that request gets its own answer, whether the
///   router refused it before reading the body or reads the fault (a 400 `bodyUnreadable`), and that answer
///   says `Connection: close`. Hummingbird's bare 400, which would follow it as a second answer to the same
///   request, is dropped. A body that breaks after its answer was written only closes the connection.
final class ParserErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let logger: Logger
    /// Requests read whose answer is not yet written in full.
    private var unanswered = 0
    /// The newest request's body has not ended yet.
    private var readingBody = false
    /// The answers still to end, the last of them the one to a request whose body the parser could not read.
    private var answersBeforeClosing: Int?
    /// A request head the parser could not read, refused once the answers before it are written.
    private var headRefusal: HTTPParserError?
    /// The connection's last answer is written: nothing more is read or written.
    private var refused = false

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        switch unwrapInboundIn(data) {
        case .head:
            unanswered += 1
            readingBody = true
        case .body:
            break
        case .end:
            readingBody = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // After the last answer nothing reaches the client (Hummingbird's bare 400 to the same request).
        guard !refused else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var response) where response.status.kind != .informational && answersBeforeClosing == 1:
            response.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .head, .body:
            context.write(data, promise: promise)
        case .end:
            unanswered -= 1
            if let remaining = answersBeforeClosing {
                answersBeforeClosing = remaining - 1
                if remaining == 1 {
                    refused = true
                    let written = context.eventLoop.makePromise(of: Void.self)
                    written.futureResult.cascade(to: promise)
                    context.writeAndFlush(data, promise: written)
                    ClosingAnswer.close(after: written.futureResult, context: context)
                    return
                }
            }
            context.write(data, promise: promise)
            if unanswered == 0, let error = headRefusal { refuse(error, context: context) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !refused, answersBeforeClosing == nil, headRefusal == nil else { return }
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        switch (readingBody, unanswered) {
        case (true, 0):
            // The body's request is answered already: the connection only closes.
            refused = true
            ClosingAnswer.close(after: context.eventLoop.makeSucceededVoidFuture(), context: context)
        case (true, _):
            // The router answers the request (and reads the fault if it reads the body); that answer is the last.
            answersBeforeClosing = unanswered
            context.fireErrorCaught(error)
        case (false, 0) where !context.channel.isActive:
            // The connection closed in the middle of a head (the idle timeout, or the client went away): the
            // parser only says the stream ended there. Nothing was refused, and no one is left to answer.
            refused = true
            logger.debug("connection closed in the middle of a request head")
        case (false, 0):
            refuse(parserError, context: context)
        case (false, _):
            headRefusal = parserError
        }
    }

    private func refuse(_ parserError: HTTPParserError, context: ChannelHandlerContext) {
        refused = true
        headRefusal = nil
        let requestID = RequestID.fresh()
        logger.info("request head refused by the HTTP parser", metadata: ["requestId": "\(requestID)", "cause": "\(parserError)"])
        let detail: Message = parserError == .headerOverflow ? .requestHeadTooLarge : .requestHeadUnreadable
        ClosingAnswer.send(
            Problem(.badRequest, detail: detail), language: .en, negotiated: false, requestID: requestID, context: context,
            as: HTTPResponsePart.self)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if refused, ClosingAnswer.clientFinished(event) { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }
}
