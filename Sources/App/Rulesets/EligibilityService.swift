import ConvocaAPI
import Database
import Foundation
import Rules

/// Facts, the eligibility dry run, and screening: what a call's ruleset says about one proposal.
struct EligibilityService: Sendable {
    let pool: DatabasePool
    let audit: AuditLog
    let now: @Sendable () -> Date

    typealias Facts = Components.Schemas.Facts
    typealias Eligibility = Components.Schemas.Eligibility
    typealias Screening = Components.Schemas.Screening
    typealias Proposal = Components.Schemas.Proposal
    typealias Call = Components.Schemas.Call

    /// The facts the rules read about a proposal the caller may see (others answer 404, as for the proposal),
    /// cut down to what the caller may read (`FactsView`).
    func facts(_ id: String) async throws -> Facts {
        let visibility = try ProposalService.visibility()
        let principal = try Principal.current
        let instant = now()
        return try await pool.withConnection { connection in
            let (proposal, call, _) = try await Self.load(connection, id, visibility: visibility)
            let facts = try await FactsBuilder.build(connection, proposal: proposal, call: call, at: instant)
            return FactsView(for: principal, facts: facts).apply(to: facts)
        }
    }

    /// A dry run of the current ruleset's rules of `phases` (the eligibility phases when nil); nothing is stored.
    /// The rules run on the facts the caller may see, and those that read a withheld fact are left out.
    func eligibility(_ id: String, phases: [String]?) async throws -> Eligibility {
        let visibility = try ProposalService.visibility()
        let principal = try Principal.current
        let named = phases.flatMap { $0.isEmpty ? nil : $0 } ?? CompiledRuleset.eligibilityPhases
        var v = Validator()
        for (index, phase) in named.enumerated() {
            v.check(RulesetValidation.isPhase(phase), "phase/\(index)", .notAPhaseName)
        }
        try v.throwIfInvalid()
        // A phase named twice is evaluated, and answered, once, in the order first given.
        var seen = Set<String>()
        let phases = named.filter { seen.insert($0).inserted }
        let instant = now()
        let language = RequestScope.language
        return try await pool.withConnection { connection in
            let (proposal, call, callID) = try await Self.load(connection, id, visibility: visibility)
            guard let ruleset = try await RulesetService.current(connection, callID: callID) else {
                throw Problem.notFound(.noRulesetYet(call: call.code))
            }
            let whole = try await FactsBuilder.build(connection, proposal: proposal, call: call, at: instant)
            let view = FactsView(for: principal, facts: whole)
            let results = ruleset.evaluate(try FactsBuilder.document(view.apply(to: whole)), phases: Set(phases))
                .filter { view.shows(readPaths: $0.reads.map(\.path)) }
            return Eligibility(
                proposalId: proposal.id, callId: proposal.callId, rulesetVersion: ruleset.version, evaluatedAt: instant,
                phases: phases, outcome: results.contains(where: \.blocks) ? .fail : .pass,
                rules: results.map { Self.representation($0, in: language) })
        }
    }

    /// Screens a submitted proposal against the current ruleset's eligibility rules and records the decision.
    func screen(_ id: String, idempotencyKey: String?) async throws -> (Screening, Language) {
        let principal = try Principal.current
        let actor = AuditActor.current
        guard let uuid = UUID(exactly: id) else { throw Problem.notFound(.noSuch(.proposal, id)) }
        let instant = now()
        let language = RequestScope.language
        let request = try IdempotentRequest(
            key: idempotencyKey, principal: principal, operation: "screenProposal",
            target: "/v1/proposals/\(id)/screening", body: "")
        let answer = try await request.run(pool) { connection in
            let (proposal, call, callID) = try await Self.lockSubmitted(connection, uuid)
            guard let ruleset = try await RulesetService.current(connection, callID: callID) else {
                throw Problem(.conflict, detail: .noRulesetToScreenWith(call: call.code))
            }
            let facts = try await FactsBuilder.document(FactsBuilder.build(connection, proposal: proposal, call: call, at: instant))
            let results = ruleset.evaluate(facts, phases: Set(CompiledRuleset.eligibilityPhases))
            let decision: Components.Schemas.ScreeningDecision = results.contains(where: \.blocks) ? .ineligible : .eligible
            let previous = try await RulesetRepository.currentScreening(connection, proposalID: uuid)
            try await RulesetRepository.insertScreening(connection, proposalID: uuid, .init(
                kind: "evaluation", decision: decision.rawValue, rulesetVersion: ruleset.version,
                results: try Representation.json(results.map { Self.representation($0, in: .en) }),
                actorTokenID: principal.tokenID, actorRole: principal.role.rawValue, decidedAt: instant))
            try await audit.record(
                connection, actor: actor, action: "proposal.screened", entity: "proposal", id: uuid.lowercasedString,
                changes: .fields([
                    "screening": (old: previous.map { .string($0.override?.decision ?? $0.evaluation.decision) } ?? .null,
                                  new: .string(decision.rawValue)),
                    "rulesetVersion": (old: .null, new: .number(Double(ruleset.version))),
                    "failedRules": (old: .null, new: .array(results.filter(\.blocks).map { .string($0.entry.id) })),
                ]))
            return await .init(
                status: 200, body: try Representation.json(Self.screening(connection, uuid, callID: callID, in: language)!),
                language: language)
        }
        return (try Representation.decode(Screening.self, from: answer.body), answer.language ?? language)
    }

