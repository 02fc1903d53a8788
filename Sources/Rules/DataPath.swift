/// One step of a data path, with its array index worked out once at compile time.
struct PathKey: Sendable {
    /// The property name, as JavaScript would spell it (`1`, not `1.0`).
    let name: String
    /// The array index the name denotes, when it is a canonical one (`"0"`, `"12"`, not `"01"`).
    let index: Int?

    init(_ name: String) {
        self.name = name
        self.index = PathKey.canonicalIndex(name)
    }

    /// Reads this property of `value` the way JavaScript's `value[name]` does for JSON data:
    /// object keys, array elements and `length`, string characters (UTF-16 code units) and `length`.
    /// `nil` stands for JavaScript's `undefined`.
    @inline(__always)
    func read(from value: JSONValue) -> JSONValue? {
        switch value {
        case .object(let fields):
            return fields[name]
        case .array(let items):
            // Spelled out with `if`: in a ternary, `nil` would become JSONValue's nil literal, `.null`.
            if let index {
                if index < items.count { return items[index] }
                return nil
            }
            if name == "length" { return .number(Double(items.count)) }
            return nil
        case .string(let text):
            if let index {
                let units = text.utf16
                guard index < units.count else { return nil }
                let unit = units[units.index(units.startIndex, offsetBy: index)]
                return .string(String(decoding: CollectionOfOne(unit), as: UTF16.self))
            }
            if name == "length" { return .number(Double(text.utf16.count)) }
            return nil
        default:
            return nil
        }
    }

    private static func canonicalIndex(_ name: String) -> Int? {
        let utf8 = name.utf8
        guard let first = utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { return nil }
        if first == UInt8(ascii: "0") { return utf8.count == 1 ? 0 : nil }
        guard utf8.count <= 10 else { return nil }
        var value = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        // JavaScript array indices stop below 2^32 - 1.
        return value < 4_294_967_295 ? value : nil
    }
}

/// A `var` path split on dots once, when the rule is compiled.
struct DotPath: Sendable {
    /// The path as written, reported in ``FactRead/path``.
    let text: String
    /// Empty for `""`/`null`, which mean the whole data.
    let keys: ContiguousArray<PathKey>

    init(text: String, keys: ContiguousArray<PathKey>) {
        self.text = text
        self.keys = keys
    }

    init(_ text: String) {
        self.text = text
        if text.isEmpty {
            keys = []
        } else {
            keys = ContiguousArray(text.split(separator: ".", omittingEmptySubsequences: false).map { PathKey(String($0)) })
        }
    }

    /// json-logic-js `var` lookup: a `null` on the way or an absent property means not found (`nil`);
    /// a `null` at the end is found.
    @inline(__always)
    func resolve(in data: JSONValue) -> JSONValue? {
        // The first step reads the data in place, so the document itself is never copied.
        guard !keys.isEmpty else { return data }
        guard var current = keys[0].read(from: data) else { return nil }
        var index = 1
        while index < keys.count {
            if case .null = current { return nil }
            guard let next = keys[index].read(from: current) else { return nil }
            current = next
            index += 1
        }
        return current
    }
}

/// A `val`/`exists` path: explicit components (no dot splitting) and an optional scope climb.
struct ComponentPath: Sendable {
    /// How many scope levels to climb first (`[[-2], "x"]` climbs 2); 0 reads the current data.
    let climb: Int
    let keys: ContiguousArray<PathKey>

    init(climb: Int, keys: ContiguousArray<PathKey>) {
        self.climb = climb
        self.keys = keys
    }

    /// The components joined with dots, reported in ``FactRead/path``; built only when recording.
    var text: String { keys.map(\.name).joined(separator: ".") }

    /// Community `val`: stops with `null` at the first missing or `null` step.
    func resolve(from start: JSONValue) -> JSONValue {
        var current = start
        for key in keys {
            guard let next = key.read(from: current) else { return .null }
            current = next
        }
        return current
    }

    /// Community `exists`: whether every step names a present key (a present `null` counts).
    func isPresent(from start: JSONValue) -> Bool {
        var current = start
        for key in keys {
            guard let next = key.read(from: current) else { return false }
            current = next
        }
        return true
    }
}

/// One key of `missing`/`missing_some`, resolved the way json-logic-js applies `{"var": key}`:
/// an array key is a path with a default.
struct MissingKey: Sendable {
    /// The key as given, which is what `missing` reports.
    let key: JSONValue
    let path: DotPath
    let fallback: JSONValue?
}
