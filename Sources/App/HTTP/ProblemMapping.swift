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
            return database.unavailableProblem ?? Problem(.internalError)
        case let serverError as ServerError:
            return problem(for: serverError)
        case let httpError as HTTPError:
            return problem(status: httpError.status.code, detail: httpError.body)
        default:
            return Problem(.internalError)
        }
    }

    private static func problem(for error: ServerError) -> Problem {
        switch error.underlyingError {
        case let problem as Problem: return problem
        case let convertible as any ProblemConvertible: return convertible.problem
        case let database as DatabaseError: return database.unavailableProblem ?? Problem(.internalError)
        case let decoding as DecodingError:
            if case .dataCorrupted(let context) = decoding, context.codingPath.isEmpty {
                // Not the body (RequestLimitsMiddleware diagnoses bodies): a parameter or header value.
                return Problem(.badRequest, detail: error.causeDescription)
            }
            return problem(for: decoding)
        default: break
        }
        switch error.httpStatus.code {
        case 415:
            return Problem(.unsupportedMediaType, detail: "This operation does not accept that Content-Type.")
        case 406:
            return Problem(.notAcceptable, detail: "No representation matches the Accept header.")
        case 400..<500:
            // The runtime's cause names the parameter or header at fault (never a value we stored).
            return Problem(.badRequest, detail: error.causeDescription)
        default:
            return Problem(.internalError)
        }
    }

    static func problem(for error: DecodingError) -> Problem {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return Problem(.malformedJSON, detail: "The body is not valid JSON.")
        case .dataCorrupted(let context):
            let pointer = JSONPointer.from(context.codingPath)
            if context.debugDescription.hasPrefix("Additional properties are disabled") {
                return .validation([.init(pointer: pointer, detail: "is not a known field")])
            }
            return .validation([.init(pointer: pointer, detail: "has an invalid value")])
        case .keyNotFound(let key, let context):
            return .validation([.init(pointer: JSONPointer.from(context.codingPath + [key]), detail: "is required")])
        case .typeMismatch(let type, let context):
            return .validation([.init(pointer: JSONPointer.from(context.codingPath), detail: "must be \(JSONPointer.jsonTypeName(type))")])
        case .valueNotFound(let type, let context):
            return .validation([.init(pointer: JSONPointer.from(context.codingPath), detail: "must be \(JSONPointer.jsonTypeName(type)), not null")])
        @unknown default:
            return Problem(.badRequest, detail: "The body could not be read.")
        }
    }

    private static func problem(status: Int, detail: String?) -> Problem {
        let kind = Problem.Kind.allCases.first { $0.status.code == status && $0 != .validation && $0 != .malformedJSON }
        return Problem(kind ?? (status < 500 ? .badRequest : .internalError), detail: detail)
    }
}

/// RFC 6901 pointers for the places a decoder complained about.
enum JSONPointer {
    static func from(_ path: [any CodingKey]) -> String {
        // The generator wraps some values in containers named like `value1`; they are not part of the document.
        let parts = path.filter { !$0.stringValue.hasPrefix("value") || $0.intValue != nil || Int($0.stringValue.dropFirst(5)) == nil }
            .map { key in key.intValue.map(String.init) ?? escape(key.stringValue) }
        return parts.isEmpty ? "" : "/" + parts.joined(separator: "/")
    }

    static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int32.Type, is Int64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is [Any].Type: "an array"
        default: "of another type"
        }
    }
}
