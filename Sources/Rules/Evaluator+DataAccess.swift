/// The operators that read the data: `var` (json-logic-js), `val` and `exists` (community
/// edition), `missing` and `missing_some`.
extension Evaluator {
    /// The `var` path a value denotes: `null` and `""` mean the whole data; anything else is
    /// converted with `String(...)` and split on dots.
    mutating func dotPath(for pathValue: JSONValue) throws(RuleError) -> DotPath {
        switch pathValue {
        case .null: return DotPath("")
        case .string(let text): return DotPath(text)
        default:
            let text = try jsString(pathValue)
            // Only a literal "" or null means the whole data; `[]` converts to "" but is a key.
            return text.isEmpty ? DotPath(text: "", keys: [PathKey("")]) : DotPath(text)
        }
    }

    /// A `val`/`exists` path from its components: a leading one-element array climbs scopes,
    /// `null` components are skipped, other components are keys (numbers index arrays).
    mutating func componentPath(for components: [JSONValue]) throws(RuleError) -> ComponentPath {
        var rest = components[...]
        var climb = 0
        if case .array(let spec)? = rest.first, spec.count == 1 {
            let levels = abs(Self.toNumber(spec[0]))
            climb = levels.isFinite ? Int(min(levels, 1_000_000)) : 0
            rest = rest.dropFirst()
        }
        var keys = ContiguousArray<PathKey>()
        for component in rest {
            switch component {
            case .null: continue
            case .string(let text): keys.append(PathKey(text))
            default: keys.append(PathKey(try jsString(component)))
            }
        }
        return ComponentPath(climb: climb, keys: keys)
    }

    /// The value `climb` levels up: odd levels are a frame's detail, even levels its data.
    func climbed(_ climb: Int) -> JSONValue {
        let frameOffset = (climb + 1) / 2
        guard frameOffset <= frames.count else { return .null }
        let frame = frames[frames.count - frameOffset]
        return climb % 2 == 1 ? frame.detail.value : frame.data
    }

    mutating func readValue(_ path: ComponentPath, _ data: JSONValue) throws(RuleError) -> JSONValue {
        if path.climb > 0 { return path.resolve(from: climbed(path.climb)) }
        let value = path.resolve(from: data)
        if recordsReads { record(path.text, value) }
        return value
    }

    @inline(never)
    mutating func dynamicValue(_ components: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        var values: [JSONValue] = []
        for component in components { values.append(try evaluate(component, data)) }
        return try readValue(componentPath(for: values), data)
    }

    @inline(never)
    mutating func exists(_ components: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        var values: [JSONValue] = []
        for component in components { values.append(try evaluate(component, data)) }
        return exists(try componentPath(for: values), data)
    }

    mutating func exists(_ path: ComponentPath, _ data: JSONValue) -> JSONValue {
        let start = path.climb > 0 ? climbed(path.climb) : data
        let present = path.isPresent(from: start)
        if path.climb == 0, recordsReads { record(path.text, present ? path.resolve(from: start) : .null) }
        return .bool(present)
    }

    @inline(never)
    mutating func dynamicVariable(_ pathNode: Node, _ fallback: Node?, _ data: JSONValue) throws(RuleError) -> JSONValue {
        let path = try dotPath(for: evaluate(pathNode, data))
        let found = path.resolve(in: data)
        if recordsReads { record(path.text, found ?? .null) }
        if let found { return found }
        guard let fallback else { return .null }
        return try evaluate(fallback, data)
    }

    /// The `missing` key for `key`: an array key is a path with a default, as when json-logic-js
    /// applies `{"var": key}`.
    mutating func missingKey(_ key: JSONValue) throws(RuleError) -> MissingKey {
        guard case .array(let parts) = key else { return MissingKey(key: key, path: try dotPath(for: key), fallback: nil) }
        var fallback: JSONValue?
        if parts.count > 1 { fallback = parts[1] }
        return MissingKey(key: key, path: try dotPath(for: parts.first ?? .null), fallback: fallback)
    }

    /// `missing` takes its keys from a single array argument, or from all its arguments.
    mutating func missingKeys(forArguments values: [JSONValue]) throws(RuleError) -> ContiguousArray<MissingKey> {
        let keys: [JSONValue]
        if case .array(let list)? = values.first { keys = list } else { keys = values }
        var resolved = ContiguousArray<MissingKey>()
        resolved.reserveCapacity(keys.count)
        for key in keys { resolved.append(try missingKey(key)) }
        return resolved
    }

    /// `missing_some` hands its options to `missing` as that operator's arguments.
    mutating func missingKeys(forOptions options: JSONValue) throws(RuleError) -> ContiguousArray<MissingKey> {
        if case .array(let list) = options { return try missingKeys(forArguments: list) }
        return try missingKeys(forArguments: [options])
    }

    /// What json-logic-js reads as `options.length`; NaN for values without a length.
    static func optionCount(_ options: JSONValue) -> Double {
        switch options {
        case .array(let list): return Double(list.count)
        case .string(let text): return Double(text.utf16.count)
        case .object(let fields): return fields["length"].map(toNumber) ?? .nan
        default: return .nan
        }
    }

    /// The keys whose values are `null`, `""` or absent, in the order given.
    mutating func absentKeys(_ keys: ContiguousArray<MissingKey>, _ data: JSONValue) throws(RuleError) -> [JSONValue] {
        try charge(keys.count)
        var absent: [JSONValue] = []
        for key in keys {
            let found = key.path.resolve(in: data)
            if recordsReads { record(key.path.text, found ?? .null) }
            switch found ?? key.fallback ?? .null {
            case .null: absent.append(key.key)
            case .string(let text) where text.isEmpty: absent.append(key.key)
            default: break
            }
        }
        return absent
    }

    @inline(never)
    mutating func missing(_ arguments: ContiguousArray<Node>, _ data: JSONValue) throws(RuleError) -> JSONValue {
        var values: [JSONValue] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments { values.append(try evaluate(argument, data)) }
        return .array(try absentKeys(missingKeys(forArguments: values), data))
    }

    /// `missing_some`: `[]` when at least `need` of the keys are present, else the missing keys.
    @inline(never)
    mutating func missingSome(_ needNode: Node, _ keysNode: Node, _ data: JSONValue) throws(RuleError) -> JSONValue {
        let need = try evaluate(needNode, data)
        let options = try evaluate(keysNode, data)
        // json-logic-js fails reading `null.length`; that failure surfaces as Invalid Arguments.
        if case .null = options { throw RuleError.invalidArgumentsValue }
        return try missingSome(need, missingKeys(forOptions: options), Self.optionCount(options), data)
    }

    @inline(never)
    mutating func missingSome(
        _ needNode: Node, _ keys: ContiguousArray<MissingKey>, _ optionCount: Double, _ data: JSONValue
    ) throws(RuleError) -> JSONValue {
        try missingSome(evaluate(needNode, data), keys, optionCount, data)
    }

    private mutating func missingSome(
        _ need: JSONValue, _ keys: ContiguousArray<MissingKey>, _ optionCount: Double, _ data: JSONValue
    ) throws(RuleError) -> JSONValue {
        let absent = try absentKeys(keys, data)
        // json-logic-js compares options.length - missing.length with need.
        if try holds(.greaterOrEqual, .number(optionCount - Double(absent.count)), need) { return .array([]) }
        return .array(absent)
    }
}
