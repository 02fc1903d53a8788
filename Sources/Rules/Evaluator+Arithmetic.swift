/// Arithmetic with json-logic-js coercions: `+` and `*` read numbers with `parseFloat`, the
/// others with `Number()`. JSON cannot carry NaN or infinity, so a result that is not a finite
/// number raises `{"type": "NaN"}` (as the community edition does) instead of leaking out.
extension Evaluator {
    @inline(__always)
    private func finite(_ number: Double) throws(RuleError) -> JSONValue {
        guard number.isFinite else { throw RuleError.notANumber }
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

    /// `max`/`min` of no arguments is `null` (JavaScript's ∓Infinity has no JSON form).
    @inline(never)
    mutating func extremum(_ kind: Extremum, _ items: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        guard !items.isEmpty else { return .null }
        var best = kind == .max ? -Double.infinity : Double.infinity
        for item in items {
            let number = Self.toNumber(try evaluate(item, data))
            if number.isNaN { throw RuleError.notANumber }
            best = kind == .max ? Swift.max(best, number) : Swift.min(best, number)
        }
        return try finite(best)
    }
}
