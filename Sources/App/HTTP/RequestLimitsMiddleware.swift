import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
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
        var request = request
        let body: ByteBuffer
        let isJSON: Bool
        if hasBody {
            let limit = Self.isDocumentUpload(request) ? maxDocumentBytes : maxBodyBytes
            if let declaredLength, declaredLength > limit {
                throw Problem(.contentTooLarge, detail: .bodyTooLarge(bytes: declaredLength, limit: limit))
            }
            guard let contentType = request.headers[.contentType], !contentType.isEmpty else {
                throw Problem(.unsupportedMediaType, detail: .bodyNeedsContentType)
            }
            do {
                body = try await request.collectBody(upTo: limit)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                throw Problem(.contentTooLarge, detail: .bodyOverLimit(limit))
            } catch is NIOTooManyBytesError {
                // A chunked body (no length declared) says it is too large only once it is.
                throw Problem(.contentTooLarge, detail: .bodyOverLimit(limit))
            }
            isJSON = request.headers[.contentType]?.lowercased().contains("json") == true
            if isJSON { try Self.refuseAmbiguousJSON(in: body) }
        } else {
            guard request.method == .post || request.method == .patch || request.method == .put else {
                return try await next(request, context)
            }
            // An empty body is handed on as a buffer, not as the connection's stream: the fast paths and
            // the generated server may both read it, and a stream can be read once only.
            body = ByteBuffer()
            request.body = .init(buffer: body)
            isJSON = request.headers[.contentType]?.lowercased().contains("json") == true
        }
        do {
            return try await next(request, context)
        } catch let error as ServerError where error.underlyingError is DecodingError {
            // The decoder only says "not valid JSON"; say where, from the bytes still at hand.
            if isJSON, let reason = Self.syntaxError(in: body) {
                throw Problem(.malformedJSON, detail: .bodyNotJSON(reason: reason))
            }
            throw error
        }
    }

    /// Limits for reading request bodies: their size is already bounded by the body limit.
    static var bodyLimits: RuleLimits { RuleLimits(maxDepth: RuleLimits.hardMaxDepth, maxTextBytes: .max) }

    /// What a JSON body may say that the server would read one way and another program another:
    /// - a member name repeated in one object (parsers disagree on which value wins: the generated
    ///   decoders keep the first, `JSON.parse` and PostgreSQL the last);
    /// - U+0000, which PostgreSQL text cannot hold, so such a string could never be stored.
    /// Refused here with the pointer of each such member or string (or member name), all at once.
    /// A body that is not JSON text in UTF-8 is refused as malformed, saying where it breaks.
    static func refuseAmbiguousJSON(in body: ByteBuffer) throws(Problem) {
        let document: JSONValue
        let duplicates: [String]
        do {
            (document, duplicates) = try JSONValue.parsingNotingDuplicates(body.readableBytesView, limits: bodyLimits)
        } catch {
            // Not JSON as RFC 8259 exchanges it (UTF-8 only): the generated decoders would accept a
            // UTF-16 body, past the checks above, so it is refused here, saying where it breaks.
            throw Problem(.malformedJSON, detail: .bodyNotJSON(reason: reason(error)))
        }
        var errors = duplicates.map { Problem.FieldError(pointer: $0, detail: .repeatedMember) }
        // A JSON body can carry U+0000 only as the escape `\u0000`: the bytes are searched before the values.
        if mayHoldNUL(body) {
            var pointers: [String] = []
            func visit(_ value: JSONValue, _ pointer: String) {
                switch value {
                case .string(let text): if text.unicodeScalars.contains("\u{0}") { pointers.append(pointer) }
                case .array(let items): for (index, item) in items.enumerated() { visit(item, "\(pointer)/\(index)") }
                case .object(let members):
                    for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                        let at = "\(pointer)/\(JSONPointer.escape(name))"
                        if name.unicodeScalars.contains("\u{0}") { pointers.append(at) }
                        visit(member, at)
                    }
                default: break
                }
            }
            visit(document, "")
            errors += pointers.map { .init(pointer: $0, detail: .mustNotContainNUL) }
        }
        guard !errors.isEmpty else { return }
        throw Problem.validation(errors)
    }

    private static func mayHoldNUL(_ body: ByteBuffer) -> Bool {
        body.withUnsafeReadableBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes.count >= 6 else { return false }
            for index in 0...(bytes.count - 6) where bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u")
                && bytes[index + 2] == UInt8(ascii: "0") && bytes[index + 3] == UInt8(ascii: "0")
                && bytes[index + 4] == UInt8(ascii: "0") && bytes[index + 5] == UInt8(ascii: "0")
            {
                return true
            }
            return false
        }
    }

    private static func reason(_ error: RuleError) -> String {
        if case .invalidJSON(let reason) = error { return reason }
        // The message is a sentence; the problem's detail adds its own full stop.
        return error.message.hasSuffix(".") ? String(error.message.dropLast()) : error.message
    }

    static func syntaxError(in body: ByteBuffer) -> String? {
        do {
            _ = try JSONValue(parsing: body.readableBytesView)
            return nil
        } catch {
            return reason(error)
        }
    }

    static func isDocumentUpload(_ request: Request) -> Bool {
        RequestLimits.isDocumentUpload(method: request.method, path: request.uri.path)
    }
}

enum RequestLimits {
    /// Document uploads carry files, so they get their own (larger) limit.
    static func isDocumentUpload(method: HTTPRequest.Method, path: String) -> Bool {
        guard method == .post else { return false }
        let path = path.split(separator: "?", maxSplits: 1).first ?? ""
        let segments = path.split(separator: "/")
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
