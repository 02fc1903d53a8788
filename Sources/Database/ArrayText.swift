/// PostgreSQL's one-dimensional array literal text form: `{a,"b c",NULL,"x\"y"}`.
enum ArrayText {
    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    private static let comma = UInt8(ascii: ",")
    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")

    /// Every element is quoted, so no element text can be mistaken for syntax or NULL.
    static func encode<Element: PostgresArrayElement>(_ elements: [Element], into buffer: inout [UInt8]) {
        buffer.append(openBrace)
        var scratch: [UInt8] = []
        for (index, element) in elements.enumerated() {
            if index > 0 { buffer.append(comma) }
            if element.isPostgresNull {
                buffer.append(contentsOf: "NULL".utf8)
                continue
            }
            scratch.removeAll(keepingCapacity: true)
            element.encodePostgres(into: &scratch)
            buffer.append(quote)
            for byte in scratch {
                if byte == quote || byte == backslash { buffer.append(backslash) }
                buffer.append(byte)
            }
            buffer.append(quote)
        }
        buffer.append(closeBrace)
    }

    static func decode<Element: PostgresArrayElement>(
        _ bytes: UnsafeBufferPointer<UInt8>, elementType: PostgresType
    ) throws -> [Element] {
        let malformed = PostgresDecodingError.Reason.malformed("array")
        var index = 0
        func current() throws -> UInt8 {
            guard index < bytes.count else { throw malformed }
            return bytes[index]
        }
        // Arrays with non-default lower bounds are printed as "[0:2]={…}".
        if try current() == UInt8(ascii: "[") {
            while try current() != UInt8(ascii: "=") { index += 1 }
            index += 1
        }
        guard try current() == openBrace else { throw malformed }
        index += 1
        var result: [Element] = []
        if try current() == closeBrace {
            guard index + 1 == bytes.count else { throw malformed }
            return result
        }
        var scratch: [UInt8] = []
        while true {
            let first = try current()
            if first == openBrace {
                throw PostgresDecodingError.Reason.malformed("multidimensional arrays are not supported")
            }
            if first == quote {
                index += 1
                scratch.removeAll(keepingCapacity: true)
                while true {
                    var byte = try current()
                    if byte == quote { break }
                    if byte == backslash {
                        index += 1
                        byte = try current()
                    }
                    scratch.append(byte)
                    index += 1
                }
                index += 1
                result.append(try scratch.withUnsafeBufferPointer { try Element(postgresText: $0, type: elementType) })
            } else {
                let start = index
                while try current() != comma && current() != closeBrace { index += 1 }
                let element = UnsafeBufferPointer(rebasing: bytes[start..<index])
                if isNull(element) {
                    guard let null = Element.postgresNull else { throw PostgresDecodingError.Reason.unexpectedNull }
                    result.append(null)
                } else {
                    result.append(try Element(postgresText: element, type: elementType))
                }
            }
            let separator = try current()
            index += 1
            if separator == closeBrace { break }
            guard separator == comma else { throw malformed }
        }
        guard index == bytes.count else { throw malformed }
        return result
    }

    /// An unquoted NULL (any case) is SQL NULL; a quoted "NULL" is the string.
    private static func isNull(_ element: UnsafeBufferPointer<UInt8>) -> Bool {
        guard element.count == 4 else { return false }
        return zip(element, "NULL".utf8).allSatisfy { $0 & 0xDF == $1 }
    }
}
