/// Turns a rule's JSON into a ``Node`` tree, enforcing the size and depth limits on the way.
///
/// Recursion follows the rule's nesting but checks the depth limit before descending, so a rule
/// nested 100,000 levels deep stops at the limit instead of overflowing the stack. Literal data
/// (arrays of plain values, multi-key objects, `preserve` arguments) is walked with an explicit
/// stack, so its size and depth are counted without recursion.
struct RuleCompiler {
    let limits: RuleLimits
    let maxDepth: Int
    private(set) var nodeCount = 0
    /// json-logic-js until an operator only the community edition knows is met.
    private(set) var edition = JSONLogicEdition.jsonLogicJS
    /// Used for the few JavaScript string conversions a literal path needs at compile time.
    private var converter: Evaluator

    init(limits: RuleLimits) {
        self.limits = limits
        self.maxDepth = limits.effectiveMaxDepth
        self.converter = Evaluator(limits: limits)
    }

    /// Compiles `value`, which sits inside `level` enclosing arrays/objects.
    mutating func compile(_ value: JSONValue, level: Int) throws(RuleError) -> Node {
        switch value {
        case .array(let items):
            try enterContainer(at: level)
            var nodes = ContiguousArray<Node>()
            nodes.reserveCapacity(items.count)
            var allLiteral = true
            for item in items {
                let node = try compile(item, level: level + 1)
                allLiteral = allLiteral && node.isLiteral
                nodes.append(node)
            }
            // An array of plain values evaluates to itself, so it is built once, here.
            return allLiteral ? .literal(value) : .array(nodes)
        case .object(let fields) where fields.count == 1:
            let (name, argument) = fields.first!
            try enterContainer(at: level)
            guard let op = OperatorName.byName[name] else { throw .unknownOperator(name) }
            if op.isCommunityEdition { edition = .community }
            if op == .preserve {
                try countLiteral(argument, level: level + 1)
                return .literal(argument)
            }
            // A lone argument is shorthand for a one-element list: {"var": "x"} is {"var": ["x"]}.
            let rawArguments: [JSONValue]
            let argumentLevel: Int
            if case .array(let list) = argument {
                try enterContainer(at: level + 1)
                rawArguments = list
                argumentLevel = level + 2
            } else {
                rawArguments = [argument]
                argumentLevel = level + 1
            }
            guard op.arity.contains(rawArguments.count) else {
                throw .argumentCount(operator: name, takes: op.arity, given: rawArguments.count)
            }
            var arguments = ContiguousArray<Node>()
            arguments.reserveCapacity(rawArguments.count)
            for raw in rawArguments {
                arguments.append(try compile(raw, level: argumentLevel))
            }
            return try build(op, arguments)
        default:
            try countLiteral(value, level: level)
            return .literal(value)
        }
    }

