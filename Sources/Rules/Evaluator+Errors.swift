/// Community-edition error handling: `throw` raises an error value, `try` recovers from one.
///
/// `try` evaluates its arguments in order and returns the first that does not raise. Each
/// fallback after a failure is evaluated with the caught error value as its data, so
/// `{"val": "type"}` reads the error's type (the whole thrown object is available, not only
/// `type`), and `{"val": [[-2], "x"]}` climbs back to the data outside the `try`. When every
/// argument raises, the last error propagates. Only evaluation error values (NaN, Invalid
/// Arguments, thrown values) are caught; limit errors are not, and rules that fail to compile
/// (unknown operators, wrong arity) are rejected before any `try` runs.
extension Evaluator {
    @inline(never)
    mutating func attempt(_ alternatives: ContiguousArray<Node>, _ climbs: Bool, _ data: JSONValue) throws(RuleError) -> JSONValue {
        let savedFrames = frames.count
        let savedDepth = scopeDepth
        var caught: JSONValue?
        for alternative in alternatives {
            do {
                guard let error = caught else { return try evaluate(alternative, data) }
                scopeDepth += 1
                if climbs { frames.append(ScopeFrame(detail: .opaque, data: data)) }
                let recovered = try evaluate(alternative, error)
                if climbs { frames.removeLast() }
                scopeDepth = savedDepth
                return recovered
            } catch {
                guard case .thrown(let value) = error else { throw error }
                // Loops interrupted by the error leave their scopes behind; drop them.
                frames.removeSubrange(savedFrames...)
                scopeDepth = savedDepth
                caught = value
            }
        }
        throw RuleError.thrown(caught ?? .null)
    }

    /// `throw`: an object is raised as is; any other value `v` as `{"type": v}`.
    @inline(never)
    mutating func raise(_ inner: Node, _ data: JSONValue) throws(RuleError) -> JSONValue {
        let value = try evaluate(inner, data)
        if case .object = value { throw RuleError.thrown(value) }
        throw RuleError.thrown(.object(["type": value]))
    }
}
