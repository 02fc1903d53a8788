/// Arithmetic with json-logic-js coercions: `+` and `*` read numbers with `parseFloat`, the
/// others with `Number()`. A result that is not a finite number is a value, as in json-logic-js,
/// unless the rule follows the community edition, which raises `{"type": "NaN"}` (see
/// ``JSONLogicEdition``).
extension Evaluator {
    @inline(__always)
    private func finite(_ number: Double) throws(RuleError) -> JSONValue {
        if raisesNonFinite, !number.isFinite { throw RuleError.notANumber }
        return .number(number)
    }

    @inline(never)
    mutating func add(_ items: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        var total = 0.0
        for item in items {
            let value = try evaluate(item, data)
            if case .number(let number) = value {
                total += number
            } else {
                total += try parseFloatValue(value)
            }
        }
        return try finite(total)
    }

    /// With one argument, json-logic-js returns it untouched (a reduce with no callback call).
    @inline(never)
    mutating func multiply(_ items: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        let first = try evaluate(items[0], data)
        if items.count == 1 { return first }
        var product = try parseFloatValue(first)
        for item in items.dropFirst() {
            product *= try parseFloatValue(evaluate(item, data))
        }
        return try finite(product)
    }

    /// One argument negates; two subtract.
    @inline(never)
    mutating func subtract(_ left: Node, _ right: Node?, _ data: JSONValue) throws(RuleError) -> JSONValue {
        let a = Self.toNumber(try evaluate(left, data))
        guard let right else { return try finite(-a) }
        return try finite(a - Self.toNumber(evaluate(right, data)))
    }

    @inline(never)
    mutating func divide(_ left: Node, _ right: Node, _ data: JSONValue) throws(RuleError) -> JSONValue {
        let a = Self.toNumber(try evaluate(left, data))
        let b = Self.toNumber(try evaluate(right, data))
        return try finite(a / b)
    }

    /// JavaScript's `%` keeps the sign of the dividend, like `truncatingRemainder`.
    @inline(never)
    mutating func remainder(_ left: Node, _ right: Node, _ data: JSONValue) throws(RuleError) -> JSONValue {
        let a = Self.toNumber(try evaluate(left, data))
        let b = Self.toNumber(try evaluate(right, data))
        return try finite(a.truncatingRemainder(dividingBy: b))
    }

    /// `Math.max`/`Math.min`: NaN if any argument is NaN, +0 above -0; of no arguments,
    /// -Infinity/Infinity (`null` in the community edition, which has no such value).
    @inline(never)
    mutating func extremum(_ kind: Extremum, _ items: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        if items.isEmpty, raisesNonFinite { return .null }
        var best = kind == .max ? -Double.infinity : Double.infinity
        // Every argument is evaluated, as json-logic-js evaluates them all before calling `Math`.
        for item in items {
            let number = Self.toNumber(try evaluate(item, data))
            if number.isNaN || best.isNaN {
                best = .nan
            } else if number == best {
                // Only zeros of opposite signs are equal yet differ: max prefers +0, min -0.
                if (kind == .max) == (number.sign == .plus) { best = number }
            } else {
                best = (kind == .max) == (number > best) ? number : best
            }
        }
        return try finite(best)
    }
}
