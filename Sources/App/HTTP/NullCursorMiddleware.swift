import HTTPTypes
import OpenAPIRuntime

/// Writes the `"nextCursor": null` of a last page that the generated encoder leaves out.
///
/// swift-openapi-generator models a required, nullable property as a Swift optional and encodes
/// it only when present (apple/swift-openapi-generator#934), so a last page came out as
/// `{"items":[…]}` where the contract promises `{"items":[…],"nextCursor":null}`. The pages are the
/// contract's only required nullable properties (a test holds it to that), and the runtime writes
/// them as compact JSON with sorted keys: the key is absent exactly when the body ends with `]}`.
struct NullCursorMiddleware: ServerMiddleware {
    /// The operations that answer a page (a test holds this table to `openapi.yaml`).
    static let pages: Set<String> = [
        "listCalls", "listOrganisations", "listProposals", "listProposalDocuments", "listRulesets", "listTokens",
        "listAuditEvents",
    ]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var (response, answer) = try await next(request, body, metadata)
        guard Self.pages.contains(operationID), response.status == .ok, let page = answer else { return (response, answer) }
        var bytes = try await [UInt8](collecting: page, upTo: .max)
        if bytes.count >= 2, bytes[bytes.count - 1] == UInt8(ascii: "}"), bytes[bytes.count - 2] == UInt8(ascii: "]") {
            bytes.removeLast()
            bytes.append(contentsOf: #","nextCursor":null}"#.utf8)
            // The runtime announced the length of the body it wrote.
            if response.headerFields[.contentLength] != nil { response.headerFields[.contentLength] = String(bytes.count) }
        }
        return (response, HTTPBody(bytes))
    }
}
