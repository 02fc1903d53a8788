import Crypto
import Foundation

/// Keyset cursors: the position after the last row of a page (its `seq`), never an offset, bound to
/// the list and the filters that produced it.
///
/// A cursor is base64url of a version byte and the position sealed with ChaCha20-Poly1305 under the
/// service's cursor key (`CursorKey`), the list's path and filters (every query parameter but `limit`
/// and `cursor`) authenticated with it. So a cursor says nothing a caller could read (the position
/// would tell an applicant how many rows others made, and when), and one from another list, from the
/// same list under other filters, or edited or made by hand is refused (400) instead of silently
/// paging through something else. Access rules and filters are applied to every page anyway.
///
/// The nonce is derived from what is sealed (HMAC-SHA256 under a key of its own), so the same page
/// always gets the same cursor (a HEAD's `Link` is its GET's) and a nonce is never reused for another
/// position or scope.
struct PageRequest: Sendable {
    static let defaultLimit = 50

    let path: String
    /// What cursors are bound to: the path, in lower case (ids are read in either case).
    private var scope: String
    /// The request's query parameters (those given), in the order the handler lists them.
    let query: [(String, String)]
    let cursor: String?
    let requestedLimit: Int?
    private let key: CursorKeys

    init(path: String, query: [(String, String)], cursor: String?, limit: Int?, key: CursorKeys) {
        self.path = path
        self.key = key
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
        guard cursor.utf8.count == Self.cursorLength, let bytes = Self.base64URLDecoded(cursor), bytes.first == Self.version,
            let box = try? ChaChaPoly.SealedBox(combined: bytes.dropFirst()),
            let position = try? ChaChaPoly.open(box, using: key.cipher, authenticating: scopeBytes()), position.count == 8
        else { throw Self.refusal }
        let seq = position.reduce(Int64(0)) { $0 << 8 | Int64($1) }
        guard seq >= 0 else { throw Self.refusal }
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
    func cursor(after seq: Int64) throws -> String {
        let position = withUnsafeBytes(of: seq.bigEndian) { Data($0) }
        let scope = scopeBytes()
        let code = HMAC<SHA256>.authenticationCode(for: scope + position, using: key.nonce)
        let nonce = try ChaChaPoly.Nonce(data: Data(code).prefix(12))
        let box = try ChaChaPoly.seal(position, using: key.cipher, nonce: nonce, authenticating: scope)
        return Self.base64URL(Data([Self.version]) + box.combined)
    }

    /// Cuts a page that was read one row past the limit: the extra row only says a next page exists.
    func page<Row>(_ rows: [Row], limit: Int, position: (Row) -> Int64) throws -> (rows: ArraySlice<Row>, next: String?) {
        let page = rows.prefix(limit)
        guard rows.count > limit, let last = page.last else { return (page, nil) }
        return (page, try cursor(after: position(last)))
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

    /// The cursor format: a version byte, then the sealed box (12 bytes of nonce, 8 of position, 16 of tag).
    private static let version: UInt8 = 3
    /// base64url, unpadded, of those 37 bytes.
    private static let cursorLength = 50

    /// What a cursor is bound to: the format, the list and its filters (sorted by name, so their order
    /// in the URL does not matter), each part length-prefixed so no two scopes write the same bytes.
    private func scopeBytes() -> Data {
        var text = "convoca-cursor-\(Self.version)"
        func add(_ part: String) { text += "\(part.utf8.count):\(part)" }
        add(scope)
        for (name, value) in query.filter({ $0.0 != "limit" }).sorted(by: { $0.0 < $1.0 }) {
            add(name)
            // Ids are read in either case, so a cursor does not depend on the case they were written in.
            add(UUID(exactly: value) == nil ? value : value.lowercased())
        }
        return Data(text.utf8)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// base64url without padding (RFC 4648 §5), written directly: every page of every list makes one.
    static func base64URL(_ data: Data) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((data.count * 4 + 2) / 3)
        var bits = 0, count = 0
        for byte in data {
            bits = (bits << 8 | Int(byte)) & 0xFFFF
            count += 8
            while count >= 6 {
                count -= 6
                out.append(alphabet[(bits >> count) & 0x3F])
            }
        }
        if count > 0 { out.append(alphabet[(bits << (6 - count)) & 0x3F]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Unpadded base64url only: padding, the standard alphabet or stray bits would give one cursor
    /// several spellings.
    static func base64URLDecoded(_ text: String) -> Data? {
        var out = Data()
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var bits = 0, count = 0
        for byte in text.utf8 {
            let value = values[Int(byte)]
            guard value != 0xFF else { return nil }
            bits = (bits << 6 | Int(value)) & 0xFFFF
            count += 6
            if count >= 8 {
                count -= 8
                out.append(UInt8((bits >> count) & 0xFF))
            }
        }
        // What is left must be fewer than 8 zero bits (a lone sixth of a byte is no base64 at all).
        guard count < 6, bits & ((1 << count) - 1) == 0 else { return nil }
        return out
    }
}
