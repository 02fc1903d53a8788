import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import Rules

/// Refuses oversized bodies (413) and bodies without a content type (415) before any handler reads
/// them, and changes whose answer the client would not accept (406) before they are made.
struct RequestLimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int
    let maxDocumentBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The generated server checks `Accept` only when it encodes the answer, after the handler
        // did the work: a POST with `Accept: text/html` would store a draft, then answer 406. Every
        // change the contract documents answers `application/json` (a test holds it to openapi.yaml).
        if request.method == .post || request.method == .patch || request.method == .put, request.headers[.accept] != nil {
            guard AcceptHeader.allowsJSON(request.headers[.accept]) else {
                throw Problem(.notAcceptable, detail: .noAcceptableRepresentation)
            }
        }
        let declaredLength = request.headers[.contentLength].flatMap { Int($0) }
        let hasBody = (declaredLength ?? 0) > 0 || request.headers[.transferEncoding] != nil
        guard hasBody else { return try await next(request, context) }

        let limit = Self.isDocumentUpload(request) ? maxDocumentBytes : maxBodyBytes
        if let declaredLength, declaredLength > limit {
            throw Problem(.contentTooLarge, detail: .bodyTooLarge(bytes: declaredLength, limit: limit))
        }
        guard let contentType = request.headers[.contentType], !contentType.isEmpty else {
            throw Problem(.unsupportedMediaType, detail: .bodyNeedsContentType)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Problem(.contentTooLarge, detail: .bodyOverLimit(limit))
        }
        do {
            return try await next(request, context)
        } catch let error as ServerError where error.underlyingError is DecodingError {
            // The decoder only says "not valid JSON"; say where, from the bytes still at hand.
            if contentType.lowercased().contains("json"), let reason = Self.syntaxError(in: body) {
                throw Problem(.malformedJSON, detail: .bodyNotJSON(reason: reason))
            }
            throw error
        }
    }

    static func syntaxError(in body: ByteBuffer) -> String? {
        do {
            _ = try JSONValue(parsing: body.readableBytesView)
            return nil
        } catch {
            if case .invalidJSON(let reason) = error { return reason }
            return error.message
        }
    }

    /// Document uploads carry files, so they get their own (larger) limit.
    static func isDocumentUpload(_ request: Request) -> Bool {
        guard request.method == .post else { return false }
        let segments = request.uri.path.split(separator: "/")
        return segments.count == 4 && segments[0] == "v1" && segments[1] == "proposals" && segments[3] == "documents"
    }
}

/// `Accept` matched as the generated server matches it (swift-openapi-runtime's
/// `validateAcceptIfPresent`): media ranges split at commas, parameters (`q` included) ignored,
/// `*/*` and `application/*` as wildcards; no header, or an empty one, accepts anything.
enum AcceptHeader {
    static func allowsJSON(_ header: String?) -> Bool {
        guard let header else { return true }
        let ranges = header.split(separator: ",").map { range in
            (range.split(separator: ";", omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard !ranges.isEmpty else { return true }
        return ranges.contains { $0 == "application/json" || $0 == "application/*" || $0 == "*/*" }
    }
}
