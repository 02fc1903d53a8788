/// JavaScript's `Number.prototype.toString()` for doubles, which `cat`, `in`, `var` paths and
/// JSON output all rely on: `1` not `1.0`, `1e+21`, `1e-7`, `0.000001`, `-0` as `0`.
enum JSNumberFormat {
    static func string(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        // Integers below 2^53 print exactly as their digits.
        if abs(value) < 9_007_199_254_740_992, value == Double(Int64(value)) {
            return String(Int64(value))
        }
        if value < 0 { return "-" + string(-value) }
        let (digits, pointPosition) = shortestDigits(value)
        return layout(digits: digits, pointPosition: pointPosition)
    }

    /// The shortest round-tripping decimal digits of a positive double and where the decimal point
    /// goes (the value is `0.d1d2...dk × 10^pointPosition`). Swift's `description` already computes
    /// the shortest digits; this only reads them back out of its layout.
    private static func shortestDigits(_ value: Double) -> (digits: [UInt8], pointPosition: Int) {
        var digits: [UInt8] = []
        var pointPosition = 0
        var seenPoint = false
        var exponent = 0
        var exponentSign = 1
        var inExponent = false
        for byte in value.description.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inExponent {
                    exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
                } else {
                    digits.append(byte)
                    if !seenPoint { pointPosition += 1 }
                }
            case UInt8(ascii: "."): seenPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "-"): if inExponent { exponentSign = -1 }
            default: break
            }
        }
        pointPosition += exponentSign * exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            pointPosition -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, pointPosition)
    }

    /// ECMAScript Number::toString layout rules for digits `d1...dk` and point position `n`.
    private static func layout(digits: [UInt8], pointPosition n: Int) -> String {
        let k = digits.count
        var out: [UInt8] = []
        out.reserveCapacity(k + 8)
        if k <= n && n <= 21 {
            out.append(contentsOf: digits)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n - k))
        } else if 0 < n && n <= 21 {
            out.append(contentsOf: digits[0..<n])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[n...])
        } else if -6 < n && n <= 0 {
            out.append(contentsOf: Array("0.".utf8))
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -n))
            out.append(contentsOf: digits)
        } else {
            out.append(digits[0])
            if k > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[1...])
            }
            out.append(UInt8(ascii: "e"))
            out.append(n - 1 >= 0 ? UInt8(ascii: "+") : UInt8(ascii: "-"))
            out.append(contentsOf: Array(String(abs(n - 1)).utf8))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
