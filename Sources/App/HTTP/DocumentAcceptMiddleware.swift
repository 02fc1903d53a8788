import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Holds `Accept` on a document download for the handler, which checks it against the type the
/// document was uploaded with.
///
/// The contract declares the download's body as `*/*` (its type is the stored one), and the
/// generated stubs test `Accept` against that literal: `Accept: application/pdf`, what viewers and
/// download managers send, was refused with 406. The stubs are spared the header, and the handler
/// holds the stored type to it once it has found the document, before any precondition (RFC 9110
/// §13.2.1: a 406 is answered whatever `If-Match` or `If-None-Match` say).
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
        return try await RequestScope.$downloadAccept.withValue(accept) { try await next(request, body, metadata) }
    }
}