    /// Overrides the latest screening decision; the evaluation is kept beside the override.
    func override(_ id: String, _ input: Components.Schemas.ScreeningOverrideInput, idempotencyKey: String?) async throws
        -> (Screening, Language)
    {
        let principal = try Principal.current
        let actor = AuditActor.current
        guard let uuid = UUID(exactly: id) else { throw Problem.notFound(.noSuch(.proposal, id)) }
        var v = Validator()
        v.text(input.justification, "/justification", required: true, max: 5000)
        ContractConstraints.shared.check(input, schema: "ScreeningOverrideInput", into: &v)
        try v.throwIfInvalid()
        let instant = now()
        let language = RequestScope.language
        let request = try IdempotentRequest(
            key: idempotencyKey, principal: principal, operation: "overrideProposalScreening",
            target: "/v1/proposals/\(id)/screening/override", body: try Representation.json(input))
        let answer = try await request.run(pool) { connection in
            guard let row = try await ProposalRepository.find(connection, id: uuid, visibility: .init(organisationIDs: nil), forUpdate: true)
            else { throw Problem.notFound(.noSuch(.proposal, id)) }
            // As for screening itself: a withdrawn proposal's decision stands as it was.
            guard row.status == "submitted" else { throw Problem(.conflict, detail: .onlySubmittedOverridden(status: row.status)) }
            guard let previous = try await RulesetRepository.currentScreening(connection, proposalID: uuid) else {
                throw Problem(.conflict, detail: .screenBeforeOverriding)
            }
            try await RulesetRepository.insertScreening(connection, proposalID: uuid, .init(
                kind: "override", decision: input.decision.rawValue, justification: input.justification,
                actorTokenID: principal.tokenID, actorRole: principal.role.rawValue, decidedAt: instant))
            try await audit.record(
                connection, actor: actor, action: "proposal.screening_overridden", entity: "proposal", id: uuid.lowercasedString,
                changes: .fields([
                    "screening": (old: .string(previous.override?.decision ?? previous.evaluation.decision),
                                  new: .string(input.decision.rawValue)),
                    "justification": (old: previous.override?.justification.map(JSONValue.string) ?? .null,
                                      new: .string(input.justification)),
                ]))
            return await .init(
                status: 200, body: try Representation.json(Self.screening(connection, uuid, callID: row.callID, in: language)!),
                language: language)
        }
        return (try Representation.decode(Screening.self, from: answer.body), answer.language ?? language)
    }

    /// The decision as it stands: the latest evaluation, and the override made after it if any. The evaluation
    /// lists only the rules that read no fact withheld from the caller; the decision is the one in force.
    func screening(_ id: String) async throws -> Screening {
        guard let uuid = UUID(exactly: id) else { throw Problem.notFound(.noSuch(.proposal, id)) }
        let language = RequestScope.language
        let principal = try Principal.current
        let (found, view) = try await pool.withConnection { connection -> (Screening?, FactsView) in
            guard let row = try await ProposalRepository.find(connection, id: uuid, visibility: .init(organisationIDs: nil)) else {
                throw Problem.notFound(.noSuch(.proposal, id))
            }
            let proposal = try Representation.decode(Proposal.self, from: row.json)
            let view = FactsView(
                for: principal, lead: proposal.leadOrganisationId, partners: (proposal.partners ?? []).map(\.organisationId))
            return (try await Self.screening(connection, uuid, callID: row.callID, in: language), view)
        }
        guard var screening = found else { throw Problem.notFound(.notScreened(proposal: id)) }
        screening.evaluation.rules.removeAll { !view.shows(readPaths: $0.facts.map(\.path)) }
        // The override's justification is the secretariat's reason, which may speak of due diligence.
        if !principal.seesDueDiligence { screening.override?.justification = nil }
        return screening
    }

