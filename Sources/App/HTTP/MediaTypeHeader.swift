/// A `Content-Type` value read as RFC 9110 §8.3.1 writes it: `type/subtype` tokens, then
/// `; name=value` parameters whose value is a token or a quoted string (`\` quoting the next
/// character). Empty parameters (`;;`) are allowed, as in the grammar; anything else that breaks it
/// (`charset` without a value, an unterminated quote) makes the whole value unreadable.
struct MediaTypeHeader {
    /// `type/subtype`, lower-cased.
    var essence: String
    /// Names lower-cased, values unquoted and as given.
    var parameters: [(name: String, value: String)]

    init?(_ header: String) {
        var bytes = Array(header.utf8)[...]
        func skipBlanks() { while let byte = bytes.first, byte == 0x20 || byte == 0x09 { bytes.removeFirst() } }
        func token() -> String? {
            let end = bytes.firstIndex { !Self.isTokenByte($0) } ?? bytes.endIndex
            guard end > bytes.startIndex else { return nil }
            defer { bytes = bytes[end...] }
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
        skipBlanks()
        guard let type = token(), bytes.first == UInt8(ascii: "/") else { return nil }
        bytes.removeFirst()
        guard let subtype = token() else { return nil }
        essence = "\(type)/\(subtype)".lowercased()
        parameters = []
        while true {
            skipBlanks()
            guard let next = bytes.first else { break }
            guard next == UInt8(ascii: ";") else { return nil }
            bytes.removeFirst()
            skipBlanks()
            // `;;` and a trailing `;` are empty parameters.
            guard let first = bytes.first, first != UInt8(ascii: ";") else { continue }
            guard let name = token(), bytes.first == UInt8(ascii: "=") else { return nil }
            bytes.removeFirst()
            let value: String
            if bytes.first == UInt8(ascii: "\"") {
                bytes.removeFirst()
                var text: [UInt8] = []
                var closed = false
                while let byte = bytes.popFirst() {
                    if byte == UInt8(ascii: "\"") { closed = true; break }
                    if byte == UInt8(ascii: "\\") {
                        guard let quoted = bytes.popFirst(), Self.isQuotedTextByte(quoted) else { return nil }
                        text.append(quoted)
                    } else {
                        guard Self.isQuotedTextByte(byte) else { return nil }
                        text.append(byte)
                    }
                }
                guard closed else { return nil }
                value = String(decoding: text, as: UTF8.self)
            } else {
                guard let text = token() else { return nil }
                value = text
            }
            parameters.append((name.lowercased(), value))
        }
    }

    /// `tchar`: visible ASCII other than delimiters.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7f && !"\"(),/:;<=>?@[\\]{}".utf8.contains(byte)
    }

    /// `qdtext` and what a quoted pair may quote: tab, visible ASCII, space (obsolete text is not taken).
    private static func isQuotedTextByte(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte < 0x7f)
    }
}
