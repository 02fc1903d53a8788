import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// A problem answered by a channel handler, below the router, after which the connection is closed:
/// a connection over the limit, a body that does not arrive in time, a request head refused for its framing
/// or its `Host`. It carries what `ProblemMiddleware` puts on every problem (`Date`, `Cache-Control: no-store`,
/// `Vary: Accept-Language` when its language was negotiated), and an answer to `HEAD` has no body.
///
/// The client may still be sending (its request, the rest of a body), and closing a socket that holds
/// unread bytes resets the connection, which can cost the client the answer. So the server ends its
/// side once the answer is written and closes the whole connection when the client ends its own side,
/// or after `lingering`; the handler that answered drops what arrives meanwhile.
enum ClosingAnswer {
    static let lingering = TimeAmount.seconds(2)

    /// Writes the answer as `Part`s: HTTP types above `HTTP1ToHTTPServerCodec`, NIO's HTTP/1 parts below it.
    /// `negotiated`: the language was chosen from the request's `Accept-Language` (none was read otherwise);
    /// `toHead`: the request is a `HEAD`, answered with the problem's `Content-Length` and no body.
    static func send<Part: AnswerPart>(
        _ problem: Problem, language: Language, negotiated: Bool = true, toHead: Bool = false, requestID: String,
        context: ChannelHandlerContext, as _: Part.Type
    ) {
        let body = problem.body(requestID: requestID, language: language)
        var headers = problem.headers
        headers[.contentType] = "application/problem+json"
        headers[.contentLength] = String(body.count)
        headers[.contentLanguage] = language.rawValue
        if negotiated { headers[values: .vary].append("Accept-Language") }
        headers[.connection] = "close"
        headers[.date] = httpDate()
        headers[.cacheControl] = "no-store"
        headers[.requestID] = requestID
        headers[.xContentTypeOptions] = "nosniff"
        let head = HTTPResponse(status: problem.kind.status, headerFields: headers)
        context.write(NIOAny(Part.head(head)), promise: nil)
        if !toHead { context.write(NIOAny(Part.body(ByteBuffer(bytes: body))), promise: nil) }
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

    /// The current time as `Date` writes it (RFC 9110 §5.6.7: `Sun, 06 Nov 1994 08:49:37 GMT`).
    static func httpDate(_ seconds: time_t = time(nil)) -> String {
        var parts = tm()
        var now = seconds
        gmtime_r(&now, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
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
