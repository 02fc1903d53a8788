import Foundation
import Rules

/// One version of a call's ruleset with every expression compiled: what submission, screening and the
/// eligibility dry run evaluate.
struct CompiledRuleset: Sendable {
    enum Severity: String, Sendable { case blocking, warning }

    struct Entry: Sendable {
        var id: String
        var phase: String
        var severity: Severity
        var messages: [Language: String]
        var rule: CompiledRule

        /// The message in `language`, English when the rule has none in it.
        func message(in language: Language) -> String {
            messages[language] ?? messages[.en] ?? id
        }
    }

    /// What one rule gave on one facts document.
    struct Result: Sendable {
        enum Outcome: String, Sendable { case pass, fail, error }
        var entry: Entry
        var outcome: Outcome
        var reads: [FactRead]
        var error: RuleError?

        /// A blocking rule that did not pass stops its phase (an evaluation error counts as a failure).
        var blocks: Bool { entry.severity == .blocking && outcome != .pass }
    }

    var callID: UUID
    var version: Int
    var entries: [Entry]

    /// The phases whose rules decide eligibility: the dry run's default and what screening evaluates.
    static let eligibilityPhases = ["submission", "screening"]

    /// Evaluates the rules of `phases` (all when nil) in ruleset order, recording the facts each one read.
    func evaluate(_ facts: JSONValue, phases: Set<String>? = nil, blockingOnly: Bool = false) -> [Result] {
        var results: [Result] = []
        for entry in entries {
            if let phases, !phases.contains(entry.phase) { continue }
            if blockingOnly && entry.severity != .blocking { continue }
            var reads: [FactRead] = []
            do {
                let value = try entry.rule.evaluate(facts, reads: &reads)
                results.append(Result(entry: entry, outcome: value.isTruthy ? .pass : .fail, reads: reads))
            } catch {
                results.append(Result(entry: entry, outcome: .error, reads: reads, error: error))
            }
        }
        return results
    }
}

extension CompiledRuleset {
    /// Room for the ruleset document around expressions that use the whole nesting budget.
    static let documentLimits = RuleLimits(maxDepth: RuleLimits.default.maxDepth + 8)

    /// A stored ruleset document (`RulesetInput` as JSON), validated when it was published.
    init(callID: UUID, version: Int, document: String) throws {
        let value = try JSONValue(parsing: Array(document.utf8), limits: Self.documentLimits)
        guard case .object(let fields) = value, case .array(let rules)? = fields["rules"] else {
            throw RulesetDocumentError(detail: "ruleset \(version) has no rules array")
        }
        var entries: [Entry] = []
        for rule in rules {
            guard case .object(let rule) = rule, case .string(let id)? = rule["id"], case .string(let phase)? = rule["phase"],
                case .string(let severityText)? = rule["severity"], let severity = Severity(rawValue: severityText),
                case .object(let messageFields)? = rule["messages"], let expression = rule["expression"]
            else { throw RulesetDocumentError(detail: "ruleset \(version) holds a malformed rule") }
            var messages: [Language: String] = [:]
            for (code, text) in messageFields {
                if let language = Language(rawValue: code), case .string(let text) = text { messages[language] = text }
            }
            entries.append(Entry(id: id, phase: phase, severity: severity, messages: messages, rule: try CompiledRule(expression)))
        }
        self.init(callID: callID, version: version, entries: entries)
    }
}

/// A stored ruleset that no longer reads as one (only possible if the table was edited by hand).
struct RulesetDocumentError: Error, CustomStringConvertible {
    var detail: String
    var description: String { detail }
}
