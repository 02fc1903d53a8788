import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` (RFC 9110 §10.1.1), which curl and most HTTP libraries send
/// before a large body such as a document upload: without a `100 Continue` they wait about a
/// second before sending it. A body declared larger than its limit gets no `100`: the client keeps
/// it and receives the 413 that `RequestLimitsMiddleware` answers from the declared length.
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    let maxBodyBytes: Int
    let maxDocumentBytes: Int

    init(maxBodyBytes: Int, maxDocumentBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxDocumentBytes = maxDocumentBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data), head.headerFields[.expect]?.lowercased() == "100-continue" {
            let limit = RequestLimits.isDocumentUpload(method: head.method, path: head.path ?? "") ? maxDocumentBytes : maxBodyBytes
            let declared = head.headerFields[.contentLength].flatMap { Int($0) }
            if declared.map({ $0 <= limit }) ?? true {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
        }
        context.fireChannelRead(data)
    }
}
