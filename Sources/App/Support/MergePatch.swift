import Rules

/// RFC 7396 JSON merge patch: objects merge key by key, `null` removes, anything else replaces.
enum MergePatch {
    static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var result: [String: JSONValue]
        if case .object(let existing) = target { result = existing } else { result = [:] }
        for (key, change) in changes {
            if change == .null {
                result.removeValue(forKey: key)
            } else {
                result[key] = apply(change, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}
