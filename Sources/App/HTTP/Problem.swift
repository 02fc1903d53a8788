import Foundation
import HTTPTypes

/// An RFC 9457 problem: what the client gets for every refusal and failure.
///
/// Its texts are messages, rendered in the request's language only when the body is written (`body(…)`).
public struct Problem: Error, Sendable {
    public var kind: Kind
    public var detail: Message?
    public var errors: [FieldError]
    public var headers: HTTPFields
    /// Extra members of the problem document (e.g. `errorType` of a rule error).
    public var extensions: [String: String]

    public init(
        _ kind: Kind, detail: Message? = nil, errors: [FieldError] = [], headers: HTTPFields = [:],
        extensions: [String: String] = [:]
    ) {
        self.kind = kind
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extensions = extensions
    }

    public struct FieldError: Sendable, Equatable {
        public var pointer: String
        public var detail: Message
        public init(pointer: String, detail: Message) {
            self.pointer = pointer
            self.detail = detail
        }
    }

    /// The kinds of problem; each has a stable `type` URI that clients may switch on.
    public enum Kind: String, Sendable, CaseIterable {
        case badRequest = "bad-request"
        case malformedJSON = "malformed-json"
        case validation
        case unauthorized
        case forbidden
        case notFound = "not-found"
        case methodNotAllowed = "method-not-allowed"
        case notAcceptable = "not-acceptable"
        case requestTimeout = "request-timeout"
        case conflict
        case preconditionFailed = "precondition-failed"
        case preconditionRequired = "precondition-required"
        case contentTooLarge = "content-too-large"
        case unsupportedMediaType = "unsupported-media-type"
        case unprocessable = "unprocessable"
        case tooManyRequests = "too-many-requests"
        case serviceUnavailable = "service-unavailable"
        case internalError = "internal-error"
        case notImplemented = "not-implemented"

        public var typeURI: String { "urn:convoca:problem:\(rawValue)" }

        public var status: HTTPResponse.Status {
            switch self {
            case .badRequest, .malformedJSON, .validation: .badRequest
            case .unauthorized: .unauthorized
            case .forbidden: .forbidden
            case .notFound: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .notAcceptable: .notAcceptable
            case .requestTimeout: .requestTimeout
            case .conflict: .conflict
            case .preconditionFailed: .preconditionFailed
            case .preconditionRequired: .preconditionRequired
            case .contentTooLarge: .contentTooLarge
            case .unsupportedMediaType: .unsupportedMediaType
            case .unprocessable: .unprocessableContent
            case .tooManyRequests: .tooManyRequests
            case .serviceUnavailable: .serviceUnavailable
            case .internalError: .internalServerError
            case .notImplemented: .notImplemented
            }
        }

        public func title(in language: Language) -> String {
            let titles = ProblemTexts.titles[self]!
            return titles[language] ?? titles[.en]!
        }
    }

    /// The problem document, as sent: titles and messages in `language`.
    public func body(requestID: String?, language: Language) -> Data {
        var object: [String: Any] = [
            "type": kind.typeURI,
            "title": kind.title(in: language),
            "status": kind.status.code,
        ]
        if let detail { object["detail"] = detail.text(in: language) }
        if let requestID { object["instance"] = requestID }
        if !errors.isEmpty {
            object["errors"] = errors.map { ["pointer": $0.pointer, "detail": $0.detail.text(in: language)] }
        }
        for (key, value) in extensions where object[key] == nil { object[key] = value }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"type":"urn:convoca:problem:internal-error","title":"Internal error","status":500}"#.utf8)
    }
}

extension Problem {
    public static func notFound(_ detail: Message? = nil) -> Problem { Problem(.notFound, detail: detail) }
    public static func validation(_ errors: [FieldError]) -> Problem {
        Problem(.validation, detail: .fieldsNotValid(errors.count), errors: errors)
    }
}
