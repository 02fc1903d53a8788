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
        guard let principal = try await authorize(operationID, authorization: request.headerFields[.authorization]) else {
            return try await next(request, body, metadata)
        }
        return try await RequestScope.$principal.withValue(principal) {
            try await next(request, body, metadata)
        }
    }

    /// The caller of an operation, once authenticated, allowed by role and admitted by the rate limit;
    /// nil for public operations.
    func authorize(_ operationID: String, authorization: String?) async throws -> Principal? {
        if policy.isPublic(operationID) { return nil }
        let principal: Principal
        if let authenticated = RequestScope.authenticated { principal = authenticated } else {
            principal = try await authenticator.authenticate(authorization)
        }
        guard policy.allows(principal.role, operationID) else {
            throw Problem(.forbidden, detail: .roleMayNotCall(principal.role.rawValue, operationID))
        }
        try await authenticator.admit(principal)
        return principal
    }
}
