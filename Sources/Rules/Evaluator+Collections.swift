/// Array operators: `map`, `filter`, `all`, `none`, `some`, `reduce`, `merge` and `in`.
extension Evaluator {
    /// Evaluates `body` once per element with the element as data. A non-array collection acts
    /// as an empty one; `all` of nothing is `false`, as json-logic-js defines it.
    @inline(never)
    mutating func iterate(
        _ kind: IterationOperator, _ collection: Node, _ body: Node, _ climbs: Bool, _ data: JSONValue
    ) throws(RuleError) -> JSONValue {
        guard case .array(let items) = try evaluate(collection, data), !items.isEmpty else {
            switch kind {
            case .map, .filter: return .array([])
            case .all, .some: return .bool(false)
            case .none: return .bool(true)
            }
        }
        scopeDepth += 1
        let frame = frames.count
        if climbs { frames.append(ScopeFrame(detail: .iteration(index: 0), data: data)) }
        var result: JSONValue
        switch kind {
        case .map:
            try checkSize(items.count)
            var mapped: [JSONValue] = []
            mapped.reserveCapacity(items.count)
            for index in items.indices {
                try charge()
                if climbs { frames[frame].detail = .iteration(index: index) }
                mapped.append(try evaluate(body, items[index]))
            }
            result = .array(mapped)
        case .filter:
            var kept: [JSONValue] = []
            for index in items.indices {
                try charge()
                if climbs { frames[frame].detail = .iteration(index: index) }
                if try evaluate(body, items[index]).isTruthy { kept.append(items[index]) }
            }
            result = .array(kept)
        case .all, .none, .some:
            // all stops at the first falsy result; none and some at the first truthy one.
            let stopWhenTruthy = kind != .all
            result = .bool(kind != .some)
            for index in items.indices {
                try charge()
                if climbs { frames[frame].detail = .iteration(index: index) }
                if try evaluate(body, items[index]).isTruthy == stopWhenTruthy {
                    result = .bool(kind == .some)
                    break
                }
            }
        }
        if climbs { frames.removeLast() }
        scopeDepth -= 1
        return result
    }

    /// Folds the collection through `body`, whose data is `{"current": element, "accumulator": sofar}`.
    /// The initial value is evaluated (json-logic-js passes it through unevaluated; for literal
    /// initial values the two agree). When the body can wrap the accumulator in new arrays, the
    /// accumulator's depth is re-measured whenever the growth bound passes the depth limit, so a
    /// fold cannot build a value too deep to release or print.
    @inline(never)
    mutating func reduce(
        _ collection: Node, _ body: Node, _ initial: Node?, _ bodyGrowth: Int, _ climbs: Bool, _ data: JSONValue
    ) throws(RuleError) -> JSONValue {
        let source = try evaluate(collection, data)
        var accumulator = JSONValue.null
        if let initial { accumulator = try evaluate(initial, data) }
        guard case .array(let items) = source, !items.isEmpty else { return accumulator }
        var depthBound = bodyGrowth > 0 ? try measureDepth(accumulator) : 0
        scopeDepth += 1
        if climbs { frames.append(ScopeFrame(detail: .reduction(source), data: data)) }
        // One dictionary for every step, updated in place by index instead of rebuilt and rehashed.
        var scope: [String: JSONValue] = ["current": .null, "accumulator": .null]
        let currentSlot = scope.index(forKey: "current")!
        let accumulatorSlot = scope.index(forKey: "accumulator")!
        for item in items {
            try charge()
            scope.values[currentSlot] = item
            scope.values[accumulatorSlot] = accumulator
            accumulator = .null
            accumulator = try evaluate(body, .object(scope))
            if bodyGrowth > 0 {
                depthBound += bodyGrowth
                if depthBound > maxDepth { depthBound = try measureDepth(accumulator) }
            }
        }
        if climbs { frames.removeLast() }
        scopeDepth -= 1
        return accumulator
    }

    /// Concatenates array arguments and appends the others.
    @inline(never)
    mutating func merge(_ items: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        var merged: [JSONValue] = []
        for item in items {
            let value = try evaluate(item, data)
            if case .array(let elements) = value {
                try charge(elements.count)
                try checkSize(merged.count + elements.count)
                merged.append(contentsOf: elements)
            } else {
                try checkSize(merged.count + 1)
                merged.append(value)
            }
        }
        return .array(merged)
    }

    /// `in`: substring test on strings (the needle converted with `String()`), strict-equality
    /// membership on arrays, `false` for anything else (including `""`, which JavaScript finds falsy).
    @inline(never)
    mutating func contains(_ needleNode: Node, _ haystackNode: Node, _ data: JSONValue) throws(RuleError) -> JSONValue {
        let needle = try evaluate(needleNode, data)
        switch try evaluate(haystackNode, data) {
        case .string(let text):
            guard !text.isEmpty else { return .bool(false) }
            let pattern = try jsString(needle)
            try charge(text.utf8.count / 64)
            return .bool(Self.text(text, contains: pattern))
        case .array(let items):
            try charge(items.count / 8)
            for item in items where strictEquals(item, needle) { return .bool(true) }
            return .bool(false)
        default:
            return .bool(false)
        }
    }

    /// Byte-wise search: UTF-8 substrings match exactly when the code point sequences do.
    static func text(_ text: String, contains pattern: String) -> Bool {
        if pattern.isEmpty { return true }
        var text = text
        var pattern = pattern
        return text.withUTF8 { haystack in
            pattern.withUTF8 { needle in
                guard needle.count <= haystack.count else { return false }
                let first = needle[0]
                var start = 0
                let lastStart = haystack.count - needle.count
                while start <= lastStart {
                    if haystack[start] == first {
                        var offset = 1
                        while offset < needle.count, haystack[start + offset] == needle[offset] { offset += 1 }
                        if offset == needle.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }
}
