import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
// `OpenAPIMIMEType` is how the generated server reads `Content-Type`: the same reading is checked here.
@_spi(Generated) import OpenAPIRuntime
import Rules

/// Refuses oversized bodies (413) and bodies without a content type (415) before any handler reads
/// them, and changes whose answer the client would not accept (406) before they are made. A body is
/// read here only, once these checks and the credential's have passed: that is when a client waiting
/// for `100 Continue` gets it.
struct RequestLimitsMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let maxBodyBytes: Int
    let maxDocumentBytes: Int
    /// Checks the credential of a request with a body before a byte of the body is read (nil: not checked here).
    var authenticator: Authenticator? = nil
    /// The roles each operation allows, for refusing a role before its body is read (nil: not checked here).
    var policy: AccessPolicy? = nil
    /// The documented routes: a change to a path or with a method the contract does not have goes straight
    /// on to the router's 404 or 405, its body unread (nil: not checked here).
    var routes: RouteTable? = nil
    /// The request bytes held at once (nil: unbounded).
    var bodyBudget: BodyBudget? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try Self.checkPath(request.uri.path)
        // An empty pair in the query (`?&limit=5`, `a=1&&b=2`) names nothing, as a trailing `&` does: it is
        // dropped, as browsers' URLSearchParams drop it (the generated server would fail to read the query).
        if let query = request.uri.query, Self.hasEmptyPair(query) {
            var head = request.head
            let pairs = query.split(separator: "&")
            head.path = request.uri.path + (pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&"))
            return try await handle(Request(head: head, body: request.body), context: context, next: next)
        }
        // The contract's operation, looked up once for what follows; reads (the hot path) need none.
        let operation = request.method == .get || request.method == .head
            ? nil : ContractConstraints.shared.operation(method: request.method.rawValue, path: request.uri.path)
        if let accept = request.headers[.accept], routes?.methods(forPath: request.uri.path).contains(request.method.rawValue) ?? true {
            try Self.checkAccept(accept, request, operation: operation)
        }
        if let routes, request.method == .post || request.method == .patch || request.method == .put,
            !routes.methods(forPath: request.uri.path).contains(request.method.rawValue)
        {
            return try await next(request, context)
        }
        // Every operation that takes a body needs a credential: without a valid one, the body is never read
        // or parsed (an anonymous client could otherwise hold a connection's worth of memory, or CPU). The
        // principal travels on to the access check, which then only checks the role and the rate limit.
        if let authenticator, request.method == .post || request.method == .patch || request.method == .put,
            Self.declaresBody(request)
        {
            let principal = try await authenticator.authenticate(request.headers[.authorization])
            return try await RequestScope.$authenticated.withValue(principal) {
                try await limit(request, operation: operation, context: context, next: next)
            }
        }
        return try await limit(request, operation: operation, context: context, next: next)
    }

    /// Whether a query starts with `&` or holds `&&` (one scan of its bytes: every request with a query asks).
    static func hasEmptyPair(_ query: String) -> Bool {
        var previous = UInt8(ascii: "&")
        for byte in query.utf8 {
            if byte == UInt8(ascii: "&"), previous == UInt8(ascii: "&") { return true }
            previous = byte
        }
        return false
    }

    /// A path is read one way only: the router would serve `/v1/calls/` and `//v1//calls` as
    /// `/v1/calls`, and a parser of ids stops at an encoded NUL (`{id}%00anything` would name the same
    /// record as `{id}`). So an empty segment is no documented path (404), and a segment whose
    /// percent-encoding is broken, is not UTF-8 or holds a NUL is refused (400) before any routing.
    static func checkPath(_ path: String) throws(Problem) {
        guard path != "/" else { return }
        // Every request passes here: one scan of the bytes, and segments are split only when one is encoded.
        let slash = UInt8(ascii: "/")
        var previous: UInt8 = 0
        var encoded = false
        for byte in path.utf8 {
            if byte == slash, previous == slash { throw Problem(.notFound, detail: .noOperation(at: path)) }
            if byte == UInt8(ascii: "%") { encoded = true }
            previous = byte
        }
        guard path.utf8.first == slash, previous != slash else { throw Problem(.notFound, detail: .noOperation(at: path)) }
        guard encoded else { return }
        for segment in path.split(separator: "/") where segment.contains("%") {
            guard let decoded = segment.removingPercentEncoding else { throw Problem(.badRequest, detail: .pathUnreadable) }
            if decoded.unicodeScalars.contains("\u{0}") { throw Problem(.badRequest, detail: .requestValueHasNUL) }
        }
    }

    static func declaresBody(_ request: Request) -> Bool {
        RequestLimits.declaresBody(request.headers)
    }

    /// `Accept` against what a documented operation answers, before anything is read or changed (the
    /// generated server would check it only as it encodes the answer, after the work). Every operation
    /// answers `application/json` (a test holds changes to it) but the contract itself, a document
    /// download, whose stored type `DocumentAcceptMiddleware` checks once it is known, and the one whose
    /// success has no body (a revocation).
    static func checkAccept(_ accept: String, _ request: Request, operation: ContractConstraints.Operation?) throws(Problem) {
        guard AcceptHeader.isReadable(accept) else { throw Problem(.badRequest, detail: .acceptUnreadable) }
        let path = request.uri.path
        let segments = RequestLimits.segments(of: path)
        if segments.count == 5, segments[0] == "v1", segments[1] == "proposals", segments[3] == "documents" { return }
        // A success without a body (a revocation's 204) is no representation for `Accept` to rule out. (Every
        // GET answers one: reads, the hot path, need no look-up.)
        if operation?.answersABody == false { return }
        let answered = path == "/openapi.yaml" ? "application/yaml" : "application/json"
        guard AcceptHeader.allows(answered, accept) else { throw Problem(.notAcceptable, detail: .noAcceptableRepresentation) }
    }

    private func limit(
        _ request: Request, operation: ContractConstraints.Operation?, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // No GET, HEAD or DELETE of the contract takes a body: one sent anyway has no meaning here (RFC 9110
        // §9.3.1, §9.3.5), so it is not read, checked or parsed (the server discards it after the answer);
        // nor could it be read before the credential, which is checked later for these methods.
        guard request.method == .post || request.method == .patch || request.method == .put else {
            return try await next(request, context)
        }
        let declaredLength = request.headers[.contentLength].flatMap { Int($0) }
        // An operation that takes no body (submit, withdraw, screening) ignores one, as a GET does: clients
        // that send `{}` with every POST are common. It is not read, checked or parsed, whatever its size,
        // type or coding (the server discards it after the answer).
        let hasBody = Self.declaresBody(request) && operation?.bodyTypes.isEmpty != true
        var request = request
        let body: ByteBuffer
        let isJSON: Bool
        var document: JSONValue?
        let upload = Self.isDocumentUpload(request)
        var reserved = 0
        defer { if reserved > 0 { bodyBudget?.release(reserved) } }
        if hasBody {
            let limit = upload ? maxDocumentBytes : maxBodyBytes
            if let declaredLength, declaredLength > limit {
                throw Problem(.contentTooLarge, detail: .bodyTooLarge(bytes: declaredLength, limit: limit))
            }
            guard let contentType = request.headers[.contentType], !contentType.isEmpty else {
                throw Problem(.unsupportedMediaType, detail: .bodyNeedsContentType)
            }
            // A compressed body would be read (and a document stored and hashed) as its compressed bytes.
            if let coding = request.headers[.contentEncoding],
                coding.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() != "identity" })
            {
                throw Problem(.unsupportedMediaType, detail: .contentCodingNotAccepted, headers: [.acceptEncoding: "identity"])
            }
            // A wildcard (`*/*`, `application/*`) or unreadable value names no media type, and the generated
            // server reads such a body as the operation's first one (JSON), past the checks made on JSON below.
            guard let mediaType = OpenAPIMIMEType(contentType), case .concrete = mediaType.kind else {
                throw Problem(.unsupportedMediaType, detail: .contentTypeNotAccepted)
            }
            // A parameter given twice (`charset=latin1; charset=utf-8`) would be read as one of the two.
            let names = contentType.split(separator: ";").dropFirst()
                .map { ($0.split(separator: "=", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased() }
            guard Set(names).count == names.count else { throw Problem(.unsupportedMediaType, detail: .contentTypeNotAccepted) }
            // JSON is exchanged in UTF-8 (RFC 8259 §8.1): a body labelled otherwise would be read as another text.
            if Self.isJSON(mediaType),
                let charset = mediaType.parameters.first(where: { $0.key.lowercased() == "charset" })?.value,
                !["utf-8", "utf8"].contains(charset.trimmingCharacters(in: ["\""]).lowercased())
            {
                throw Problem(.unsupportedMediaType, detail: .contentTypeNotAccepted)
            }
            // What the operation itself would refuse before reading the body is refused here too, before the
            // body is read or invited (`100 Continue`): a media type it does not take (for an upload, one that
            // is not a document type), a role it does not allow.
            if upload { _ = try DocumentService.acceptedType(contentType) }
            if let operation {
                let essence = "\(mediaType.kind)".lowercased()
                guard operation.takes(essence) else {
                    throw Problem(.unsupportedMediaType, detail: .contentTypeNotAccepted)
                }
                if let policy, let principal = RequestScope.authenticated, !policy.allows(principal.role, operation.id) {
                    throw Problem(.forbidden, detail: .roleMayNotCall(principal.role.rawValue, operation.id))
                }
            }
            // Admitted last, once nothing else would refuse it, and held until the answer is made.
            if let bodyBudget {
                let bytes = declaredLength ?? limit
                guard bodyBudget.reserve(bytes) else {
                    throw Problem(.serviceUnavailable, detail: .tooManyBodiesInFlight, headers: [.retryAfter: "1"])
                }
                reserved = bytes
            }
            await context.continueIfExpected(request)
            do {
                body = try await request.collectBody(upTo: limit)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                throw Problem(.contentTooLarge, detail: .bodyOverLimit(limit))
            } catch is NIOTooManyBytesError {
                // A chunked body (no length declared) says it is too large only once it is.
                throw Problem(.contentTooLarge, detail: .bodyOverLimit(limit))
            } catch let timedOut as RequestBodyTimedOut {
                throw timedOut
            } catch {
                // The body ended before its declared length, or its chunks did not parse: the client's fault.
                throw Problem(.badRequest, detail: .bodyUnreadable)
            }
            // An upload's bytes are the file, whatever they look like: never read as this service's JSON.
            isJSON = Self.isJSON(mediaType) && !upload
            if isJSON {
                document = try Self.refuseAmbiguousJSON(in: body, nesting: BodyNesting(method: request.method, path: request.uri.path))
            }
        } else {
            guard request.method == .post || request.method == .patch || request.method == .put else {
                return try await next(request, context)
            }
            // An empty body is handed on as a buffer, not as the connection's stream: the fast paths and
            // the generated server may both read it, and a stream can be read once only.
            body = ByteBuffer()
            // Its length is said outright, so that the operation's own checks know the body is empty without reading it.
            var head = request.head
            head.headerFields[.contentLength] = "0"
            request = Request(head: head, body: .init(buffer: body))
            isJSON = request.headers[.contentType].flatMap(OpenAPIMIMEType.init).map(Self.isJSON) ?? false
        }
        do {
            // The document as read here travels on, so a handler that reads JSON itself need not parse it again.
            return try await RequestScope.$jsonBody.withValue(document) { try await next(request, context) }
        } catch let error as ServerError where error.underlyingError is DecodingError {
            // The decoder only says "not valid JSON"; say where, from the bytes still at hand.
            if isJSON, let error = Self.syntaxError(in: body) { throw Self.notJSON(error) }
            throw error
        }
    }

    /// What a JSON body may say that the server would read one way and another program another:
    /// - a member name repeated in one object (parsers disagree on which value wins: the generated
    ///   decoders keep the first, `JSON.parse` and PostgreSQL the last);
    /// - U+0000, which PostgreSQL text cannot hold, so such a string could never be stored.
    /// Refused here with the pointer of each such member or string (or member name), all at once.
    /// A body that is not JSON text in UTF-8 is refused as malformed, saying where it breaks.
    ///
    /// Nesting is bounded here too, in the same single pass, before any decoder sees the body (the
    /// generated decoders take time that grows with the square of the depth): see `BodyNesting`.
    /// Returns the document read, once nothing is refused.
    @discardableResult
    static func refuseAmbiguousJSON(in body: ByteBuffer, nesting: BodyNesting = .fields) throws(Problem) -> JSONValue {
        let reading: JSONReading
        do {
            reading = try JSONValue.reading(
                body.readableBytesView, limits: RuleLimits(maxDepth: nesting.maxDepth, maxTextBytes: .max))
        } catch {
            // Not JSON as RFC 8259 exchanges it (UTF-8 only): the generated decoders would accept a
            // UTF-16 body, past the checks above, so it is refused here, saying where it breaks.
            throw notJSON(error)
        }
        let document = reading.value
        var errors = reading.duplicates.map { Problem.FieldError(pointer: $0, detail: .repeatedMember) }
        var rulesTooDeep: [String] = []
        var fieldsTooDeep: [Problem.FieldError] = []
        for pointer in reading.tooDeep {
            if let member = nesting.ruleMember(containing: pointer) {
                if !rulesTooDeep.contains(member) { rulesTooDeep.append(member) }
            } else {
                fieldsTooDeep.append(.init(pointer: pointer, detail: .nestedTooDeep(limit: nesting.maxDepth)))
            }
        }
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
        // Half a UTF-16 surrogate pair (`\uD800` alone) is no character: read as U+FFFD, it would be
        // stored as other text than was sent (RFC 7493 refuses it as well).
        errors += reading.loneSurrogates.map { .init(pointer: $0, detail: .mustNotContainLoneSurrogate) }
        if errors.isEmpty, !fieldsTooDeep.isEmpty {
            throw Problem(.validation, detail: .bodyNestedTooDeep(limit: nesting.maxDepth), errors: fieldsTooDeep)
        }
        if !errors.isEmpty || !fieldsTooDeep.isEmpty { throw Problem.validation(errors + fieldsTooDeep) }
        if !rulesTooDeep.isEmpty { throw nesting.rulesTooDeep(rulesTooDeep, in: document) }
        return document
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

    /// A body that is not JSON, saying where it breaks and why, in the reader's language.
    private static func notJSON(_ error: RuleError) -> Problem {
        guard case .invalidJSON(let fault, let byte) = error else { return Problem(.malformedJSON, detail: .bodyNotJSON) }
        return Problem(.malformedJSON, detail: .bodyNotJSON(because: .jsonSyntax(fault, byte: byte)))
    }

    /// `application/json` or a `+json` type (`application/merge-patch+json`); not a type that merely
    /// mentions JSON in a parameter (`text/plain; format=json`).
    static func isJSON(_ mediaType: OpenAPIMIMEType) -> Bool {
        guard case .concrete(let type, let subtype) = mediaType.kind, type.lowercased() == "application" else { return false }
        return subtype.lowercased() == "json" || subtype.lowercased().hasSuffix("+json")
    }

    /// Where the body stops being JSON text, nil when it is JSON (however deep: nesting is not its concern).
    static func syntaxError(in body: ByteBuffer) -> RuleError? {
        do {
            _ = try JSONValue.reading(body.readableBytesView, limits: RuleLimits(maxTextBytes: .max))
            return nil
        } catch {
            return error
        }
    }

    static func isDocumentUpload(_ request: Request) -> Bool {
        RequestLimits.isDocumentUpload(method: request.method, path: request.uri.path)
    }
}

