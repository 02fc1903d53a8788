import Foundation
import HTTPTypes
import Rules

/// Per-request values that code deep in a request reads without threading them through every call.
public enum RequestScope {
    @TaskLocal public static var requestID: String?
    @TaskLocal public static var language: Language = .en
    /// The request's header fields as they arrived. The generated stubs percent-decode every header
    /// value they pass (`abc%41` becomes `abcA`, `%de` is refused), and do not pass `Content-Type` for
    /// raw bodies; headers whose value is opaque text are read here instead (`raw(_:else:)`).
    @TaskLocal static var headers: HTTPFields?

    /// A header's value as it arrived, or, outside a request (a service called directly), `decoded`.
    static func raw(_ name: HTTPField.Name, else decoded: String?) -> String? {
        guard let headers else { return decoded }
        return headers[name]
    }
    /// Headers a handler sets that the generated stubs cannot express (e.g. a stored document's type).
    @TaskLocal static var responseHeaders: ResponseHeaderOverrides?
    /// The caller, once authenticated before its request's body was read (`RequestLimitsMiddleware`).
    @TaskLocal static var authenticated: Principal?
    /// A JSON request body as `RequestLimitsMiddleware` read it (within the nesting limits), nil for other bodies.
    @TaskLocal static var jsonBody: JSONValue?
    /// A download's `Accept`, held back from the generated stubs (`DocumentAcceptMiddleware`) and checked
    /// against the stored type by the handler, before the preconditions.
    @TaskLocal static var downloadAccept: String?
}

/// Written by a handler, applied by `ProblemMiddleware` on the way out.
final class ResponseHeaderOverrides: @unchecked Sendable {
    private let lock = NSLock()
    private var fields = HTTPFields()

    subscript(name: HTTPField.Name) -> String? {
        get { lock.withLock { fields[name] } }
        set { lock.withLock { fields[name] = newValue } }
    }

    func apply(to headers: inout HTTPFields) {
        lock.withLock { for field in fields { headers[field.name] = field.value } }
    }
}
