import HTTPTypes
import OpenAPIRuntime

/// The operations the contract documents, as path templates and methods (to answer 405 with `Allow`).
struct RouteTable: Sendable {
    private var templates: [(segments: [Substring], methods: [String])] = []

    /// Records every operation the generated code registers, without serving any.
    static func documented(by register: (RouteRecorder) throws -> Void) rethrows -> RouteTable {
        let recorder = RouteRecorder()
        try register(recorder)
        return recorder.table
    }

    mutating func add(method: HTTPRequest.Method, path: String) {
        let segments = path.split(separator: "/")
        if let index = templates.firstIndex(where: { $0.segments == segments }) {
            templates[index].methods.append(method.rawValue)
        } else {
            templates.append((segments, [method.rawValue]))
        }
    }

    /// Methods documented for a concrete path (`{param}` segments match any value).
    func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/")
        var allowed: [String] = []
        for template in templates where Self.matches(template.segments, segments) { allowed += template.methods }
        if allowed.contains("GET") && !allowed.contains("HEAD") { allowed.append("HEAD") }
        return allowed.sorted()
    }

    /// Whether a path's segments fill a template's (`{param}` segments match any value).
    static func matches<Pattern: StringProtocol>(_ template: [Pattern], _ segments: [Substring]) -> Bool {
        template.count == segments.count
            && zip(template, segments).allSatisfy { pattern, value in pattern.first == "{" || pattern == value }
    }
}

/// A `ServerTransport` that only writes down what would be registered.
final class RouteRecorder: ServerTransport, @unchecked Sendable {
    // Only used synchronously while the application is being built.
    private(set) var table = RouteTable()

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        table.add(method: method, path: path)
    }
}
