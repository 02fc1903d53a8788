import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Refuses query parameters that break what the contract declares for them (a `country` that is
/// not two capital letters, an over-long filter), naming each; the generated server checks their
/// types and enumerations only. See `ContractConstraints`.
struct QueryConstraintsMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if let path = request.path, let start = path.firstIndex(of: "?"),
            let items = URLComponents(string: String(path[start...]))?.queryItems, !items.isEmpty
        {
            var v = Validator()
            for item in items where item.value?.unicodeScalars.contains("\u{0}") == true { v.fail(item.name, .mustNotContainNUL) }
            ContractConstraints.shared.checkQuery(items.map { ($0.name, $0.value ?? "") }, operation: operationID, into: &v)
            try v.throwIfInvalid()
        }
        return try await next(request, body, metadata)
    }
}
