import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Hummingbird's request context plus the connection the request arrived on, through which a
/// middleware can send an interim answer.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// Sends `100 Continue` when the request asked for it (RFC 9110 §10.1.1; on HTTP/1.0 the header is
    /// already gone). Called as the body is about to be read, once the request has passed the checks
    /// that come first: a request refused before gets its final answer alone, and the client keeps its body.
    func continueIfExpected(_ request: Request) async {
        guard request.headers[.expect]?.lowercased() == "100-continue" else { return }
        try? await channel.writeAndFlush(HTTPResponsePart.head(HTTPResponse(status: .continue)))
    }
}
