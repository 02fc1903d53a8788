/// Measurements that keep values built during evaluation within the depth and size limits.
extension Evaluator {
    /// The nesting depth of `value` (a scalar is 0), charging a step per container visited.
    /// Throws ``RuleError/tooDeep(limit:)`` as soon as the depth passes the limit.
    mutating func measureDepth(_ value: JSONValue) throws(RuleError) -> Int {
        var deepest = 0
        var pending: [(value: JSONValue, depth: Int)] = [(value, 0)]
        while let (current, depth) = pending.popLast() {
            try charge()
            let children: [JSONValue]
            switch current {
            case .array(let items): children = items
            case .object(let fields): children = Array(fields.values)
            default: continue
            }
            let level = depth + 1
            guard level <= maxDepth else { throw .tooDeep(limit: maxDepth) }
            deepest = max(deepest, level)
            try charge(children.count / 8)
            for child in children {
                switch child {
                case .array, .object: pending.append((child, level))
                default: continue
                }
            }
        }
        return deepest
    }

    /// Rejects a result holding more values than ``RuleLimits/maxCollectionSize``. Values shared
    /// many times count every time, as they would when printed, so the count stops at the limit.
    static func checkResultSize(_ result: JSONValue, limits: RuleLimits) throws(RuleError) {
        switch result {
        case .array, .object: break
        default: return
        }
        var remaining = limits.maxCollectionSize
        var pending: [JSONValue] = [result]
        while let current = pending.popLast() {
            remaining -= 1
            if remaining < 0 { throw .valueTooLarge(limit: limits.maxCollectionSize) }
            switch current {
            case .array(let items):
                if items.count > remaining { throw .valueTooLarge(limit: limits.maxCollectionSize) }
                for item in items {
                    switch item {
                    case .array, .object: pending.append(item)
                    default: remaining -= 1
                    }
                }
            case .object(let fields):
                if fields.count > remaining { throw .valueTooLarge(limit: limits.maxCollectionSize) }
                for field in fields.values {
                    switch field {
                    case .array, .object: pending.append(field)
                    default: remaining -= 1
                    }
                }
            default:
                continue
            }
        }
    }
}
