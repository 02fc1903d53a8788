/// Every operator the evaluator knows, with the argument counts it accepts.
///
/// Counts are checked at compile time. Where json-logic-js silently ignores extra arguments or
/// compares with `undefined`, and the community edition reads the same rule differently
/// (`{">": [3, 2, 5]}` is `true` in one and `false` in the other), the rule is rejected instead.
enum OperatorName: String, CaseIterable, Sendable {
    case variable = "var"
    case missing
    case missingSome = "missing_some"
    case conditional = "if"
    case ternary = "?:"
    case looseEqual = "=="
    case strictEqual = "==="
    case looseNotEqual = "!="
    case strictNotEqual = "!=="
    case not = "!"
    case truthy = "!!"
    case or
    case and
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case max
    case min
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case remainder = "%"
    case map
    case filter
    case reduce
    case all
    case none
    case some
    case merge
    case contains = "in"
    case concatenate = "cat"
    case substring = "substr"
    case log
    case value = "val"
    case exists
    case coalesce = "??"
    case attempt = "try"
    case raise = "throw"
    case preserve

    /// Whether only the community edition knows the operator (json-logic-js does not).
    var isCommunityEdition: Bool {
        switch self {
        case .value, .exists, .coalesce, .attempt, .raise, .preserve: return true
        default: return false
        }
    }

    /// Looked up once per operator occurrence at compile time.
    static let byName: [String: OperatorName] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

    /// The accepted argument counts.
    var arity: ClosedRange<Int> {
        let unbounded = Int.max
        switch self {
        case .variable: return 0...2
        case .missing, .conditional, .ternary, .max, .min, .add, .merge, .concatenate, .value, .coalesce:
            return 0...unbounded
        case .missingSome, .looseEqual, .strictEqual, .looseNotEqual, .strictNotEqual, .greater, .greaterOrEqual,
             .divide, .remainder, .map, .filter, .all, .none, .some, .contains:
            return 2...2
        case .less, .lessOrEqual, .reduce, .substring: return 2...3
        case .not, .truthy, .log, .raise, .preserve: return 1...1
        case .or, .and, .multiply, .exists, .attempt: return 1...unbounded
        case .subtract: return 1...2
        }
    }
}
