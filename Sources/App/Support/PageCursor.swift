import Foundation

/// Opaque keyset cursors: the position after the last row of a page (its `seq`), never an offset.
enum PageCursor {
    static let defaultLimit = 50

    static func encode(after seq: Int64) -> String {
        Data("s1:\(seq)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String?) throws(Problem) -> Int64 {
        guard let cursor else { return 0 }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("s1:"), let seq = Int64(text.dropFirst(3)), seq >= 0
        else {
            throw Problem.validation([.init(pointer: "cursor", detail: .notACursor)])
        }
        return seq
    }

    /// The page size asked for, 1 to 200.
    static func limit(_ value: Int?) throws(Problem) -> Int {
        guard let value else { return defaultLimit }
        guard (1...200).contains(value) else {
            throw Problem.validation([.init(pointer: "limit", detail: .mustBeFrom(1, to: 200))])
        }
        return value
    }

    /// Cuts a page that was read one row past the limit: the extra row only says a next page exists.
    static func page<Row>(_ rows: [Row], limit: Int, position: (Row) -> Int64) -> (rows: ArraySlice<Row>, next: String?) {
        let page = rows.prefix(limit)
        return (page, rows.count > limit ? page.last.map { encode(after: position($0)) } : nil)
    }

    /// `Link: <…>; rel="next"` for the next page, keeping the other query parameters.
    static func link(path: String, query: [(String, String)], next: String?) -> String? {
        guard let next else { return nil }
        var components = URLComponents()
        components.path = path
        components.queryItems = query.filter { $0.0 != "cursor" }.map { URLQueryItem(name: $0.0, value: $0.1) }
            + [URLQueryItem(name: "cursor", value: next)]
        return "<\(components.string ?? path)>; rel=\"next\""
    }
}
