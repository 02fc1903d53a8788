import Foundation
import Rules

/// Evaluates every rule of a ruleset against one facts document, many times, and prints the median and 99th
/// percentile of one whole-ruleset evaluation and the evaluations per second.
/// Usage: convoca-rules-bench [RULESET.json] [FACTS.json] [ITERATIONS]
@main
struct RulesBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments
        let rulesetPath = arguments.count > 1 ? arguments[1] : "seed/rulesets/LAC-2021.json"
        let factsPath = arguments.count > 2 ? arguments[2] : "bench/facts-LAC-2021.json"
        let iterations = arguments.count > 3 ? Int(arguments[3]) ?? 200_000 : 200_000

        let factsData = try Data(contentsOf: URL(fileURLWithPath: factsPath))
        let facts = try JSONValue(parsing: Array(factsData))
        let rules = try compile(Data(contentsOf: URL(fileURLWithPath: rulesetPath)))
        print("ruleset \(rulesetPath): \(rules.count) rules; facts \(factsPath): \(factsData.count) bytes; \(iterations) evaluations")

        for (label, recording) in [("plain (submission check)", false), ("with facts read (eligibility)", true)] {
            var passed = 0
            // Warm caches and branch predictors before measuring.
            for _ in 0..<min(10_000, iterations) { passed &+= evaluateAll(rules, facts, recording: recording) }
            var samples = [Int64](repeating: 0, count: iterations)
            let clock = ContinuousClock()
            let started = clock.now
            for index in 0..<iterations {
                let start = clock.now
                passed &+= evaluateAll(rules, facts, recording: recording)
                samples[index] = nanoseconds(clock.now - start)
            }
            let total = clock.now - started
            samples.sort()
            let median = samples[samples.count / 2]
            let p99 = samples[min(samples.count - 1, samples.count * 99 / 100)]
            let perSecond = Double(iterations) / (Double(nanoseconds(total)) / 1e9)
            print(String(
                format: "%@: median %.2f µs, p99 %.2f µs, %.0f rulesets/s (%.1f M rules/s) [%d passes]",
                label, Double(median) / 1000, Double(p99) / 1000, perSecond, perSecond * Double(rules.count) / 1e6, passed))
        }
    }

    static func compile(_ data: Data) throws -> [CompiledRule] {
        let document = try JSONValue(parsing: Array(data), limits: RuleLimits(maxDepth: 80))
        guard case .object(let fields) = document, case .array(let rules)? = fields["rules"] else {
            throw RuleError.invalidArguments(operator: "ruleset", detail: "no rules array")
        }
        return try rules.map { rule in
            guard case .object(let rule) = rule, let expression = rule["expression"] else {
                throw RuleError.invalidArguments(operator: "ruleset", detail: "a rule without an expression")
            }
            return try CompiledRule(expression)
        }
    }

    /// One whole-ruleset evaluation; returns how many rules passed (so the work cannot be optimised away).
    @inline(never)
    static func evaluateAll(_ rules: [CompiledRule], _ facts: JSONValue, recording: Bool) -> Int {
        var passed = 0
        for rule in rules {
            if recording {
                var reads: [FactRead] = []
                if (try? rule.evaluate(facts, reads: &reads))?.isTruthy == true { passed += 1 }
            } else if (try? rule.evaluate(facts))?.isTruthy == true {
                passed += 1
            }
        }
        return passed
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
