import ConvocaAPI
import Database
import Foundation

/// The blocking `submission` rules of the call's current ruleset, checked inside the submitting transaction.
enum SubmissionRules {
    /// Every failed rule (`rules/<id>`, with its messages) and the version of the ruleset evaluated, nil
    /// when the call has no ruleset. A rule that cannot be evaluated fails too: a broken rule must not let
    /// ineligible proposals through.
    ///
    /// The rules run on the facts the submitter may see (`FactsView`): a submission is never refused for a fact the
    /// submitter may not be told. A rule that reads a withheld fact is left to screening, which evaluates the
    /// `submission` rules again on every fact.
    static func failures(
        _ connection: Connection, proposal: Components.Schemas.Proposal, call: Components.Schemas.Call, callID: UUID,
        at instant: Date, submitter: Principal
    ) async throws -> (failed: [Problem.FieldError], rulesetVersion: Int?) {
        guard let ruleset = try await RulesetService.current(connection, callID: callID) else { return ([], nil) }
        let whole = try await FactsBuilder.build(connection, proposal: proposal, call: call, at: instant)
        let view = FactsView(for: submitter, facts: whole)
        let failed = ruleset.evaluate(try FactsBuilder.document(view.apply(to: whole)), phases: ["submission"], blockingOnly: true)
            .filter { $0.blocks && view.shows(readPaths: $0.reads.map(\.path)) }
        let errors = failed.map { result -> Problem.FieldError in
            // The rule's own messages, in every language; the problem is rendered in the request's.
            let texts = Dictionary(uniqueKeysWithValues: Language.allCases.map { language in
                let message = result.entry.message(in: language)
                let text = result.error.map { "\(message) (\($0.errorType): \(Message.ruleError($0).text(in: language)))" }
                return (language, text ?? message)
            })
            return .init(pointer: "rules/\(result.entry.id)", detail: .translated(texts))
        }
        return (errors, ruleset.version)
    }
}
