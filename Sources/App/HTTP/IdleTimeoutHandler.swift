import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection that has no request in progress, or whose request head has not arrived in full,
/// once it has been idle for the idle timeout (`CONVOCA_IDLE_TIMEOUT_SECONDS`); at shutdown, closes each
/// connection once its answers are written (`makeServiceGroup` closes the ones left after the shutdown grace).
///
/// A request whose head has arrived is never cut off here: its body is timed by `BodyDeadlineHandler`
/// (408, then the connection is closed), its answer by nothing while it is being made. Once the answer
/// is being written, a client that takes none of it for the idle timeout (the channel unwritable, and
/// TCP's count of bytes the client acknowledged unmoved) has its connection closed, which frees the
/// answer it holds (a download is up to the document size limit). Bytes of an unfinished head are no
/// activity (only whole parts are), so a head trickled in is closed all the same.
/// (Hummingbird's own connection handler, which this replaces, also closed a connection whose body
/// paused for the idle timeout, with no answer at all, whenever that was shorter than the body timeout.)
final class IdleTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount?
    private var timer: Scheduled<Void>?
    /// Requests whose head was read and whose answer has not yet left for the socket in full.
    private var inProgress = 0
    private var lastActive = NIODeadline.now()
    /// The server is shutting down: the connection closes once its answers are written.
    private var closeWhenAnswered = false
    /// Set while the channel is unwritable: closes it when the client took nothing for the idle timeout.
    private var stallTimer: Scheduled<Void>?

    init(timeout: TimeAmount?) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        lastActive = .now()
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { inProgress += 1 }
        lastActive = .now()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data), inProgress > 0 else {
            context.write(data, promise: promise)
            return
        }
        // An answer is done once its last byte has left for the socket, not when it is handed over: a
        // client reading a large download slowly keeps it in the channel's buffers for a while, and
        // closing then would cut it short.
        let written = promise ?? context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenComplete { _ in self.answered(context) }
        // At shutdown the connection closes once this completes, so it must not wait for a flush.
        if closeWhenAnswered {
            context.writeAndFlush(data, promise: written)
        } else {
            context.write(data, promise: written)
        }
    }

    /// An answer has been written in full: the idle time starts once no request is left in progress.
    private func answered(_ context: ChannelHandlerContext) {
        inProgress -= 1
        guard inProgress == 0 else { return }
        if closeWhenAnswered {
            context.close(promise: nil)
            return
        }
        lastActive = .now()
        arm(context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stallTimer?.cancel()
            stallTimer = nil
        } else {
            watchForStall(context, taken: Self.bytesTaken(context))
        }
        context.fireChannelWritabilityChanged()
    }

    /// While the channel is unwritable, checks once per idle timeout that the client took some of the
    /// answer since the last check; closes the connection when it took nothing. (Whether the channel
    /// became writable again says too little: one large answer is buffered whole, and the kernel's
    /// socket buffers hold megabytes that a slow link drains for minutes before the channel moves.)
    private func watchForStall(_ context: ChannelHandlerContext, taken before: UInt64?) {
        guard let timeout, stallTimer == nil, let before else { return }
        stallTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.stallTimer = nil
            guard !context.channel.isWritable, let now = Self.bytesTaken(context) else { return }
            if now > before {
                self.watchForStall(context, taken: now)
            } else {
                context.close(promise: nil)
            }
        }
    }

    /// How many bytes of the connection the client has acknowledged (TCP's `tcpi_bytes_acked`): it
    /// stops growing once the client's receive buffer is full because nothing reads it. Nil where the
    /// socket cannot tell (not TCP, a kernel before Linux 4.1, whose answer leaves the member zeroed).
    private static func bytesTaken(_ context: ChannelHandlerContext) -> UInt64? {
        guard let provider = context.channel as? any SocketOptionProvider else { return nil }
        var taken: UInt64?
        // On the channel's own loop the option is read at once and the future is already complete.
        provider.unsafeGetSocketOption(level: .tcp, name: .tcp_info).assumeIsolated().whenSuccess { (info: TCPInfoPrefix) in
            taken = info.bytesAcknowledged
        }
        return taken.flatMap { $0 > 0 ? $0 : nil }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if inProgress == 0 { context.close(promise: nil) } else { closeWhenAnswered = true }
    }

    /// One timer at a time; it closes the connection only if nothing happened since it was set and no
    /// request is in progress (the last answer sets it again).
    private func arm(_ context: ChannelHandlerContext) {
        guard let timeout, timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: lastActive + timeout) {
            self.timer = nil
            guard self.inProgress == 0 else { return }
            if NIODeadline.now() >= self.lastActive + timeout {
                context.close(promise: nil)
            } else {
                self.arm(context)
            }
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        stallTimer?.cancel()
        stallTimer = nil
    }
}

/// The start of Linux's `struct tcp_info` (`linux/tcp.h`), up to `tcpi_bytes_acked` (Linux 4.1), read by
/// its offset: glibc's own `tcp_info`, which NIO's `getTCPInfo()` returns, ends before that member.
/// Eight one-byte members, twenty-four `UInt32`s, then `tcpi_pacing_rate`, `tcpi_max_pacing_rate` and
/// `tcpi_bytes_acked` at byte 120; the kernel fills what it has and the size given.
struct TCPInfoPrefix: Sendable {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    var bytesAcknowledged: UInt64 { words.15 }
}
