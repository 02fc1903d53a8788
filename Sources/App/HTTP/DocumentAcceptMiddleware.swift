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

extension AcceptHeader {
    /// Whether `header` (an `Accept` value) admits `contentType`: a range equal to its type, `type/*`
    /// or `*/*`, with a quality above zero (RFC 9110 §12.5.1). Parameters of the type are ignored.
    static func allows(_ contentType: String, _ header: String) -> Bool {
        let type = (contentType.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let major = type.split(separator: "/").first.map { "\($0)/*" } ?? ""
        var sawRange = false
        for element in header.split(separator: ",") {
            let parts = element.split(separator: ";", omittingEmptySubsequences: false)
            let range = (parts.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            guard !range.isEmpty else { continue }
            sawRange = true
            let refused = parts.dropFirst().contains { parameter in
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                return pair.count == 2 && pair[0] == "q" && (Double(pair[1]) ?? 1) == 0
            }
            if !refused, range == type || range == major || range == "*/*" { return true }
        }
        return !sawRange
    }
}
