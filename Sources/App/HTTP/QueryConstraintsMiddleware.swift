import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Refuses query parameters that break what the contract declares for them (a `country` that is
/// not two capital letters, an over-long filter), naming each; the generated server checks their
/// types and enumerations only. See `ContractConstraints`.
struct QueryConstraintsMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if let path = request.path, let start = path.firstIndex(of: "?") {
            let items = Self.items(path[path.index(after: start)...])
            if operationID == "listOrganisations", items.contains(where: { $0.name == "dueDiligence" }), let principal = try? Principal.current {
                try OrganisationService.requireDueDiligenceFilter(by: principal)
            }
            var v = Validator()
            for item in items {
                if let value = item.value {
                    if value.unicodeScalars.contains("\u{0}") { v.fail(item.name, .mustNotContainNUL) }
                    if value.unicodeScalars.contains("\u{FEFF}") { v.fail(item.name, .mustNotContainByteOrderMark) }
                } else {
                    v.fail(item.name, .hasInvalidValue)
                }
            }
            // A parameter whose value cannot be read is named once, for that: not again for what it is not.
            var contract = Validator()
            ContractConstraints.shared.checkQuery(items.map { ($0.name, $0.value ?? "") }, operation: operationID, into: &contract)
            let unreadable = Set(v.errors.map(\.pointer))
            // A fault repeated with its parameter (`?x=1&x=1`) is named once.
            var errors: [Problem.FieldError] = []
            for error in v.errors + contract.errors.filter({ !unreadable.contains($0.pointer) }) where !errors.contains(error) {
                errors.append(error)
            }
            guard errors.isEmpty else { throw Problem.validation(errors) }
        }
        return try await next(request, body, metadata)
    }

    /// The query's parameters as the generated server reads them (form encoding: `+` is a space), so
    /// a value is checked as it will be used: `limit=+5` is ` 5`, not 5. A value whose
    /// percent-encoding is broken is nil. A leading byte-order mark, which Foundation's decoding drops
    /// (and so would the generated server, changing the value unseen), is kept, to be refused.
    static func items(_ query: Substring) -> [(name: String, value: String?)] {
        query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) -> String? in
                guard let decoded = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else { return nil }
                let marked = text.uppercased().hasPrefix("%EF%BB%BF") || text.unicodeScalars.first == "\u{FEFF}"
                return marked && decoded.unicodeScalars.first != "\u{FEFF}" ? "\u{FEFF}" + decoded : decoded
            }
            let name = decode(parts[0]) ?? String(parts[0])
            return (name, parts.count == 2 ? decode(parts[1]) : "")
        }
    }
}
