import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
@_spi(Generated) import OpenAPIRuntime
import Rules

/// `POST /v1/rules/evaluate` answered from the body as the rules engine reads it.
///
/// The generated decoders hold free-form JSON as `OpenAPIValueContainer`s, trying one type after
/// another for every value: a megabyte of small arrays took them seconds, for any caller, while the
/// engine's parser reads it in one pass. So a JSON object with a `rule` member is read here (the
/// body check has already bounded its size and nesting), after the same access checks
/// (`AccessMiddleware.authorize`) and through the same service, and the result is written as
/// `JSON.stringify` writes it. Any other request (a query, another media type, a body that is not
/// such an object) goes on to the generated handler, which refuses it as documented before it
/// decodes any free-form value.
struct RuleEvaluationFastPath<Context: RequestContext>: RouterMiddleware {
    let access: AccessMiddleware
    let rulesets: RulesetService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, request.uri.query == nil,
            RequestLimits.segments(of: request.uri.path) == ["v1", "rules", "evaluate"],
            Self.isJSON(request.headers[.contentType])
        else { return try await next(request, context) }
        // `RequestLimitsMiddleware` has already read the body (within its limits), and parsed it.
        guard case .object(let members)? = try await Self.document(request), let rule = members["rule"]
        else { return try await next(request, context) }
        _ = try await access.authorize("evaluateRule", authorization: request.headers[.authorization])
        let unknown = members.keys.filter { $0 != "rule" && $0 != "data" }
        if !unknown.isEmpty {
            throw Problem.validation(unknown.map { "/" + JSONPointer.escape($0) }.sorted().map { .init(pointer: $0, detail: .notAKnownField) })
        }
        let result = try rulesets.evaluate(rule: rule, data: members["data"] ?? .null)
        var body = ByteBuffer()
        body.writeString(#"{"result":"#)
        body.writeString(result.jsonText)
        body.writeString("}")
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    /// The body as the body check read it; read here only where that check did not run.
    private static func document(_ request: Request) async throws -> JSONValue? {
        if let document = RequestScope.jsonBody { return document }
        let bytes = try await request.body.collect(upTo: .max)
        let limits = RuleLimits(maxDepth: BodyNesting.ruleEvaluation.maxDepth, maxTextBytes: .max)
        return try? JSONValue(parsing: bytes.readableBytesView, limits: limits)
    }

    /// `application/json`, with or without parameters, read and matched as the generated server does.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType, let mediaType = OpenAPIMIMEType(contentType),
            case .concrete(let type, let subtype) = mediaType.kind
        else { return false }
        return type.lowercased() == "application" && subtype.lowercased() == "json"
    }
}