    // MARK: - Shared

    /// A proposal the caller may see, with its call.
    static func load(_ connection: Connection, _ id: String, visibility: ProposalRepository.Visibility) async throws
        -> (Proposal, Call, UUID)
    {
        guard let uuid = UUID(exactly: id),
            let row = try await ProposalRepository.find(connection, id: uuid, visibility: visibility)
        else { throw Problem.notFound(.noSuch(.proposal, id)) }
        let proposal = try Representation.decode(Proposal.self, from: row.json)
        guard let (callID, callRow) = try await CallRepository.find(connection, row.callID.uuidString) else {
            throw Problem.notFound(.noCallForProposal(id))
        }
        return (proposal, try Representation.decode(Call.self, from: callRow.json), callID)
    }

    /// A submitted proposal, locked so that its screenings are recorded one after the other.
    static func lockSubmitted(_ connection: Connection, _ id: UUID) async throws -> (Proposal, Call, UUID) {
        guard let row = try await ProposalRepository.find(connection, id: id, visibility: .init(organisationIDs: nil), forUpdate: true)
        else { throw Problem.notFound(.noSuch(.proposal, id.lowercasedString)) }
        guard row.status == "submitted" else {
            throw Problem(.conflict, detail: .onlySubmittedScreened(status: row.status))
        }
        let proposal = try Representation.decode(Proposal.self, from: row.json)
        guard let (callID, callRow) = try await CallRepository.find(connection, row.callID.uuidString) else {
            throw Problem.notFound(.noCallForProposal(id.lowercasedString))
        }
        return (proposal, try Representation.decode(Call.self, from: callRow.json), callID)
    }

    static func representation(_ result: CompiledRuleset.Result, in language: Language) -> Components.Schemas.RuleResult {
        .init(
            id: result.entry.id, phase: result.entry.phase,
            severity: result.entry.severity == .blocking ? .blocking : .warning,
            outcome: Components.Schemas.RuleOutcome(rawValue: result.outcome.rawValue)!,
            message: result.entry.message(in: language),
            facts: result.reads.map { .init(path: $0.path, value: RuleJSON.container($0.value)) },
            error: result.error.map { .init(errorType: $0.errorType, message: $0.message) })
    }

    /// The screening representation; stored results carry English messages, shown in the reader's language.
    static func screening(_ connection: Connection, _ proposalID: UUID, callID: UUID, in language: Language) async throws -> Screening? {
        guard let (evaluation, override) = try await RulesetRepository.currentScreening(connection, proposalID: proposalID),
            let version = evaluation.rulesetVersion
        else { return nil }
        let entries = try await RulesetService.find(connection, callID: callID, version: version)?.entries ?? []
        let messages = Dictionary(entries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var rules = try Representation.decode([Components.Schemas.RuleResult].self, from: evaluation.results ?? "[]")
        for index in rules.indices {
            if let entry = messages[rules[index].id] { rules[index].message = entry.message(in: language) }
        }
        let evaluated = Components.Schemas.ScreeningEvaluation(
            decision: .init(rawValue: evaluation.decision)!, rulesetVersion: version, evaluatedAt: evaluation.decidedAt,
            rules: rules, actor: actor(evaluation))
        let overridden = override.map {
            Components.Schemas.ScreeningOverride(
                decision: .init(rawValue: $0.decision)!, justification: $0.justification ?? "", decidedAt: $0.decidedAt,
                actor: actor($0))
        }
        return Screening(
            proposalId: proposalID.lowercasedString, decision: overridden?.decision ?? evaluated.decision,
            evaluation: evaluated, override: overridden)
    }

    private static func actor(_ screening: RulesetRepository.Screening) -> Components.Schemas.AuditActor {
        .init(tokenId: screening.actorTokenID?.lowercasedString, role: screening.actorRole)
    }
}
