/// JavaScript's implicit conversions and comparisons, restricted to JSON values, as json-logic-js
/// relies on them.
///
/// JavaScript compares arrays and objects by identity. Here two arrays or objects are "the same
/// object" when they share storage: reading the same fact twice gives the same object, as in
/// JavaScript, while arrays written in the rule or built by operators are new each time. Empty
/// arrays and objects share one storage in Swift, so they never count as the same object
/// (`{"==": [{"var": "tags"}, []]}` is `false`, as in JavaScript).
extension Evaluator {
    /// `Number(value)`.
    static func toNumber(_ value: JSONValue) -> Double {
        switch value {
        case .null: return 0
        case .bool(let flag): return flag ? 1 : 0
        case .number(let number): return number
        case .string(let text): return JSNumberParsing.number(from: text)
        case .object: return .nan
        case .array:
            // An array becomes its joined text: empty is 0, two or more elements contain a comma (NaN),
            // and a single element is that element's text, so only the innermost element matters.
            var current = value
            while case .array(let items) = current {
                if items.isEmpty { return 0 }
                if items.count > 1 { return .nan }
                current = items[0]
            }
            switch current {
            case .null: return 0
            case .bool, .object: return .nan
            default: return toNumber(current)
            }
        }
    }

    /// `String(value)`: `null` is `"null"`, arrays join their elements with commas.
    mutating func jsString(_ value: JSONValue) throws(RuleError) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return JSNumberFormat.string(number)
        case .string(let text): return text
        case .object: return "[object Object]"
        case .array(let items):
            var text = ""
            try appendJoined(items, to: &text, level: 1)
            return text
        }
    }

    /// `Array.prototype.join(",")`, where `null` elements print as nothing.
    mutating func appendJoined(_ items: [JSONValue], to text: inout String, level: Int) throws(RuleError) {
        guard level <= maxDepth else { throw .tooDeep(limit: maxDepth) }
        try charge(items.count)
        for index in items.indices {
            if index > 0 { text.append(",") }
            switch items[index] {
            case .null: break
            case .string(let element): text.append(element)
            case .array(let inner): try appendJoined(inner, to: &text, level: level + 1)
            default: text.append(try jsString(items[index]))
            }
            try checkSize(text.utf8.count)
        }
    }

    /// `parseFloat(value)`: the leading number of the value's text, NaN if there is none.
    mutating func parseFloatValue(_ value: JSONValue) throws(RuleError) -> Double {
        switch value {
        case .number(let number): return number
        case .string(let text): return JSNumberParsing.parseFloat(text)
        case .null, .bool, .object: return .nan
        case .array: return JSNumberParsing.parseFloat(try jsString(value))
        }
    }

    /// Arrays and objects as the primitive JavaScript compares them by (`ToPrimitive`).
    private mutating func primitive(_ value: JSONValue) throws(RuleError) -> JSONValue {
        switch value {
        case .array, .object: return .string(try jsString(value))
        default: return value
        }
    }

    /// `a == b`.
    mutating func looseEquals(_ a: JSONValue, _ b: JSONValue) throws(RuleError) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return Self.sameText(x, y)
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        case (.array(let x), .array(let y)): return Self.sameInstance(x, y)
        case (.object(let x), .object(let y)): return Self.sameInstance(x, y)
        case (.array, .object), (.object, .array): return false
        case (.bool(let x), _): return try looseEquals(.number(x ? 1 : 0), b)
        case (_, .bool(let y)): return try looseEquals(a, .number(y ? 1 : 0))
        case (.number(let x), .string(let y)): return x == JSNumberParsing.number(from: y)
        case (.string(let x), .number(let y)): return JSNumberParsing.number(from: x) == y
        case (.array, _), (.object, _): return try looseEquals(primitive(a), b)
        case (_, .array), (_, .object): return try looseEquals(a, primitive(b))
        }
    }

    /// `a === b`.
    func strictEquals(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return Self.sameText(x, y)
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.array(let x), .array(let y)): return Self.sameInstance(x, y)
        case (.object(let x), .object(let y)): return Self.sameInstance(x, y)
        default: return false
        }
    }

    /// Whether two arrays are one JavaScript object: the same non-empty storage.
    static func sameInstance(_ x: [JSONValue], _ y: [JSONValue]) -> Bool {
        guard !x.isEmpty, x.count == y.count else { return false }
        return x.withUnsafeBufferPointer { first in
            y.withUnsafeBufferPointer { second in first.baseAddress == second.baseAddress }
        }
    }

    /// Whether two objects are one JavaScript object: the same non-empty storage. A dictionary is
    /// a single storage reference; its bits are compared without retaining anything.
    static func sameInstance(_ x: [String: JSONValue], _ y: [String: JSONValue]) -> Bool {
        guard !x.isEmpty, x.count == y.count,
              MemoryLayout<[String: JSONValue]>.size == MemoryLayout<UInt>.size else { return false }
        return unsafeBitCast(x, to: UInt.self) == unsafeBitCast(y, to: UInt.self)
    }

    /// JavaScript compares strings by code units, not by Unicode canonical equivalence.
    static func sameText(_ x: String, _ y: String) -> Bool {
        x.utf8.count == y.utf8.count && x.utf8.elementsEqual(y.utf8)
    }

    /// The abstract relational comparison: strings by UTF-16 code units when both sides are
    /// (or become) strings, numbers otherwise; `nil` when a side is NaN, which makes every
    /// comparison false.
    mutating func order(_ a: JSONValue, _ b: JSONValue) throws(RuleError) -> Ordering? {
        if case .number(let x) = a, case .number(let y) = b { return Self.order(x, y) }
        let left = try primitive(a)
        let right = try primitive(b)
        if case .string(let x) = left, case .string(let y) = right {
            if Self.sameText(x, y) { return .equal }
            return x.utf16.lexicographicallyPrecedes(y.utf16) ? .less : .greater
        }
        return Self.order(Self.toNumber(left), Self.toNumber(right))
    }

    private static func order(_ x: Double, _ y: Double) -> Ordering? {
        if x < y { return .less }
        if x > y { return .greater }
        if x == y { return .equal }
        return nil
    }

    /// Whether `a <op> b` holds.
    mutating func holds(_ kind: ComparisonOperator, _ a: JSONValue, _ b: JSONValue) throws(RuleError) -> Bool {
        guard let ordering = try order(a, b) else { return false }
        switch kind {
        case .less: return ordering == .less
        case .lessOrEqual: return ordering != .greater
        case .greater: return ordering == .greater
        case .greaterOrEqual: return ordering != .less
        }
    }
}

enum Ordering {
    case less, equal, greater
}
