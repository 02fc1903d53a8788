import OpenAPIRuntime
import Rules

/// Free-form JSON as the generated types hold it (`OpenAPIValueContainer`) and as rules read it (`JSONValue`).
enum RuleJSON {
    static func value(_ container: OpenAPIValueContainer?) -> JSONValue {
        value(of: container?.value)
    }

    static func value(of item: (any Sendable)?) -> JSONValue {
        switch item {
        case nil: return .null
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .number(Double(number))
        case let number as Double: return .number(number)
        case let text as String: return .string(text)
        case let items as [(any Sendable)?]: return .array(items.map(value(of:)))
        case let fields as [String: (any Sendable)?]: return .object(fields.mapValues(value(of:)))
        default: return .null
        }
    }

    static func container(_ value: JSONValue) -> OpenAPIValueContainer {
        // Every case maps to a type the container accepts, so validation cannot fail.
        (try? OpenAPIValueContainer(unvalidatedValue: item(value))) ?? nil
    }

    /// Integral numbers become `Int` so they are written as JavaScript writes them (`3`, not `3.0`);
    /// NaN and ±Infinity, which JSON cannot hold, become `null`, as `JSON.stringify` writes them.
    static func item(_ value: JSONValue) -> (any Sendable)? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        case .number(let number):
            if !number.isFinite { return nil }
            if number.rounded() == number, abs(number) <= 9_007_199_254_740_992 { return Int(number) }
            return number
        case .string(let text): return text
        case .array(let items): return items.map(item)
        case .object(let fields): return fields.mapValues(item)
        }
    }
}
