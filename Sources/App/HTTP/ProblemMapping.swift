import Database
import Foundation
import Hummingbird
import OpenAPIRuntime

/// Errors that know which problem they are (domain and database errors conform in their own files).
protocol ProblemConvertible: Error {
    var problem: Problem { get }
}

/// Turns anything thrown while serving a request into the problem the client sees.
enum ProblemMapping {
    static func problem(for error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let convertible as any ProblemConvertible:
            return convertible.problem
        case let database as DatabaseError:
            return database.clientProblem ?? Problem(.internalError)
        case let serverError as ServerError:
            return problem(for: serverError)
        case let httpError as HTTPError:
            // Its message is Hummingbird's English; the status's title says what the client needs.
            return problem(status: httpError.status.code)
        default:
            return Problem(.internalError)
        }
    }

    private static func problem(for error: ServerError) -> Problem {
        switch error.underlyingError {
        case let problem as Problem: return problem
        case let convertible as any ProblemConvertible: return convertible.problem
        case let database as DatabaseError: return database.clientProblem ?? Problem(.internalError)
        case let decoding as DecodingError:
            if case .dataCorrupted(let context) = decoding, context.codingPath.isEmpty {
                // Not the body (RequestLimitsMiddleware diagnoses bodies): a parameter or header value.
                return Problem(.badRequest, detail: parameterValueMessage(context.debugDescription))
            }
            return problem(for: decoding)
        default: break
        }
        switch error.httpStatus.code {
        case 415:
            return Problem(.unsupportedMediaType, detail: .contentTypeNotAccepted)
        case 406:
            return Problem(.notAcceptable, detail: .noAcceptableRepresentation)
        case 400..<500:
            // A required query parameter left out is a fault of that parameter, named as one given empty is.
            if let name = error.causeDescription.removingPrefix(missingQueryParameter) {
                return .validation([.init(pointer: name, detail: .required)])
            }
            // The runtime's cause names the parameter or header at fault (never a value we stored).
            let message = runtimeCauseMessage(error.causeDescription)
            // A change that must name the version it changes says so with 428 (RFC 6585), not 400.
            if message == .missingHeader("If-Match") { return Problem(.preconditionRequired, detail: .ifMatchRequired) }
            return Problem(.badRequest, detail: message)
        default:
            return Problem(.internalError)
        }
    }

    static func problem(for error: DecodingError) -> Problem {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return Problem(.malformedJSON, detail: .bodyNotJSON)
        case .dataCorrupted(let context):
            let pointer = JSONPointer.from(context.codingPath)
            if context.debugDescription.hasPrefix("Additional properties are disabled") {
                return .validation([.init(pointer: pointer, detail: .notAKnownField)])
            }
            if context.debugDescription == RFC3339DateTranscoder.notAnInstant {
                return .validation([.init(pointer: pointer, detail: .notAnInstantValue)])
            }
            return .validation([.init(pointer: pointer, detail: .hasInvalidValue)])
        case .keyNotFound(let key, let context):
            return .validation([.init(pointer: JSONPointer.from(context.codingPath + [key]), detail: .required)])
        case .typeMismatch(let type, let context):
            return .validation([.init(pointer: JSONPointer.from(context.codingPath), detail: .mustBe(JSONPointer.jsonType(type)))])
        case .valueNotFound(let type, let context):
            return .validation([.init(pointer: JSONPointer.from(context.codingPath), detail: .mustBeNotNull(JSONPointer.jsonType(type)))])
        @unknown default:
            return Problem(.badRequest, detail: .bodyUnreadable)
        }
    }

    private static func problem(status: Int) -> Problem {
        let kind = Problem.Kind.allCases.first { $0.status.code == status && $0 != .validation && $0 != .malformedJSON }
        return Problem(kind ?? (status < 500 ? .badRequest : .internalError))
    }

    private static let missingQueryParameter = "Missing required query parameter named: "

    /// The runtime says what it could not read in English sentences (its error type is not public); the ones a
    /// client causes are recognised and said from the catalog, keeping the names they carry.
    static func runtimeCauseMessage(_ cause: String) -> Message {
        if let name = cause.removingPrefix("Missing required path parameter named: ") { return .missingPathParameter(name) }
        if let rest = cause.removingPrefix("The required header field named '"), rest.hasSuffix("' is missing.") {
            return .missingHeader(String(rest.dropLast("' is missing.".count)))
        }
        if cause == "Missing required request body" { return .bodyRequired }
        return .parameterUnreadable(cause)
    }

    /// A parameter or header value the decoder refused: an enumeration's unknown value, or an instant that is not one.
    static func parameterValueMessage(_ description: String) -> Message {
        // Swift's raw-value decoding: "Cannot initialize <Type> from invalid <Raw> value <value>".
        if description.hasPrefix("Cannot initialize "), let range = description.range(of: " value ") {
            return .valueNotAllowed(String(description[range.upperBound...]))
        }
        if description == RFC3339DateTranscoder.notAnInstant { return .notAnInstant }
        return .parameterUnreadable(description)
    }
}

extension String {
    /// The rest of the text after `prefix`, or nil when it does not start with it.
    func removingPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}

/// RFC 6901 pointers for the places a decoder complained about.
enum JSONPointer {
    static func from(_ path: [any CodingKey]) -> String {
        // The generator wraps some values in containers named like `value1`; they are not part of the document.
        let parts = documentPath(path).map { key in key.intValue.map(String.init) ?? escape(key.stringValue) }
        return parts.isEmpty ? "" : "/" + parts.joined(separator: "/")
    }

    static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func jsonType(_ type: Any.Type) -> Message.JSONType {
        switch type {
        case is String.Type: .string
        case is Bool.Type: .boolean
        case is Int.Type, is Int32.Type, is Int64.Type: .integer
        case is Double.Type, is Float.Type: .number
        case is [Any].Type: .array
        default: .other
        }
    }
}
