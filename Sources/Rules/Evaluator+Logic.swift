/// The small, frequent operators: `var`, `if`, `and`, `or`, `??`, equality and ordering, array
/// literals. Each lives in its own function so `evaluate` stays a thin dispatcher with a small
/// stack frame (unoptimized builds give every local of a function its own slot); optimized
/// builds inline them back.
extension Evaluator {
    @inline(__always)
    mutating func variable(_ path: DotPath, _ fallback: Node?, _ data: JSONValue) throws(RuleError) -> JSONValue {
        let found = path.resolve(in: data)
        if recordsReads { record(path.text, found ?? .null) }
        if let found { return found }
        guard let fallback else { return .null }
        return try evaluate(fallback, data)
    }

    @inline(__always)
    mutating func equality(_ kind: EqualityOperator, _ left: Node, _ right: Node, _ data: JSONValue) throws(RuleError) -> JSONValue {
        let a = try evaluate(left, data)
        let b = try evaluate(right, data)
        switch kind {
        case .loose: return .bool(try looseEquals(a, b))
        case .looseNot: return .bool(!(try looseEquals(a, b)))
        case .strict: return .bool(strictEquals(a, b))
        case .strictNot: return .bool(!strictEquals(a, b))
        }
    }

    @inline(__always)
    mutating func comparison(_ kind: ComparisonOperator, _ left: Node, _ right: Node, _ data: JSONValue) throws(RuleError) -> JSONValue {
        let a = try evaluate(left, data)
        let b = try evaluate(right, data)
        return .bool(try holds(kind, a, b))
    }

    /// `a < b < c`: all three are evaluated first, as json-logic-js evaluates arguments eagerly.
    @inline(__always)
    mutating func between(
        _ kind: ComparisonOperator, _ first: Node, _ second: Node, _ third: Node, _ data: JSONValue
    ) throws(RuleError) -> JSONValue {
        let a = try evaluate(first, data)
        let b = try evaluate(second, data)
        let c = try evaluate(third, data)
        guard try holds(kind, a, b) else { return .bool(false) }
        return .bool(try holds(kind, b, c))
    }

    /// `and`: the first falsy operand, or the last one.
    @inline(__always)
    mutating func firstFalsy(_ items: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        var current = JSONValue.null
        for item in items {
            current = try evaluate(item, data)
            if !current.isTruthy { return current }
        }
        return current
    }

    /// `or`: the first truthy operand, or the last one.
    @inline(__always)
    mutating func firstTruthy(_ items: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        var current = JSONValue.null
        for item in items {
            current = try evaluate(item, data)
            if current.isTruthy { return current }
        }
        return current
    }

    /// `??`: the first operand that is not `null`.
    @inline(__always)
    mutating func coalesce(_ items: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        for item in items {
            let value = try evaluate(item, data)
            if case .null = value { continue }
            return value
        }
        return .null
    }

    @inline(__always)
    mutating func array(_ items: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        var values: [JSONValue] = []
        values.reserveCapacity(items.count)
        for item in items { values.append(try evaluate(item, data)) }
        return .array(values)
    }

    /// `if`/`?:`: the first truthy condition's consequent, else the trailing else, else `null`.
    @inline(never)
    mutating func condition(_ items: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        var index = 0
        while index + 1 < items.count {
            if try evaluate(items[index], data).isTruthy {
                return try evaluate(items[index + 1], data)
            }
            index += 2
        }
        if index < items.count { return try evaluate(items[index], data) }
        return .null
    }
}
