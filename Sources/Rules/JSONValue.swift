/// A JSON value: the input facts, the rules themselves and every evaluation result.
///
/// Numbers are IEEE doubles, as in JavaScript, so `1` and `1.0` are the same value.
/// Objects are unordered; ``jsonText`` writes their keys sorted so output is stable.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// JSON Logic truthiness: `false`, `0`, `NaN`, `""`, `null` and `[]` are falsy; everything else,
    /// including `{}` and `"0"`, is truthy.
    @inlinable
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let flag): return flag
        case .number(let number): return number != 0 && !number.isNaN
        case .string(let text): return !text.isEmpty
        case .array(let items): return !items.isEmpty
        case .object: return true
        }
    }
}

/// The truthiness rule of JSON Logic, as a free-standing function for callers that prefer it.
public enum Truthiness {
    /// Whether `value` counts as true in conditions (`if`, `and`, `or`, `!`, `filter`, ...).
    @inlinable
    public static func isTruthy(_ value: JSONValue) -> Bool { value.isTruthy }
}

extension JSONValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .number(value) }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        // Later duplicates win, matching JSON.parse.
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text of the value.
    public var description: String { jsonText }
}