/// How deeply a JSON body may nest arrays and objects.
///
/// No field of the contract nests more than a few levels, so a body may nest `RuleLimits.default.maxDepth`
/// (64) levels; deeper is a 400 naming each place. The members that hold JSON Logic rules, or the
/// documents they read, may themselves nest that deep below their place in the body, and one nested
/// deeper is answered as the operation answers any rule past a limit: 422, `errorType` `too_deep`.
enum BodyNesting: Equatable {
    /// Any other body.
    case fields
    /// `POST /v1/rules/evaluate`: `/rule` and `/data`.
    case ruleEvaluation
    /// `POST /v1/calls/{callId}/rulesets`: `/rules/{n}/expression`.
    case ruleset

    init(method: HTTPRequest.Method, path: String) {
        let segments = RequestLimits.segments(of: path)
        if method == .post, segments == ["v1", "rules", "evaluate"] {
            self = .ruleEvaluation
        } else if method == .post, segments.count == 4, segments[0] == "v1", segments[1] == "calls", segments[3] == "rulesets" {
            self = .ruleset
        } else {
            self = .fields
        }
    }

    /// How many levels of the body enclose its rules.
    private var ruleLevel: Int {
        switch self {
        case .fields: 0
        case .ruleEvaluation: 1
        case .ruleset: 3
        }
    }

