/// Bounds that keep a hostile rule or document from exhausting the stack, memory or CPU.
///
/// Each bound, when crossed, raises its own ``RuleError`` case so callers can tell them apart.
public struct RuleLimits: Sendable, Hashable {
    /// The deepest nesting of arrays and objects accepted in JSON text, in a rule, and in values built
    /// while evaluating (``RuleError/tooDeep(limit:)``). A rule object with an array of arguments uses
    /// two levels, so the default allows about 32 nested operators. Compiling and evaluating recurse
    /// once per level: at the default, an unoptimized build needs under 384 KiB of stack and an
    /// optimized one a few dozen KiB. Clamped to ``hardMaxDepth``.
    public var maxDepth: Int
    /// The most JSON values (operators, arguments and literal contents alike) a rule may contain
    /// (``RuleError/tooLarge(limit:)``).
    public var maxNodes: Int
    /// The most units of work one evaluation may spend: one per operator evaluated, per loop
    /// iteration and per element copied or converted (``RuleError/tooManySteps(limit:)``).
    public var maxSteps: Int
    /// The most elements an array built during evaluation may hold, the most UTF-8 bytes a string
    /// built during evaluation (or a string literal in a rule) may hold, and the most values an
    /// evaluation result may contain (``RuleError/valueTooLarge(limit:)``).
    public var maxCollectionSize: Int
    /// The most bytes of JSON text accepted by ``JSONValue/init(parsing:limits:)``
    /// (``RuleError/inputTooLarge(limit:)``).
    public var maxTextBytes: Int

    /// The ceiling applied to ``maxDepth``: deeper recursion could overflow a thread's stack.
    public static let hardMaxDepth = 512

    public init(
        maxDepth: Int = 64,
        maxNodes: Int = 50_000,
        maxSteps: Int = 1_000_000,
        maxCollectionSize: Int = 100_000,
        maxTextBytes: Int = 8 * 1_024 * 1_024
    ) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxSteps = maxSteps
        self.maxCollectionSize = maxCollectionSize
        self.maxTextBytes = maxTextBytes
    }

    /// Limits suited to rules and facts submitted over HTTP.
    public static let `default` = RuleLimits()

    /// ``maxDepth`` after clamping to the range the implementation can recurse safely.
    var effectiveMaxDepth: Int { min(max(maxDepth, 1), Self.hardMaxDepth) }
}
