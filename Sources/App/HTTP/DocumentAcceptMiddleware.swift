import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Checks `Accept` on a document download against the type the document was uploaded with.
///
/// The contract declares the download's body as `*/*` (its type is the stored one), and the
/// generated stubs test `Accept` against that literal: `Accept: application/pdf`, what viewers and
/// download managers send, was refused with 406. The stubs are spared the header and the stored type
/// is held to it instead, once the handler has found the document.
struct DocumentAcceptMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard operationID == "getProposalDocument", let accept = request.headerFields[.accept] else {
            return try await next(request, body, metadata)
        }
        var request = request
        request.headerFields[.accept] = nil
        let answer = try await next(request, body, metadata)
        if let stored = RequestScope.responseHeaders?[.contentType], !AcceptHeader.allows(stored, accept) {
            throw Problem(.notAcceptable, detail: .noAcceptableRepresentation)
        }
        return answer
    }
}