    /// The most levels the body may nest.
    var maxDepth: Int { RuleLimits.default.maxDepth + ruleLevel }

    /// The rule (or document) member that holds the place at `pointer`, nil when it is held by none.
    func ruleMember(containing pointer: String) -> String? {
        let tokens = pointer.split(separator: "/", maxSplits: ruleLevel + 1, omittingEmptySubsequences: false).dropFirst().prefix(ruleLevel)
        guard tokens.count == ruleLevel else { return nil }
        switch self {
        case .fields:
            return nil
        case .ruleEvaluation:
            return tokens.first == "rule" || tokens.first == "data" ? "/" + tokens.joined(separator: "/") : nil
        case .ruleset:
            let parts = Array(tokens)
            guard parts[0] == "rules", !parts[1].isEmpty, parts[1].allSatisfy(\.isASCIIDigit), parts[2] == "expression" else {
                return nil
            }
            return "/" + tokens.joined(separator: "/")
        }
    }

    /// The operation's answer for the rules (or documents) at `members`, nested too deep.
    func rulesTooDeep(_ members: [String], in document: JSONValue) -> Problem {
        switch self {
        case .fields, .ruleEvaluation:
            RulesetService.evaluationProblem(.tooDeep(limit: RuleLimits.default.maxDepth), at: members)
        case .ruleset:
            RulesetValidation.expressionsTooDeep(members, in: document)
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

enum RequestLimits {
    /// The segments of a request path, without its query.
    static func segments(of path: String) -> [Substring] {
        (path.split(separator: "?", maxSplits: 1).first ?? "").split(separator: "/")
    }

    /// Whether a request head announces a body (a length over zero, or chunks).
    static func declaresBody(_ headers: HTTPFields) -> Bool {
        (headers[.contentLength].flatMap { Int($0) } ?? 0) > 0 || headers[.transferEncoding] != nil
    }

    /// Document uploads carry files, so they get their own (larger) limit.
    static func isDocumentUpload(method: HTTPRequest.Method, path: String) -> Bool {
        guard method == .post else { return false }
        let segments = segments(of: path)
        return segments.count == 4 && segments[0] == "v1" && segments[1] == "proposals" && segments[3] == "documents"
    }
}
