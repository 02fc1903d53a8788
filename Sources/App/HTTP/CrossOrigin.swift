import Foundation
import HTTPTypes
import Hummingbird

/// Which browser origins may call the API (CORS), from `CONVOCA_CORS_ORIGINS`.
///
/// Front ends served from another origin call the API from the browser with a bearer token.
/// Answers to an allowed origin name it in `Access-Control-Allow-Origin` and expose the headers
/// the contract documents; preflights from it are answered before routing. Other origins get no
/// CORS headers, so browsers keep their pages from reading the answers. Credentials are bearer
/// tokens sent explicitly, never cookies: `Access-Control-Allow-Credentials` is never sent.
public enum CrossOrigin: Sendable, Equatable {
    /// No browser page from another origin may read answers (the default).
    case none
    /// Any origin (`*`).
    case any
    /// These origins, each `scheme://host[:port]` in lower case.
    case origins(Set<String>)

    /// Parses the variable's value: empty for none, `*`, or origins separated by commas.
    public init(parsing text: String) throws(ConfigurationError) {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if items.isEmpty {
            self = .none
        } else if items == ["*"] {
            self = .any
        } else {
            var origins = Set<String>()
            for item in items {
                guard let origin = CrossOrigin.serialized(item) else {
                    throw ConfigurationError(
                        variable: "CONVOCA_CORS_ORIGINS",
                        problem: "has '\(item)'; expected '*' or origins like https://apply.example.org separated by commas")
                }
                origins.insert(origin)
            }
            self = .origins(origins)
        }
    }

    /// `scheme://host[:port]` for an http(s) origin with nothing after the authority; nil otherwise.
    static func serialized(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.path.isEmpty, components.query == nil, components.fragment == nil,
            components.user == nil, components.password == nil
        else { return nil }
        return "\(scheme)://\(host.lowercased())" + (components.port.map { ":\($0)" } ?? "")
    }

    /// The `Access-Control-Allow-Origin` value for a request's `Origin`, if it is allowed.
    func allowOrigin(for origin: String?) -> String? {
        guard let origin, origin != "null" else { return nil }
        switch self {
        case .none: return nil
        case .any: return "*"
        case .origins(let allowed): return allowed.contains(origin.lowercased()) ? origin : nil
        }
    }

    /// Methods the contract uses.
    static let allowedMethods = "GET, POST, PATCH, DELETE"
    /// Request headers the contract reads, beyond those browsers always allow.
    static let allowedHeaders = "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id"
    /// Response headers the contract documents, beyond those browsers always expose.
    static let exposedHeaders = "ETag, Location, Link, Retry-After, WWW-Authenticate, X-Request-Id, Content-Disposition, Accept-Encoding, Vary"
    /// How long a browser may reuse a preflight's answer, in seconds.
    static let preflightMaxAge = "600"

    /// The CORS headers of an answer to `request`: every answer, problems included, since a page must
    /// read a refusal as much as a success.
    func decorate(_ headers: inout HTTPFields, for request: Request) {
        if case .origins = self { headers[values: .vary].append("Origin") }
        guard let allowed = allowOrigin(for: request.headers[.origin]) else { return }
        headers[.accessControlAllowOrigin] = allowed
        headers[.accessControlExposeHeaders] = CrossOrigin.exposedHeaders
    }
}

/// Answers CORS preflights (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from allowed
/// origins with 204 and what the API accepts; the problem layer around it adds the allowed origin.
/// A preflight from another origin goes on to the router, which answers `OPTIONS` with 405.
struct PreflightMiddleware<Context: RequestContext>: RouterMiddleware {
    let crossOrigin: CrossOrigin

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .options, request.headers[.accessControlRequestMethod] != nil,
            crossOrigin.allowOrigin(for: request.headers[.origin]) != nil
        else { return try await next(request, context) }
        return Response(status: .noContent, headers: [
            .accessControlAllowMethods: CrossOrigin.allowedMethods,
            .accessControlAllowHeaders: CrossOrigin.allowedHeaders,
            .accessControlMaxAge: CrossOrigin.preflightMaxAge,
        ])
    }
}
