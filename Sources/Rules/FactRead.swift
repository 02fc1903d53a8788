/// One fact a rule looked at while being evaluated, for explaining why a rule matched or not.
///
/// Recorded by `var`, `val`, `missing`, `missing_some` and `exists` when they read the evaluated
/// document itself (reads of `map`/`filter`/`reduce` items and of caught errors are relative to
/// those values and are not recorded). `path` is the path as written in the rule (`"a.b"`; `val`
/// and `exists` components joined with `.`), and `value` is what the document holds there, `null`
/// when nothing is there (a `var` default is not a fact, so it is not reported).
/// Each path is reported once, in the order first read.
public struct FactRead: Sendable, Hashable {
    public var path: String
    public var value: JSONValue

    public init(path: String, value: JSONValue) {
        self.path = path
        self.value = value
    }
}
