import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Each HTTP/1 connection's pipeline, as Hummingbird's `HTTP1Channel` builds it but for three things:
/// - `ConnectionSemanticsHandler` sits before the conversion to HTTP types, which drops the request's
///   HTTP version (persistence, `Host` and `Expect` depend on it);
/// - the response encoder is not told the request methods: NIO's server pipeline then strips the body
///   and `Content-Length` of every answer to `CONNECT`, the 405 problem included. Answers to `HEAD`
///   already have no body (`ProblemMiddleware`);
/// - `IdleTimeoutHandler` times idle connections, never a request whose head has arrived;
/// - and the connection's task runs on the channel's event loop, not on Swift's cooperative pool.
struct HTTP1Pipeline: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    /// Hummingbird's: the handlers added after the conversion to HTTP types, the idle timeout, the parser's limits.
    let configuration: HTTP1Channel.Configuration

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = configuration.httpDecoder.maxHeaderFieldSize
            limits.maxHeaderListSize = configuration.httpDecoder.maxHeaderListSize
            limits.maxHeaderFieldCount = configuration.httpDecoder.maxHeaderFieldCount
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(HTTPResponseEncoder())
            try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(limitConfiguration: limits)))
            try pipeline.addHandler(ConnectionSemanticsHandler())
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandlers(configuration.additionalChannelHandlers())
            try pipeline.addHandler(IdleTimeoutHandler(timeout: configuration.idleTimeout))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    /// The connection's task runs on the channel's own event loop (`ChannelLoopExecutor`).
    func handle(value asyncChannel: Value, logger: Logger) async {
        await withTaskExecutorPreference(ChannelLoopExecutor(asyncChannel.channel.eventLoop)) {
            await handleHTTP(asyncChannel: asyncChannel, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 through `HTTP1Pipeline`.
    static func convocaHTTP1(configuration: HTTP1Channel.Configuration) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in HTTP1Pipeline(responder: responder, configuration: configuration) }
    }
}
