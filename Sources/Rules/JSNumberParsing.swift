/// JavaScript's two ways of reading a number from text: `Number("...")` (the whole string must be
/// a number, blank means 0) and `parseFloat("...")` (the longest numeric prefix, else NaN).
enum JSNumberParsing {
    /// `Number(text)`: trims JavaScript whitespace; accepts decimal, `Infinity` and `0x`/`0o`/`0b` forms.
    static func number(from text: String) -> Double {
        var text = text
        return text.withUTF8 { bytes in
            var start = 0
            var end = bytes.count
            while start < end, let width = whitespaceWidth(bytes, at: start) { start += width }
            while start < end, let width = trailingWhitespaceWidth(bytes, endingAt: end) { end -= width }
            if start == end { return 0 }
            if let radixValue = radixInteger(bytes, start, end) { return radixValue }
            var cursor = start
            var negative = false
            if bytes[cursor] == UInt8(ascii: "+") || bytes[cursor] == UInt8(ascii: "-") {
                negative = bytes[cursor] == UInt8(ascii: "-")
                cursor += 1
            }
            if matches(bytes, cursor, end, "Infinity"), cursor + 8 == end {
                return negative ? -.infinity : .infinity
            }
            guard cursor < end, decimalLiteralEnd(bytes, from: cursor, to: end) == end else { return .nan }
            return decimalValue(bytes, start, end)
        }
    }

    /// `parseFloat(text)`: skips leading whitespace, then reads the longest decimal prefix.
    static func parseFloat(_ text: String) -> Double {
        var text = text
        return text.withUTF8 { bytes in
            var start = 0
            let end = bytes.count
            while start < end, let width = whitespaceWidth(bytes, at: start) { start += width }
            var cursor = start
            var negative = false
            if cursor < end, bytes[cursor] == UInt8(ascii: "+") || bytes[cursor] == UInt8(ascii: "-") {
                negative = bytes[cursor] == UInt8(ascii: "-")
                cursor += 1
            }
            if matches(bytes, cursor, end, "Infinity") { return negative ? -.infinity : .infinity }
            guard cursor < end else { return .nan }
            let literalEnd = decimalLiteralEnd(bytes, from: cursor, to: end)
            guard literalEnd > cursor else { return .nan }
            return decimalValue(bytes, start, literalEnd)
        }
    }

    /// Where `digits [. digits] [e[+-]digits]` (or `. digits ...`) starting at `from` ends;
    /// `from` itself when there is no such literal. An exponent without digits is not consumed.
    private static func decimalLiteralEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Int {
        var cursor = from
        var integerDigits = 0
        while cursor < end, isDigit(bytes[cursor]) {
            cursor += 1
            integerDigits += 1
        }
        var fractionDigits = 0
        if cursor < end, bytes[cursor] == UInt8(ascii: ".") {
            var afterPoint = cursor + 1
            while afterPoint < end, isDigit(bytes[afterPoint]) {
                afterPoint += 1
                fractionDigits += 1
            }
            if integerDigits > 0 || fractionDigits > 0 { cursor = afterPoint }
        }
        guard integerDigits > 0 || fractionDigits > 0 else { return from }
        if cursor < end, bytes[cursor] == UInt8(ascii: "e") || bytes[cursor] == UInt8(ascii: "E") {
            var exponent = cursor + 1
            if exponent < end, bytes[exponent] == UInt8(ascii: "+") || bytes[exponent] == UInt8(ascii: "-") {
                exponent += 1
            }
            let digitsStart = exponent
            while exponent < end, isDigit(bytes[exponent]) { exponent += 1 }
            if exponent > digitsStart { cursor = exponent }
        }
        return cursor
    }

    /// Converts an already validated decimal literal (with optional sign) with correct rounding.
    private static func decimalValue(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        if let value = Double(text) { return value }
        // The double parser may reject a point with no digits after it ("5.", "5.e3"); drop that point.
        var repaired: [UInt8] = []
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
        for (offset, byte) in slice.enumerated() {
            let next = offset + 1 < slice.count ? slice[offset + 1] : nil
            if byte == UInt8(ascii: "."), next == nil || !isDigit(next!) { continue }
            repaired.append(byte)
        }
        return Double(String(decoding: repaired, as: UTF8.self)) ?? .nan
    }

    /// `0x1F`, `0o17`, `0b101` (no sign allowed, as in JavaScript); `nil` when not of that form.
    private static func radixInteger(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        guard end - start > 2, bytes[start] == UInt8(ascii: "0") else { return nil }
        let radix: Double
        switch bytes[start + 1] | 0x20 {
        case UInt8(ascii: "x"): radix = 16
        case UInt8(ascii: "o"): radix = 8
        case UInt8(ascii: "b"): radix = 2
        default: return nil
        }
        var value = 0.0
        for index in (start + 2)..<end {
            let byte = bytes[index]
            let digit: Double
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Double(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Double(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Double(byte - UInt8(ascii: "A") + 10)
            default: return .nan
            }
            guard digit < radix else { return .nan }
            value = value * radix + digit
        }
        return value
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int, _ end: Int, _ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard at + length <= end else { return false }
        let wordBytes = word.utf8Start
        for offset in 0..<length where bytes[at + offset] != wordBytes[offset] { return false }
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The UTF-8 width of the JavaScript whitespace or line terminator starting at `index`, if any.
    private static func whitespaceWidth(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let remaining = bytes.count - index
        let first = bytes[index]
        switch first {
        case 0x09...0x0D, 0x20: return 1
        case 0xC2 where remaining >= 2 && bytes[index + 1] == 0xA0: return 2
        case 0xE1, 0xE2, 0xE3, 0xEF:
            guard remaining >= 3 else { return nil }
            return isWideWhitespace(first, bytes[index + 1], bytes[index + 2]) ? 3 : nil
        default: return nil
        }
    }

    private static func trailingWhitespaceWidth(_ bytes: UnsafeBufferPointer<UInt8>, endingAt end: Int) -> Int? {
        let last = bytes[end - 1]
        if last < 0x80 { return (0x09...0x0D).contains(last) || last == 0x20 ? 1 : nil }
        if end >= 2, bytes[end - 2] == 0xC2, last == 0xA0 { return 2 }
        if end >= 3, isWideWhitespace(bytes[end - 3], bytes[end - 2], last) { return 3 }
        return nil
    }

    /// U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 and U+FEFF in UTF-8.
    private static func isWideWhitespace(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
        switch (a, b) {
        case (0xE1, 0x9A): return c == 0x80
        case (0xE2, 0x80): return (0x80...0x8A).contains(c) || c == 0xA8 || c == 0xA9 || c == 0xAF
        case (0xE2, 0x81): return c == 0x9F
        case (0xE3, 0x80): return c == 0x80
        case (0xEF, 0xBB): return c == 0xBF
        default: return false
        }
    }
}
