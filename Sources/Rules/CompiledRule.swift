/// A JSON Logic rule, validated and compiled once, ready to evaluate against any number of
/// documents (concurrently: it is immutable and `Sendable`).
///
/// Semantics follow json-logic-js (the jsonlogic.com reference) for the standard operators, with
/// its JavaScript coercions, plus the community edition's `val`, `exists`, `??`, `try`, `throw`
/// and `preserve`. The two editions disagree on arithmetic without a finite result (`{"/": [1, 0]}`,
/// `{"+": ["a"]}`); each rule gets the answer of the only edition that can run it (``edition``):
/// - a rule made of json-logic-js operators only carries NaN and ±Infinity on as values, as
///   json-logic-js does (NaN is falsy and never equal or ordered; `cat` prints `NaN`, `Infinity`),
///   and `max`/`min` of nothing are -Infinity/Infinity; in JSON text they are written as `null`,
///   as `JSON.stringify` writes them;
/// - a rule that uses a community-edition operator raises `{"type": "NaN"}` instead (which `try`
///   catches), and `max`/`min` of nothing are `null`.
///
/// Elsewhere, where the two disagree or JavaScript has no JSON answer, this evaluator:
/// - evaluates `reduce`'s initial value (json-logic-js passes a rule there through as data);
/// - rejects at compile time unknown operators, even in branches that would never run, and
///   argument counts that are meaningless or read differently by the two editions
///   (`{">": [3, 2, 5]}`, `{"!": []}`, `{"*": []}`, ...);
/// - raises `{"type": "Invalid Arguments"}` where json-logic-js would fail with a TypeError
///   (`missing_some` whose options are `null`);
/// - returns its argument from `log` without printing it;
/// - treats arrays and objects as the same JavaScript object when they share storage (the same
///   fact read twice), except empty ones, which never do;
/// - cannot hold half of a UTF-16 surrogate pair: `substr` or an index that splits one yields U+FFFD.
/// `try`/`throw` details are on ``RuleError/thrown(_:)`` and in the evaluator's documentation:
/// a fallback sees the whole thrown object as its data, so `{"val": "type"}` reads its type.
///
/// ```swift
/// let rule = try CompiledRule(parsing: #"{">=": [{"var": "age"}, 18]}"#)
/// let adult = try rule.evaluate(["age": 21])   // .bool(true)
/// ```
public struct CompiledRule: Sendable {
    /// The limits the rule was compiled under and that apply to each evaluation.
    public let limits: RuleLimits
    /// How many JSON values the rule contains (what ``RuleLimits/maxNodes`` bounds).
    public let nodeCount: Int
    /// Whose arithmetic the rule follows: json-logic-js, unless the rule uses an operator only the
    /// community edition knows.
    public let edition: JSONLogicEdition
    let root: Node

    /// Compiles a rule. Fails with ``RuleError/unknownOperator(_:)``,
    /// ``RuleError/invalidArguments(operator:detail:)``, ``RuleError/tooDeep(limit:)``,
    /// ``RuleError/tooLarge(limit:)`` or ``RuleError/valueTooLarge(limit:)``.
    public init(_ rule: JSONValue, limits: RuleLimits = .default) throws(RuleError) {
        var compiler = RuleCompiler(limits: limits)
        self.root = try compiler.compile(rule, level: 0)
        self.nodeCount = compiler.nodeCount
        self.edition = compiler.edition
        self.limits = limits
    }

    /// Parses and compiles a rule given as UTF-8 JSON text.
    public init(parsing text: some Collection<UInt8>, limits: RuleLimits = .default) throws(RuleError) {
        try self.init(JSONValue(parsing: text, limits: limits), limits: limits)
    }

    /// Parses and compiles a rule given as JSON text.
    public init(parsing text: String, limits: RuleLimits = .default) throws(RuleError) {
        try self.init(parsing: text.utf8, limits: limits)
    }

    /// Evaluates the rule with `data` as the document `var`/`val` read.
    /// Fails with ``RuleError/thrown(_:)`` for evaluation error values, or with a limit error.
    public func evaluate(_ data: JSONValue) throws(RuleError) -> JSONValue {
        var evaluator = Evaluator(limits: limits, edition: edition)
        let result = try evaluator.evaluate(root, data)
        try Evaluator.checkResultSize(result, limits: limits)
        return result
    }

    /// Evaluates the rule and appends to `reads` the facts it read (see ``FactRead``), also
    /// when evaluation fails part way.
    public func evaluate(_ data: JSONValue, reads: inout [FactRead]) throws(RuleError) -> JSONValue {
        var evaluator = Evaluator(limits: limits, edition: edition, recording: true)
        defer { reads.append(contentsOf: evaluator.recorder.reads) }
        let result = try evaluator.evaluate(root, data)
        try Evaluator.checkResultSize(result, limits: limits)
        return result
    }
}

/// The two JSON Logic implementations whose behaviour a rule follows where they disagree.
public enum JSONLogicEdition: Sendable, Hashable {
    /// json-logic-js, the jsonlogic.com reference: arithmetic carries NaN and ±Infinity on as values.
    case jsonLogicJS
    /// The community edition (`val`, `exists`, `??`, `try`, `throw`, `preserve`): arithmetic without
    /// a finite result raises `{"type": "NaN"}`.
    case community
}
