import ConvocaAPI
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func evaluateRule(_ input: Operations.EvaluateRule.Input) async throws -> Operations.EvaluateRule.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType) }
        let result = try rulesets.evaluate(rule: RuleJSON.value(body.rule), data: RuleJSON.value(body.data))
        return .ok(.init(
            headers: .init(xRequestId: RequestScope.requestID), body: .json(.init(result: RuleJSON.container(result)))))
    }

    func listRulesets(_ input: Operations.ListRulesets.Input) async throws -> Operations.ListRulesets.Output {
        let callID = input.path.callId
        let request = PageRequest(
            path: "/v1/calls/\(callID)/rulesets", query: [("limit", input.query.limit.map(String.init))].compactMap(Self.pair),
            cursor: input.query.cursor, limit: input.query.limit, key: try await cursorKey.current())
        let page = try await rulesets.list(callReference: callID, page: request)
        let link = request.link(next: page.next)
        return .ok(.init(
            headers: .init(xRequestId: RequestScope.requestID, link: link),
            body: .json(.init(items: page.items, nextCursor: page.next))))
    }

    func createRuleset(_ input: Operations.CreateRuleset.Input) async throws -> Operations.CreateRuleset.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType) }
        let ruleset = try await rulesets.create(
            callReference: input.path.callId, body, idempotencyKey: input.headers.idempotencyKey)
        return .created(.init(headers: .init(xRequestId: RequestScope.requestID), body: .json(ruleset)))
    }

    func getCurrentRuleset(_ input: Operations.GetCurrentRuleset.Input) async throws -> Operations.GetCurrentRuleset.Output {
        let ruleset = try await rulesets.current(callReference: input.path.callId)
        return .ok(.init(headers: .init(xRequestId: RequestScope.requestID), body: .json(ruleset)))
    }

    func getProposalFacts(_ input: Operations.GetProposalFacts.Input) async throws -> Operations.GetProposalFacts.Output {
        let facts = try await eligibility.facts(input.path.proposalId)
        return .ok(.init(headers: .init(xRequestId: RequestScope.requestID), body: .json(facts)))
    }

    func getProposalEligibility(_ input: Operations.GetProposalEligibility.Input) async throws
        -> Operations.GetProposalEligibility.Output
    {
        let result = try await eligibility.eligibility(input.path.proposalId, phases: input.query.phase)
        return .ok(.init(headers: .init(RequestScope.language), body: .json(result)))
    }

    func getProposalScreening(_ input: Operations.GetProposalScreening.Input) async throws -> Operations.GetProposalScreening.Output {
        let screening = try await eligibility.screening(input.path.proposalId)
        return .ok(.init(headers: .init(RequestScope.language), body: .json(screening)))
    }

    func screenProposal(_ input: Operations.ScreenProposal.Input) async throws -> Operations.ScreenProposal.Output {
        let (screening, language) = try await eligibility.screen(input.path.proposalId, idempotencyKey: input.headers.idempotencyKey)
        return .ok(.init(headers: .init(language), body: .json(screening)))
    }

    func overrideProposalScreening(_ input: Operations.OverrideProposalScreening.Input) async throws
        -> Operations.OverrideProposalScreening.Output
    {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType) }
        let (screening, language) = try await eligibility.override(
            input.path.proposalId, body, idempotencyKey: input.headers.idempotencyKey)
        return .ok(.init(headers: .init(language), body: .json(screening)))
    }
}

/// The headers of an answer whose texts (rule messages) are in a negotiated language: it says which, and that
/// caches must key on `Accept-Language` (RFC 9110 §12.5.5).
protocol LocalisedAnswerHeaders {
    init(xRequestId: String?, contentLanguage: String?, vary: String?)
}

extension LocalisedAnswerHeaders {
    init(_ language: Language) {
        self.init(xRequestId: RequestScope.requestID, contentLanguage: language.rawValue, vary: "Accept-Language")
    }
}

extension Operations.GetProposalEligibility.Output.Ok.Headers: LocalisedAnswerHeaders {}
extension Operations.GetProposalScreening.Output.Ok.Headers: LocalisedAnswerHeaders {}
extension Operations.ScreenProposal.Output.Ok.Headers: LocalisedAnswerHeaders {}
extension Operations.OverrideProposalScreening.Output.Ok.Headers: LocalisedAnswerHeaders {}
