import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OpenAPIRuntime
import Synchronization

/// The outermost layer: gives every request an id and a language, turns every error into a problem+json answer,
/// and sets the headers every answer carries (request id, `nosniff`, `no-store`, CORS).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable
    let logger: Logger
    var crossOrigin: CrossOrigin = .none
    /// 5xx refusals come in floods (the database down, the pool full): one warning of a kind per interval.
    let refusals = RefusalWarnings(interval: .seconds(10))

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = RequestID.accept(request.headers[.requestID])
        let language = Language.negotiate(request.headers[.acceptLanguage])
        let overrides = ResponseHeaderOverrides()
        return await RequestScope.$requestID.withValue(requestID) {
            await RequestScope.$language.withValue(language) {
                var response: Response
                do {
                    response = try await RequestScope.$headers.withValue(request.headers) {
                        try await RequestScope.$responseHeaders.withValue(overrides) { try await next(request, context) }
                    }
                    overrides.apply(to: &response.headers)
                } catch {
                    response = self.problemResponse(for: error, request: request, context: context, requestID: requestID, language: language)
                }
                // An answer to HEAD has no body, problems included: a client reading one would lose the connection's framing.
                if request.method == .head { response = response.createHeadResponse() }
                response.headers[.requestID] = requestID
                Self.undoPercentEncoding(&response.headers)
                response.headers[.xContentTypeOptions] = "nosniff"
                crossOrigin.decorate(&response.headers, for: request)
                // Answers to authenticated requests may hold personal data: no cache keeps them. Every 401 is the
                // same answer, with a credential or without one.
                if request.headers[.authorization] != nil || response.status == .unauthorized {
                    response.headers[.cacheControl] = "no-store"
                }
                // One line per request (the path without its query, which may carry filters on personal data).
                if logger.logLevel <= .info {
                    let elapsed = ContinuousClock.now - started
                    let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
                    logger.info("request", metadata: [
                        "requestId": "\(requestID)", "method": "\(request.method.rawValue)", "path": "\(request.uri.path)",
                        "status": "\(response.status.code)", "ms": "\(String(format: "%.2f", milliseconds))",
                    ])
                }
                return response
            }
        }
    }

    /// The OpenAPI runtime percent-encodes every header value it writes (`"3"` becomes `%223%22`);
    /// these headers carry exactly the text the handlers chose, so decoding once restores it.
    static func undoPercentEncoding(_ headers: inout HTTPFields) {
        for name in [HTTPField.Name.eTag, .location, .link] {
            if let value = headers[name], value.utf8.contains(UInt8(ascii: "%")), let decoded = percentDecoded(value) {
                headers[name] = decoded
            }
        }
    }

    /// `%XX` sequences decoded as UTF-8 bytes; nil when a sequence is malformed or the bytes are not
    /// UTF-8 (Foundation's `removingPercentEncoding` did the same, at a few percent of a request).
    static func percentDecoded(_ value: String) -> String? {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        let input = Array(value.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%") {
                guard index + 2 < input.count, let high = hex(input[index + 1]), let low = hex(input[index + 2]) else { return nil }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(input[index])
                index += 1
            }
        }
        return String(validating: output, as: UTF8.self)
    }

    /// What the log says of an error. The runtime's `ServerError` describes the whole request, its
    /// headers (`Authorization`: the caller's secret) and decoded input (personal data) included: only
    /// the operation, the cause and the underlying error are kept.
    static func loggable(_ error: any Error) -> String {
        guard let error = error as? ServerError else { return String(reflecting: error) }
        return "\(error.operationID): \(error.causeDescription): \(loggable(error.underlyingError))"
    }

    /// A problem a handler chose to answer (readiness's 503 is the probe's answer, not a failure): the access
    /// line says it; a warning would repeat it at every poll.
    static func isDeliberate(_ error: any Error) -> Bool {
        error is Problem || (error as? ServerError)?.underlyingError is Problem
    }

    private func problemResponse(
        for error: any Error, request: Request, context: Context, requestID: String, language: Language
    ) -> Response {
        var problem = ProblemMapping.problem(for: error)
        // `CONNECT` is never served: 405 even where no path is (its target is usually `host:port`, which the
        // path check refuses as no documented path), with an empty `Allow`.
        if problem.kind == .notFound, request.method == .connect || context.coreContext.endpointPath.value == "NotFound" {
            // The router found no route for this method: 405 if the path exists with other methods.
            let allowed = routes.methods(forPath: request.uri.path)
            if request.method == .connect, allowed.isEmpty {
                problem = Problem(.methodNotAllowed, detail: .connectNotServed, headers: [.allow: ""])
            } else if !allowed.isEmpty {
                problem = Problem(
                    .methodNotAllowed,
                    detail: .methodNotAllowed(request.method.rawValue, allowed: allowed.joined(separator: ", ")),
                    headers: [.allow: allowed.joined(separator: ", ")])
            } else {
                problem = Problem(.notFound, detail: .noOperation(at: request.uri.path))
            }
        }
        if problem.kind == .internalError {
            logger.error(
                "request failed",
                metadata: ["error": "\(Self.loggable(error))", "requestId": "\(requestID)", "path": "\(request.uri.path)"])
            problem.detail = .unexpectedError(requestID: requestID)
        } else if problem.kind.status.code >= 500, !Self.isDeliberate(error),
            let unlogged = refusals.admit("\(problem.kind.rawValue) \(problem.detail?.description ?? "")")
        {
            // Every refusal has its access line; the warning says why, once per kind and interval.
            logger.warning("request refused", metadata: [
                "error": "\(Self.loggable(error))", "requestId": "\(requestID)", "alikeNotLogged": "\(unlogged)",
            ])
        }
        var headers = problem.headers
        headers[.contentType] = "application/problem+json"
        // The texts are in the negotiated language: say which, and that caches must key on the request's choice.
        headers[.contentLanguage] = language.rawValue
        headers[values: .vary].append("Accept-Language")
        // The problem's messages are rendered here: where it was made (often a database thread) the language was unknown.
        let body = problem.body(requestID: requestID, language: language)
        return Response(status: problem.kind.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let link = Self("Link")!
}

/// Which refusal warnings to write: the first of a kind, then at most one per `interval`, which says
/// how many alike were not logged since the last.
final class RefusalWarnings: Sendable {
    private let interval: Duration
    private let state = Mutex<[String: (last: ContinuousClock.Instant, unlogged: Int)]>([:])

    init(interval: Duration) {
        self.interval = interval
    }

    /// The number of alike refusals not logged since the last warning of this kind, or nil: log none now.
    func admit(_ kind: String, now: ContinuousClock.Instant = .now) -> Int? {
        state.withLock { kinds in
            if let seen = kinds[kind], now - seen.last < interval {
                kinds[kind] = (seen.last, seen.unlogged + 1)
                return nil
            }
            let unlogged = kinds[kind]?.unlogged ?? 0
            kinds[kind] = (now, 0)
            return unlogged
        }
    }
}
