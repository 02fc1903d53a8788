import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Bounds the time a request body takes to arrive in full, from the end of its head
/// (`CONVOCA_BODY_TIMEOUT_SECONDS`). The idle timeout restarts with every piece of a body, so a client
/// sending one byte a minute would otherwise hold its connection, and the buffer its body fills, forever.
///
/// When the time is up the request is answered 408 and the connection closed; if an answer (to it or to
/// an earlier request) is already on its way, the connection is only closed. Only a head that announces
/// a body arms a timer: a GET costs two header look-ups.
final class BodyDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let seconds: Int
    private let logger: Logger
    private var deadline: Scheduled<Void>?
    /// Requests read whose answer is not yet written in full.
    private var unanswered = 0
    /// An answer's head is written, its end not yet.
    private var answering = false
    private var expired = false

    init(timeout: Duration, logger: Logger) {
        self.seconds = Int(timeout.components.seconds)
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !expired else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            unanswered += 1
            if RequestLimits.declaresBody(head.headerFields) {
                deadline = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(Int64(seconds))) {
                    self.expire(head, context: context)
                }
            }
        case .body:
            break
        case .end:
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    private func expire(_ head: HTTPRequest, context: ChannelHandlerContext) {
        deadline = nil
        expired = true
        guard unanswered == 1, !answering else {
            context.close(promise: nil)
            return
        }
        let requestID = RequestID.accept(head.headerFields[.requestID])
        logger.info("request body timed out", metadata: ["requestId": "\(requestID)", "method": "\(head.method.rawValue)"])
        // The router, reading the body, learns why it ends: its own answer (dropped below) and its log line
        // say 408, as the client's does, rather than the 400 of a body cut short.
        let timedOut = RequestBodyTimedOut(seconds: seconds)
        context.fireErrorCaught(timedOut)
        ClosingAnswer.send(
            timedOut.problem,
            language: Language.negotiate(head.headerFields[.acceptLanguage]), toHead: head.method == .head, requestID: requestID, context: context,
            as: HTTPResponsePart.self)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // After the 408 nothing else may reach the client: the router's answer to the unfinished request is dropped.
        guard !expired else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(let response) where response.status.kind != .informational:
            answering = true
        case .end:
            answering = false
            unanswered -= 1
        case .head, .body:
            break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !expired else { return }
        context.fireErrorCaught(error)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if expired, ClosingAnswer.clientFinished(event) { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}

/// What reading a body throws once `BodyDeadlineHandler` has answered 408 for it.
struct RequestBodyTimedOut: ProblemConvertible {
    let seconds: Int
    var problem: Problem { Problem(.requestTimeout, detail: .bodyTooSlow(seconds: seconds)) }
}
