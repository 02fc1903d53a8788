import HTTPTypes
import OpenAPIRuntime

/// Authenticates the bearer token and enforces the operation's roles before any handler runs.
struct AccessMiddleware: ServerMiddleware {
    let policy: AccessPolicy
    let authenticator: Authenticator

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if policy.isPublic(operationID) { return try await next(request, body, metadata) }
        let principal = try await authenticator.authenticate(request.headerFields[.authorization])
        guard policy.allows(principal.role, operationID) else {
            throw Problem(.forbidden, detail: "The \(principal.role.rawValue) role may not call \(operationID).")
        }
        try await authenticator.admit(principal)
        return try await RequestScope.$principal.withValue(principal) {
            try await next(request, body, metadata)
        }
    }
}
