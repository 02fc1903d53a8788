import Foundation

/// Parsing and printing of PostgreSQL's text forms for numbers, uuid and bytea.
enum TextFormat {
    static func appendInteger(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = buffer.count
        repeat {
            buffer.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        buffer[start...].reverse()
    }

    /// Parses an optionally signed decimal integer; nil on overflow or stray characters.
    static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < bytes.count else { return nil }
        // Accumulate negatively so Int64.min parses without overflow.
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.subtractingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        if negative { return value }
        let (positive, overflow) = Int64(0).subtractingReportingOverflow(value)
        return overflow ? nil : positive
    }

    static func decodeInteger(
        _ bytes: UnsafeBufferPointer<UInt8>, type: PostgresType, accepting types: [PostgresType]
    ) throws -> Int64 {
        guard types.contains(type) else { throw PostgresDecodingError.Reason.typeMismatch }
        guard let value = parseInteger(bytes) else { throw PostgresDecodingError.Reason.malformed("integer") }
        return value
    }

    static func parseDouble(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let text = String(decoding: bytes, as: UTF8.self)
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(text)
        }
    }

    /// Parses numeric text exactly into a Decimal (38 significant digits at most).
    static func parseDecimal(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Decimal {
        let text = String(decoding: bytes, as: UTF8.self)
        if text == "NaN" { return .nan }
        if text == "Infinity" || text == "-Infinity" { throw PostgresDecodingError.Reason.outOfRange }
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(bytes.count)
        var exponent = 0
        var sawPoint = false
        var sawDigit = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard !sawPoint else { throw PostgresDecodingError.Reason.malformed("numeric") }
                sawPoint = true
            } else {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { throw PostgresDecodingError.Reason.malformed("numeric") }
                sawDigit = true
                if sawPoint { exponent -= 1 }
                // Leading zeros carry no information.
                if !(digits.isEmpty && digit == 0) { digits.append(digit) }
            }
            index += 1
        }
        guard sawDigit else { throw PostgresDecodingError.Reason.malformed("numeric") }
        if digits.isEmpty { return Decimal(0) }
        // Trailing zeros become exponent so that large round numbers still fit 38 digits.
        while let last = digits.last, last == 0 {
            digits.removeLast()
            exponent += 1
        }
        guard digits.count <= 38, (-128...127).contains(exponent) else {
            throw PostgresDecodingError.Reason.outOfRange
        }
        // Build the significand in chunks of 18 digits; every step is exact below 10^38.
        var significand = Decimal(0)
        var start = 0
        while start < digits.count {
            let end = min(start + 18, digits.count)
            var chunk: UInt64 = 0
            var scale = Decimal(1)
            for digit in digits[start..<end] {
                chunk = chunk * 10 + UInt64(digit)
                scale *= 10
            }
            significand = significand * scale + Decimal(chunk)
            start = end
        }
        return Decimal(sign: negative ? .minus : .plus, exponent: exponent, significand: significand)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendUUID(_ uuid: UUID, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: uuid.uuid) { raw in
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { buffer.append(UInt8(ascii: "-")) }
                buffer.append(hexDigits[Int(byte >> 4)])
                buffer.append(hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func parseUUID(_ bytes: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard bytes.count == 36 else { return nil }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &raw) { out -> Bool in
            var input = 0
            for output in 0..<16 {
                if input == 8 || input == 13 || input == 18 || input == 23 {
                    guard bytes[input] == UInt8(ascii: "-") else { return false }
                    input += 1
                }
                guard let high = hexValue(bytes[input]), let low = hexValue(bytes[input + 1]) else { return false }
                out[output] = high << 4 | low
                input += 2
            }
            return true
        }
        return ok ? UUID(uuid: raw) : nil
    }

    /// Each byte's value as a hex digit, 0xFF for a byte that is not one (any of the high four bits set).
    private static let hexDigitValues: [UInt8] = (0...255).map { hexValue(UInt8($0)) ?? 0xFF }

    /// Decodes bytea's hex output form (`\x0a1b…`). A download reads a document through here a slice
    /// at a time: one table look-up per digit and one check at the end, not a branch per digit.
    static func parseHexBytea(_ bytes: UnsafeBufferPointer<UInt8>) -> Data? {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"),
              bytes.count % 2 == 0, let input = bytes.baseAddress else { return nil }
        let count = (bytes.count - 2) / 2
        guard count > 0 else { return Data() }
        var data = Data(count: count)
        let valid = hexDigitValues.withUnsafeBufferPointer { values in
            data.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) -> Bool in
                let output = out.bindMemory(to: UInt8.self)
                var digits = input + 2
                var seen: UInt8 = 0
                for index in 0..<count {
                    let high = values[Int(digits[0])], low = values[Int(digits[1])]
                    seen |= high | low
                    output[index] = high << 4 | low
                    digits += 2
                }
                return seen & 0xF0 == 0
            }
        }
        return valid ? data : nil
    }
}
