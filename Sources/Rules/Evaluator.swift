/// Evaluates a compiled rule against data. One is made per evaluation; it carries the step
/// budget, the scope frames for `val` climbing and, when asked, the fact recorder.
struct Evaluator {
    let limits: RuleLimits
    let maxDepth: Int
    /// Whether arithmetic without a finite result raises NaN (the community edition) or is a value.
    let raisesNonFinite: Bool
    private(set) var steps = 0
    /// Frames for `val` climbing, pushed only by operators whose bodies climb.
    var frames: [ScopeFrame] = []
    /// How many loops or `try` fallbacks enclose the current node; 0 means the data is the document.
    var scopeDepth = 0
    /// Whether reads are recorded at all; checked before touching the recorder.
    let recording: Bool
    var recorder = FactRecorder()

    init(limits: RuleLimits, edition: JSONLogicEdition = .jsonLogicJS, recording: Bool = false) {
        self.limits = limits
        self.maxDepth = limits.effectiveMaxDepth
        self.raisesNonFinite = edition == .community
        self.recording = recording
    }

    /// Spends `units` of the step budget.
    @inline(__always)
    mutating func charge(_ units: Int = 1) throws(RuleError) {
        steps &+= units
        if steps > limits.maxSteps { throw .tooManySteps(limit: limits.maxSteps) }
    }

    /// Whether a read at this point is a read of the evaluated document (not of a loop item).
    @inline(__always)
    var recordsReads: Bool { recording && scopeDepth == 0 }

    mutating func record(_ path: String, _ value: JSONValue) {
        recorder.record(path, value)
    }

    /// Checks a new array or string size against the collection limit.
    @inline(__always)
    func checkSize(_ count: Int) throws(RuleError) {
        if count > limits.maxCollectionSize { throw .valueTooLarge(limit: limits.maxCollectionSize) }
    }

    mutating func evaluate(_ node: Node, _ data: JSONValue) throws(RuleError) -> JSONValue {
        try charge()
        switch node {
        case .literal(let value):
            return value
        case .variable(let path, let fallback):
            return try variable(path, fallback, data)
        case .equality(let kind, let left, let right):
            return try equality(kind, left, right, data)
        case .comparison(let kind, let left, let right):
            return try comparison(kind, left, right, data)
        case .and(let items):
            return try firstFalsy(items, data)
        case .or(let items):
            return try firstTruthy(items, data)
        case .not(let inner):
            return .bool(!(try evaluate(inner, data).isTruthy))
        case .truthy(let inner):
            return .bool(try evaluate(inner, data).isTruthy)
        case .condition(let items):
            return try condition(items, data)
        case .value(let path):
            return try readValue(path, data)
        case .array(let items):
            return try array(items, data)
        case .between(let kind, let first, let second, let third):
            return try between(kind, first, second, third, data)
        case .coalesce(let items):
            return try coalesce(items, data)
        default:
            return try evaluateLessCommon(node, data)
        }
    }

    /// The rest of the operators, dispatched from a separate function so the frame of
    /// `evaluate`, which recursion stacks once per rule level, holds only the common cases.
    @inline(never)
    private mutating func evaluateLessCommon(_ node: Node, _ data: JSONValue) throws(RuleError) -> JSONValue {
        switch node {
        case .dynamicVariable(let pathNode, let fallback):
            return try dynamicVariable(pathNode, fallback, data)
        case .dynamicValue(let components):
            return try dynamicValue(components, data)
        case .exists(let components):
            return try exists(components, data)
        case .existsPath(let path):
            return exists(path, data)
        case .missing(let arguments):
            return try missing(arguments, data)
        case .missingKeys(let keys):
            return .array(try absentKeys(keys, data))
        case .missingSome(let need, let keys):
            return try missingSome(need, keys, data)
        case .missingSomeKeys(let need, let keys, let optionCount):
            return try missingSome(need, keys, optionCount, data)
        case .add(let items):
            return try add(items, data)
        case .multiply(let items):
            return try multiply(items, data)
        case .subtract(let left, let right):
            return try subtract(left, right, data)
        case .divide(let left, let right):
            return try divide(left, right, data)
        case .remainder(let left, let right):
            return try remainder(left, right, data)
        case .extremum(let kind, let items):
            return try extremum(kind, items, data)
        case .merge(let items):
            return try merge(items, data)
        case .contains(let needle, let haystack):
            return try contains(needle, haystack, data)
        case .concatenate(let items):
            return try concatenate(items, data)
        case .substring(let source, let start, let length):
            return try substring(source, start, length, data)
        case .log(let inner):
            // Returns its argument, as json-logic-js does; nothing is printed from a server.
            return try evaluate(inner, data)
        case .iterate(let kind, let collection, let body, let climbs):
            return try iterate(kind, collection, body, climbs, data)
        case .reduce(let collection, let body, let initial, let bodyGrowth, let climbs):
            return try reduce(collection, body, initial, bodyGrowth, climbs, data)
        case .attempt(let alternatives, let climbs):
            return try attempt(alternatives, climbs, data)
        case .raise(let inner):
            return try raise(inner, data)
        case .literal, .variable, .equality, .comparison, .and, .or, .not, .truthy, .condition, .value,
             .array, .between, .coalesce:
            // Handled by `evaluate`.
            return try evaluate(node, data)
        }
    }
}
