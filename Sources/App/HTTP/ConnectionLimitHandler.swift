import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// The client connections open at once, shared by every connection's `ConnectionLimitHandler`.
final class OpenConnections: Sendable {
    let limit: Int
    private let count = Atomic<Int>(0)
    /// Set while connections are being refused, so a flood of them logs one line, not one each.
    private let refusing = Atomic<Bool>(false)
    private let logger: Logger

    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// Counts a new connection if the limit leaves room for it.
    func admit() -> Bool {
        var current = count.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = count.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged {
                if refusing.load(ordering: .relaxed) { refusing.store(false, ordering: .relaxed) }
                return true
            }
            current = original
        }
        if !refusing.exchange(true, ordering: .relaxed) {
            logger.warning("connection limit reached; new connections are refused", metadata: ["limit": "\(limit)"])
        }
        return false
    }

    func release() {
        count.subtract(1, ordering: .relaxed)
    }
}

/// Keeps the number of open connections within `CONVOCA_MAX_CONNECTIONS`: a connection beyond it is
/// answered 503 (in English: nothing of its request has been read) and closed, and what it sends never
/// reaches the router.
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private enum State { case new, counted, refused, released }

    private let connections: OpenConnections
    private var state = State.new

    init(connections: OpenConnections) {
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        admit(context: context)
    }

    private func admit(context: ChannelHandlerContext) {
        guard state == .new else { return }
        if connections.admit() {
            state = .counted
        } else {
            state = .refused
            ClosingAnswer.send(
                Problem(.serviceUnavailable, detail: .tooManyConnections, headers: [.retryAfter: "1"]),
                language: .en, negotiated: false, requestID: RequestID.fresh(), context: context, as: HTTPResponsePart.self)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    private func release() {
        if state == .counted { connections.release() }
        state = .released
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state != .refused else { return }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard state != .refused else { return }
        context.fireErrorCaught(error)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if state == .refused, ClosingAnswer.clientFinished(event) { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }
}
