import HTTPTypes
import OpenAPIRuntime
import Synchronization

/// Sends a proposal as PostgreSQL rendered it from every operation that answers one under a strong ETag.
///
/// The fast paths send the stored text; the generated handlers return typed values that the runtime
/// encodes again, with other member order and spacing. A strong ETag promises the same bytes, so a
/// handler hands over the text its value was decoded from (`send`), and that text is sent instead.
struct StoredRepresentationMiddleware: ServerMiddleware {
    static let operations: Set<String> = ["createProposal", "getProposal", "updateProposal", "submitProposal", "withdrawProposal"]

    final class Slot: Sendable {
        let text = Mutex<String?>(nil)
    }

    @TaskLocal static var slot: Slot?

    /// The text to answer with, in place of the encoded value (called by the handler of a successful answer).
    static func send(_ text: String) {
        slot?.text.withLock { $0 = text }
    }

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard Self.operations.contains(operationID) else { return try await next(request, body, metadata) }
        let slot = Slot()
        var (response, answer) = try await Self.$slot.withValue(slot) { try await next(request, body, metadata) }
        guard response.status == .ok || response.status == .created, let text = slot.text.withLock({ $0 }) else {
            return (response, answer)
        }
        let bytes = Array(text.utf8)
        // The runtime announced the length of the body it encoded.
        if response.headerFields[.contentLength] != nil { response.headerFields[.contentLength] = String(bytes.count) }
        answer = HTTPBody(bytes)
        return (response, answer)
    }
}
