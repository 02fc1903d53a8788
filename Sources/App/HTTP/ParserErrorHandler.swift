import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request head the HTTP parser cannot read (too large, a control character in a header,
/// not HTTP/1.1) with a 400 problem+json document, then closes the connection: without it the client
/// would get Hummingbird's bare 400 with no body.
///
/// Nothing of such a request was read, so the answer is in English with a fresh request id. When an
/// answer to an earlier request on the connection is still on its way, or the fault is in the body
/// of a request being served, the error goes on as before (that request's own handling answers it).
final class ParserErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let logger: Logger
    /// Requests read whose answer is not yet written in full.
    private var unanswered = 0
    private var refused = false

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        if case .head = unwrapInboundIn(data) { unanswered += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered -= 1 }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !refused else { return }
        guard let parserError = error as? HTTPParserError, unanswered == 0 else {
            context.fireErrorCaught(error)
            return
        }
        refused = true
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
