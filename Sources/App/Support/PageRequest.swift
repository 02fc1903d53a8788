import Foundation

/// Keyset cursors: the position after the last row of a page (its `seq`), never an offset, bound to
/// the list and the filters that produced it.
///
/// A cursor is base64url of `s2.<seq>.<tag>`, where the tag is a 64-bit FNV-1a digest of the list's
/// path, its filters (every query parameter but `limit` and `cursor`) and the position. A cursor
/// from another list, from the same list under other filters, or edited by hand is refused (400)
/// instead of silently paging through something else. The tag is a check, not a secret: access
/// rules and filters are applied to every page whatever cursor comes in, so a forged position
/// shows nothing the caller could not list anyway.
struct PageRequest: Sendable {
    static let defaultLimit = 50

    let path: String
    /// What cursors are bound to: the path, in lower case (ids are read in either case).
    private var scope: String
    /// The request's query parameters (those given), in the order the handler lists them.
    let query: [(String, String)]
    let cursor: String?
    let requestedLimit: Int?

    init(path: String, query: [(String, String)], cursor: String?, limit: Int?) {
        self.path = path
        self.scope = path.lowercased()
        self.query = query.filter { $0.0 != "cursor" }
        self.cursor = cursor
        self.requestedLimit = limit
    }

    /// The same request, its cursors bound to `path` (the canonical path of a list that more than one
    /// path reaches) rather than to the path it came by; links still follow the path it came by.
    func scoped(to path: String) -> PageRequest {
        var copy = self
        copy.scope = path.lowercased()
        return copy
    }

    /// The position to read after: 0 without a cursor.
    func after() throws(Problem) -> Int64 {
        guard let cursor else { return 0 }
        guard let text = Self.base64URLDecoded(cursor) else { throw Self.refusal }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "s2", let seq = Int64(parts[1]), seq >= 0, String(seq) == parts[1],
            parts[2] == tag(seq)
        else { throw Self.refusal }
        return seq
    }

    /// The page size asked for, 1 to 200.
    func limit() throws(Problem) -> Int {
        guard let requestedLimit else { return Self.defaultLimit }
        guard (1...200).contains(requestedLimit) else {
            throw Problem.validation([.init(pointer: "limit", detail: .mustBeFrom(1, to: 200))])
        }
        return requestedLimit
    }

    /// The cursor for the page after `seq`.
    func cursor(after seq: Int64) -> String {
        Self.base64URL("s2.\(seq).\(tag(seq))")
    }

    /// Cuts a page that was read one row past the limit: the extra row only says a next page exists.
    func page<Row>(_ rows: [Row], limit: Int, position: (Row) -> Int64) -> (rows: ArraySlice<Row>, next: String?) {
        let page = rows.prefix(limit)
        return (page, rows.count > limit ? page.last.map { cursor(after: position($0)) } : nil)
    }

    /// `Link: <…>; rel="next"` for the next page, keeping the other query parameters.
    func link(next: String?) -> String? {
        guard let next else { return nil }
        var components = URLComponents()
        components.path = path
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } + [URLQueryItem(name: "cursor", value: next)]
        return "<\(components.string ?? path)>; rel=\"next\""
    }

    private static var refusal: Problem { Problem.validation([.init(pointer: "cursor", detail: .notACursor)]) }

    /// The digest of the list, its filters (sorted by name, so their order in the URL does not
    /// matter) and the position, each part length-prefixed so no two scopes write the same bytes.
    private func tag(_ seq: Int64) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in "\(text.utf8.count):\(text)".utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        mix(scope)
        for (name, value) in query.filter({ $0.0 != "limit" }).sorted(by: { $0.0 < $1.0 }) {
            mix(name)
            mix(value)
        }
        mix(String(seq))
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    private static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func base64URLDecoded(_ text: String) -> String? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) }
    }
}
