import ConvocaAPI
import Rules

/// Checks a ruleset before it is published, in two stages, each listing every fault it finds:
/// - what the contract's schemas say of the fields (`RulesetInput`: id and phase patterns, the
///   description's length, the number of rules…) is a 400 `validation`, as for every body;
/// - what only a ruleset asks (every expression compiles and is portable to json-logic-js, ids are
///   unique, every rule has an English message and no blank or overlong one) is a 422 whose
///   `errorType` is the first fault's kind.
enum RulesetValidation {
    typealias Input = Components.Schemas.RulesetInput

    /// The operators json-logic-js knows. Front ends run the same rules with it, so a ruleset may use no other
    /// (the evaluator's community-edition extras remain available to `POST /v1/rules/evaluate`).
    static let portableOperators: Set<String> = [
        "var", "missing", "missing_some", "if", "?:", "==", "===", "!=", "!==", "!", "!!", "or", "and",
        "<", "<=", ">", ">=", "max", "min", "+", "-", "*", "/", "%", "map", "filter", "reduce", "all", "none",
        "some", "merge", "in", "cat", "substr", "log",
    ]

    /// The fields first (400), then the rules (422), each stage with every fault at once.
    static func validate(_ input: Input) throws(Problem) {
        var v = Validator()
        if input.rules.count > 500 { v.fail("/rules", .mustHoldAtMost(rules: 500)) }
        for (index, rule) in input.rules.enumerated() {
            if !isRuleID(rule.id) { v.fail("/rules/\(index)/id", .ruleIDFormat) }
            if !isPhase(rule.phase) { v.fail("/rules/\(index)/phase", .phaseFormat) }
        }
        // The rest of what the contract declares, in its own words, where nothing above reported. The
        // document is read with room for expressions that use the whole nesting budget.
        if let json = try? Representation.json(input),
            let document = try? JSONValue(parsing: Array(json.utf8), limits: CompiledRuleset.documentLimits)
        {
            ContractConstraints.shared.check(document, schema: "RulesetInput", into: &v)
        }
        try v.throwIfInvalid()

        var errors: [Problem.FieldError] = []
        var errorType: String?
        func fail(_ pointer: String, _ detail: Message, type: String = "invalid_rule") {
            errors.append(.init(pointer: pointer, detail: detail))
            if errorType == nil { errorType = type }
        }
        var firstIndex: [String: Int] = [:]
        for (index, rule) in input.rules.enumerated() {
            let at = "/rules/\(index)"
            if let first = firstIndex[rule.id] {
                fail("\(at)/id", .repeatsRuleID(of: "/rules/\(first)", rule.id))
            } else {
                firstIndex[rule.id] = index
            }
            let messages: [(String, String?)] = [
                ("en", rule.messages.en), ("fr", rule.messages.fr), ("es", rule.messages.es), ("pt", rule.messages.pt),
            ]
            for (language, text) in messages {
                guard let text else {
                    if language == "en" { fail("\(at)/messages/en", .required) }
                    continue
                }
                if text.allSatisfy(\.isWhitespace) { fail("\(at)/messages/\(language)", .mustNotBeBlank) }
                if text.count > 2000 { fail("\(at)/messages/\(language)", .mustBeAtMost(characters: 2000)) }
            }
            let expression = RuleJSON.value(rule.expression)
            do {
                _ = try CompiledRule(expression)
                if let name = nonPortableOperator(in: expression) {
                    fail("\(at)/expression", .operatorNotPortable(rule: rule.id, operator: name), type: "not_portable")
                }
            } catch {
                fail("\(at)/expression", .ruleIsInvalid(rule: rule.id, error), type: error.errorType)
            }
        }
        guard errors.isEmpty else {
            throw Problem(
                .unprocessable, detail: .problemsWithRules(errors.count),
                errors: errors, extensions: ["errorType": errorType ?? "invalid_rule"])
        }
    }

    /// The 422 for expressions nested deeper than a rule may nest, found while the body was read, before it
    /// was decoded: the same entries `validate` gives for them.
    static func expressionsTooDeep(_ pointers: [String], in document: JSONValue) -> Problem {
        let error = RuleError.tooDeep(limit: RuleLimits.default.maxDepth)
        var rules: [JSONValue] = []
        if case .object(let members) = document, case .array(let items)? = members["rules"] { rules = items }
        let errors = pointers.map { pointer -> Problem.FieldError in
            // "/rules/3/expression": the rule is named by its id, or by its place when it has none.
            let place = pointer.split(separator: "/").dropFirst().first.flatMap { Int($0) }
            var name = "#\(place ?? 0)"
            if let place, place < rules.count, case .object(let rule) = rules[place], case .string(let id)? = rule["id"] { name = id }
            return .init(pointer: pointer, detail: .ruleIsInvalid(rule: name, error))
        }
        return Problem(.unprocessable, detail: .problemsWithRules(errors.count), errors: errors, extensions: ["errorType": error.errorType])
    }

    /// The first operator json-logic-js would not know (it reads every single-key object as an operation).
    static func nonPortableOperator(in value: JSONValue) -> String? {
        switch value {
        case .object(let fields) where fields.count == 1:
            let (name, argument) = fields.first!
            return portableOperators.contains(name) ? nonPortableOperator(in: argument) : name
        case .array(let items):
            for item in items { if let name = nonPortableOperator(in: item) { return name } }
            return nil
        default:
            return nil
        }
    }

    static func isRuleID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...64).contains(bytes.count), isLowerOrDigit(bytes[0]) else { return false }
        return bytes.allSatisfy { isLowerOrDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    static func isPhase(_ phase: String) -> Bool {
        let bytes = Array(phase.utf8)
        guard (1...40).contains(bytes.count), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0]) else { return false }
        return bytes.allSatisfy { isLowerOrDigit($0) || $0 == UInt8(ascii: "_") }
    }

    private static func isLowerOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
