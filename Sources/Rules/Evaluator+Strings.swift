/// String operators: `cat` and `substr`, with JavaScript's conversions and UTF-16 positions.
extension Evaluator {
    /// `cat` joins its arguments like `Array.prototype.join("")`: `null` adds nothing, numbers
    /// print as JavaScript prints them, arrays as their comma-joined elements.
    @inline(never)
    mutating func concatenate(_ items: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        var text = ""
        for item in items {
            switch try evaluate(item, data) {
            case .null: break
            case .string(let part): text.append(part)
            case .array(let elements): try appendJoined(elements, to: &text, level: 1)
            case let other: text.append(try jsString(other))
            }
            try checkSize(text.utf8.count)
        }
        return .string(text)
    }

    /// `substr(source, start, length)`: negative `start` counts from the end; a negative
    /// `length` stops that many characters before the end (json-logic-js emulating PHP).
    @inline(never)
    mutating func substring(
        _ sourceNode: Node, _ startNode: Node, _ lengthNode: Node?, _ data: JSONValue
    ) throws(RuleError) -> JSONValue {
        let source = try evaluate(sourceNode, data)
        let startValue = try evaluate(startNode, data)
        let lengthValue = try lengthNode.map { node throws(RuleError) in try evaluate(node, data) }
        let text = try jsString(source)
        try charge(text.utf8.count / 64)
        // ASCII text has one UTF-16 unit per byte, so it can be sliced without transcoding.
        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        let units = isASCII ? [] : Array(text.utf16)
        let count = isASCII ? text.utf8.count : units.count
        let from = Self.clampedStart(startValue, count: count)
        let available = count - from
        var length = available
        if let lengthValue {
            if try holds(.less, lengthValue, .number(0)) {
                // json-logic-js computes `rest.length + end`, which concatenates when `end` is not a number.
                let sum: Double
                if case .number(let number) = lengthValue {
                    sum = Double(available) + number
                } else {
                    sum = Self.toNumber(.string(String(available) + (try jsString(lengthValue))))
                }
                length = Self.clamp(Self.integer(sum), 0, available)
            } else {
                length = Self.clamp(Self.integer(Self.toNumber(lengthValue)), 0, available)
            }
        }
        if isASCII {
            let utf8 = text.utf8
            let lower = utf8.index(utf8.startIndex, offsetBy: from)
            let upper = utf8.index(lower, offsetBy: length)
            return .string(String(text[lower..<upper]))
        }
        return .string(String(decoding: units[from..<(from + length)], as: UTF16.self))
    }

    /// `ToIntegerOrInfinity`: NaN is 0, fractions truncate toward zero.
    private static func integer(_ number: Double) -> Double {
        if number.isNaN { return 0 }
        // Doubles this large are already integers (and may not fit an Int64).
        if abs(number) >= 9_007_199_254_740_992 { return number }
        return Double(Int64(number))
    }

    private static func clamp(_ number: Double, _ low: Int, _ high: Int) -> Int {
        if number <= Double(low) { return low }
        if number >= Double(high) { return high }
        return Int(number)
    }

    private static func clampedStart(_ value: JSONValue, count: Int) -> Int {
        let start = integer(toNumber(value))
        if start < 0 { return clamp(Double(count) + start, 0, count) }
        return clamp(start, 0, count)
    }
}
