/// A compiled rule: operators resolved to cases, argument counts checked, literal arrays folded
/// and data paths pre-split, so evaluation is a `switch` per node with no lookups by name.
indirect enum Node: Sendable {
    /// A value returned as is (scalars, folded arrays, multi-key objects, `preserve`).
    case literal(JSONValue)
    /// An array whose elements include rules; each element is evaluated.
    case array(ContiguousArray<Node>)
    /// `var` with a path known at compile time; the fallback is only evaluated when needed.
    case variable(DotPath, fallback: Node?)
    /// `var` whose path is computed by a rule.
    case dynamicVariable(path: Node, fallback: Node?)
    /// `val` with literal components.
    case value(ComponentPath)
    /// `val` with computed components.
    case dynamicValue(ContiguousArray<Node>)
    /// `exists` with computed components, checked for presence once evaluated.
    case exists(ContiguousArray<Node>)
    /// `exists` with literal components.
    case existsPath(ComponentPath)
    case missing(ContiguousArray<Node>)
    /// `missing` whose keys are all literals, with their paths split at compile time.
    case missingKeys(ContiguousArray<MissingKey>)
    case missingSome(need: Node, keys: Node)
    /// `missing_some` with a literal key list; `optionCount` is what json-logic-js reads as its length.
    case missingSomeKeys(need: Node, keys: ContiguousArray<MissingKey>, optionCount: Double)
    /// `if` and `?:`: condition/consequent pairs and an optional final else.
    case condition(ContiguousArray<Node>)
    case and(ContiguousArray<Node>)
    case or(ContiguousArray<Node>)
    /// `??`
    case coalesce(ContiguousArray<Node>)
    case not(Node)
    case truthy(Node)
    case equality(EqualityOperator, Node, Node)
    case comparison(ComparisonOperator, Node, Node)
    /// The three-argument forms of `<` and `<=`: `a < b < c`.
    case between(ComparisonOperator, Node, Node, Node)
    case add(ContiguousArray<Node>)
    case multiply(ContiguousArray<Node>)
    /// `-` with one argument negates.
    case subtract(Node, Node?)
    case divide(Node, Node)
    case remainder(Node, Node)
    case extremum(Extremum, ContiguousArray<Node>)
    case merge(ContiguousArray<Node>)
    /// `in`
    case contains(Node, Node)
    /// `cat`
    case concatenate(ContiguousArray<Node>)
    case substring(Node, Node, Node?)
    case log(Node)
    /// `map`, `filter`, `all`, `none`, `some`. `climbs` says whether the body may climb scopes,
    /// which is the only reason to record the surrounding data while looping.
    case iterate(IterationOperator, collection: Node, body: Node, climbs: Bool)
    /// `reduce`; `bodyGrowth` bounds how many array levels one step can add to the accumulator.
    case reduce(collection: Node, body: Node, initial: Node?, bodyGrowth: Int, climbs: Bool)
    /// `try`; `climbs` as for `iterate`, for the fallbacks.
    case attempt(ContiguousArray<Node>, climbs: Bool)
    /// `throw`
    case raise(Node)
}

enum EqualityOperator: Sendable {
    case loose, strict, looseNot, strictNot
}

enum ComparisonOperator: Sendable {
    case less, lessOrEqual, greater, greaterOrEqual
}

enum Extremum: Sendable {
    case max, min
}

enum IterationOperator: Sendable {
    case map, filter, all, none, some
}

extension Node {
    var isLiteral: Bool {
        if case .literal = self { return true }
        return false
    }

    /// Whether evaluating this node may read an enclosing scope with `val`'s `[[-n], ...]` form
    /// (always assumed for paths computed at run time).
    var climbs: Bool {
        func any(_ nodes: ContiguousArray<Node>) -> Bool { nodes.contains { $0.climbs } }
        switch self {
        case .literal, .missingKeys:
            return false
        case .value(let path), .existsPath(let path):
            return path.climb > 0
        case .dynamicValue, .exists:
            return true
        case .variable(_, let fallback):
            return fallback?.climbs ?? false
        case .dynamicVariable(let path, let fallback):
            return path.climbs || (fallback?.climbs ?? false)
        case .array(let items), .missing(let items), .condition(let items), .and(let items), .or(let items),
             .coalesce(let items), .add(let items), .multiply(let items), .extremum(_, let items),
             .merge(let items), .concatenate(let items), .attempt(let items, _):
            return any(items)
        case .missingSome(let a, let b), .equality(_, let a, let b), .comparison(_, let a, let b),
             .divide(let a, let b), .remainder(let a, let b), .contains(let a, let b):
            return a.climbs || b.climbs
        case .missingSomeKeys(let need, _, _):
            return need.climbs
        case .not(let a), .truthy(let a), .log(let a), .raise(let a):
            return a.climbs
        case .between(_, let a, let b, let c):
            return a.climbs || b.climbs || c.climbs
        case .subtract(let a, let b):
            return a.climbs || (b?.climbs ?? false)
        case .substring(let a, let b, let c):
            return a.climbs || b.climbs || (c?.climbs ?? false)
        case .iterate(_, let collection, let body, _):
            return collection.climbs || body.climbs
        case .reduce(let collection, let body, let initial, _, _):
            return collection.climbs || body.climbs || (initial?.climbs ?? false)
        }
    }

    /// An upper bound on how many array levels this node's result can have above the deepest value
    /// it reads, used to decide when `reduce` must measure its accumulator. Saturates at `ceiling`.
    func growth(ceiling: Int) -> Int {
        func most(_ nodes: ContiguousArray<Node>) -> Int {
            nodes.reduce(0) { max($0, $1.growth(ceiling: ceiling)) }
        }
        let grown: Int
        switch self {
        case .literal, .value, .dynamicValue, .exists, .existsPath, .not, .truthy, .equality, .comparison, .between,
             .add, .multiply, .subtract, .divide, .remainder, .extremum, .contains, .concatenate,
             .substring, .raise:
            grown = 0
        case .variable(_, let fallback), .dynamicVariable(_, let fallback):
            grown = fallback?.growth(ceiling: ceiling) ?? 0
        case .array(let items), .merge(let items), .missing(let items):
            grown = 1 + most(items)
        case .missingKeys, .missingSomeKeys:
            grown = 1
        case .missingSome(let need, let keys):
            grown = 1 + max(need.growth(ceiling: ceiling), keys.growth(ceiling: ceiling))
        case .condition(let items), .and(let items), .or(let items), .coalesce(let items):
            grown = most(items)
        case .log(let inner):
            grown = inner.growth(ceiling: ceiling)
        case .iterate(let kind, let collection, let body, _):
            switch kind {
            case .map: grown = 1 + collection.growth(ceiling: ceiling) + body.growth(ceiling: ceiling)
            case .filter: grown = collection.growth(ceiling: ceiling)
            case .all, .none, .some: grown = 0
            }
        case .reduce, .attempt:
            // A nested reduce checks its own accumulator; a caught error may wrap what was thrown.
            grown = ceiling
        }
        return min(grown, ceiling)
    }
}