    private mutating func build(_ op: OperatorName, _ args: ContiguousArray<Node>) throws(RuleError) -> Node {
        switch op {
        case .variable:
            guard let pathNode = args.first else { return .variable(DotPath(""), fallback: nil) }
            let fallback = args.count > 1 ? args[1] : nil
            guard case .literal(let pathValue) = pathNode else {
                return .dynamicVariable(path: pathNode, fallback: fallback)
            }
            return .variable(try converter.dotPath(for: pathValue), fallback: fallback)
        case .missing:
            var values: [JSONValue] = []
            for arg in args {
                guard case .literal(let value) = arg else { return .missing(args) }
                values.append(value)
            }
            return .missingKeys(try converter.missingKeys(forArguments: values))
        case .missingSome:
            guard case .literal(let options) = args[1], options != .null else {
                return .missingSome(need: args[0], keys: args[1])
            }
            return .missingSomeKeys(
                need: args[0],
                keys: try converter.missingKeys(forOptions: options),
                optionCount: Evaluator.optionCount(options)
            )
        case .conditional, .ternary: return .condition(args)
        case .looseEqual: return .equality(.loose, args[0], args[1])
        case .strictEqual: return .equality(.strict, args[0], args[1])
        case .looseNotEqual: return .equality(.looseNot, args[0], args[1])
        case .strictNotEqual: return .equality(.strictNot, args[0], args[1])
        case .not: return .not(args[0])
        case .truthy: return .truthy(args[0])
        case .or: return .or(args)
        case .and: return .and(args)
        case .less, .lessOrEqual:
            let kind: ComparisonOperator = op == .less ? .less : .lessOrEqual
            if args.count == 3 { return .between(kind, args[0], args[1], args[2]) }
            return .comparison(kind, args[0], args[1])
        case .greater: return .comparison(.greater, args[0], args[1])
        case .greaterOrEqual: return .comparison(.greaterOrEqual, args[0], args[1])
        case .max: return .extremum(.max, args)
        case .min: return .extremum(.min, args)
        case .add: return .add(args)
        case .subtract: return .subtract(args[0], args.count > 1 ? args[1] : nil)
        case .multiply: return .multiply(args)
        case .divide: return .divide(args[0], args[1])
        case .remainder: return .remainder(args[0], args[1])
        case .map: return .iterate(.map, collection: args[0], body: args[1], climbs: args[1].climbs)
        case .filter: return .iterate(.filter, collection: args[0], body: args[1], climbs: args[1].climbs)
        case .all: return .iterate(.all, collection: args[0], body: args[1], climbs: args[1].climbs)
        case .none: return .iterate(.none, collection: args[0], body: args[1], climbs: args[1].climbs)
        case .some: return .iterate(.some, collection: args[0], body: args[1], climbs: args[1].climbs)
        case .reduce:
            return .reduce(
                collection: args[0],
                body: args[1],
                initial: args.count > 2 ? args[2] : nil,
                bodyGrowth: args[1].growth(ceiling: maxDepth),
                climbs: args[1].climbs
            )
        case .merge: return .merge(args)
        case .contains: return .contains(args[0], args[1])
        case .concatenate: return .concatenate(args)
        case .substring: return .substring(args[0], args[1], args.count > 2 ? args[2] : nil)
        case .log: return .log(args[0])
        case .value:
            var components: [JSONValue] = []
            for arg in args {
                guard case .literal(let component) = arg else { return .dynamicValue(args) }
                components.append(component)
            }
            return .value(try converter.componentPath(for: components))
        case .exists:
            var components: [JSONValue] = []
            for arg in args {
                guard case .literal(let component) = arg else { return .exists(args) }
                components.append(component)
            }
            return .existsPath(try converter.componentPath(for: components))
        case .coalesce: return .coalesce(args)
        case .attempt: return .attempt(args, climbs: args.dropFirst().contains { $0.climbs })
        case .raise: return .raise(args[0])
        case .preserve: return .literal(.null)  // handled before arguments are compiled
        }
    }

    /// Counts an array or operator object and checks it fits under the depth limit.
    private mutating func enterContainer(at level: Int) throws(RuleError) {
        guard level < maxDepth else { throw .tooDeep(limit: maxDepth) }
        try count(1)
    }

    private mutating func count(_ nodes: Int) throws(RuleError) {
        nodeCount += nodes
        if nodeCount > limits.maxNodes { throw .tooLarge(limit: limits.maxNodes) }
    }

    /// Counts every value of a literal without recursion, stopping as soon as a limit is crossed.
    private mutating func countLiteral(_ root: JSONValue, level: Int) throws(RuleError) {
        var pending: [(value: JSONValue, level: Int)] = [(root, level)]
        while let (value, level) = pending.popLast() {
            try count(1)
            switch value {
            case .array(let items):
                guard level < maxDepth else { throw .tooDeep(limit: maxDepth) }
                // Checked up front so a huge literal fails before its elements are queued.
                if nodeCount + items.count > limits.maxNodes { throw .tooLarge(limit: limits.maxNodes) }
                for item in items { pending.append((item, level + 1)) }
            case .object(let fields):
                guard level < maxDepth else { throw .tooDeep(limit: maxDepth) }
                if nodeCount + fields.count > limits.maxNodes { throw .tooLarge(limit: limits.maxNodes) }
                for field in fields.values { pending.append((field, level + 1)) }
            case .string(let text):
                if text.utf8.count > limits.maxCollectionSize { throw .valueTooLarge(limit: limits.maxCollectionSize) }
            case .null, .bool, .number:
                break
            }
        }
    }
}
