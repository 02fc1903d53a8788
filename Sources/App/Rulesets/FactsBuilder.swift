import ConvocaAPI
import Database
import Foundation
import Rules

/// Assembles the facts document rules read about one proposal, from the database, at one instant.
///
/// The typed `Facts` is both what `GET /v1/proposals/{id}/facts` answers and, encoded the same way, what the
/// service evaluates, so a front end running the rules on the fetched document gets the same outcomes.
enum FactsBuilder {
    typealias Facts = Components.Schemas.Facts
    typealias Proposal = Components.Schemas.Proposal
    typealias Call = Components.Schemas.Call
    typealias Organisation = Components.Schemas.Organisation

    static func build(_ connection: Connection, proposal: Proposal, call: Call, at now: Date) async throws -> Facts {
        let links = proposal.partners ?? []
        let ids = ([proposal.leadOrganisationId] + links.map(\.organisationId)).compactMap(UUID.init(exactly:))
        var organisations: [String: Organisation] = [:]
        if !ids.isEmpty {
            let rows = try await connection.query(
                "SELECT \(OrganisationRepository.representation) FROM organisations WHERE id = ANY(\(ids))")
            for row in rows {
                let organisation = try Representation.decode(Organisation.self, from: OrganisationRepository.decodeRow(row).json)
                organisations[organisation.id.lowercased()] = organisation
            }
        }
        guard let lead = organisations[proposal.leadOrganisationId.lowercased()] else {
            throw RulesetDocumentError(detail: "the lead organisation of proposal \(proposal.id) is missing")
        }
        let partners = links.compactMap { link in organisations[link.organisationId.lowercased()].map { (link, $0) } }
        // Grants arrive with the grants work; until then no proposal has one.
        return make(call: call, proposal: proposal, lead: lead, partners: partners, grant: nil, at: now)
    }

    /// The facts from records already read (no database): the part tests and the grants work build on.
    static func make(
        call: Call, proposal: Proposal, lead: Organisation,
        partners: [(link: Components.Schemas.Partner, organisation: Organisation)],
        grant: Components.Schemas.FactsGrant?, at now: Date
    ) -> Facts {
        let timeZone = TimeZone(identifier: call.timezone) ?? TimeZone(identifier: "UTC")!
        let eligible = Set(call.eligibleCountries)
        let countries = proposal.countries ?? []
        let callQuestions = Set(call.questions.map(\.id))
        let localCurrencies = unique(countries.flatMap { ReferenceData.localCurrencies[$0] ?? [] })
        let submittedAt = proposal.receipt?.submittedAt

        var derived = Components.Schemas.FactsDerived(
            leadOrganisationFullYearsBeforeDeadline: lead.foundedOn.flatMap {
                fullCalendarYears(foundedOn: $0, before: call.deadline, in: timeZone)
            },
            submittedBeforeDeadline: (submittedAt ?? now) < call.deadline,
            countriesInCall: countries.filter { eligible.contains($0) },
            countriesOutsideCall: countries.filter { !eligible.contains($0) },
            callQuestionsAnswered: (proposal.questionIds ?? []).filter { callQuestions.contains($0) },
            localCurrencies: localCurrencies)
        if let grant {
            derived.workplanDeliveredWithinDays = deliveredWithin(
                days: call.workplanDueDays, of: grant.awardedAt, deliveredAt: grant.workplan?.deliveredAt, in: timeZone)
            derived.bankAccountHolderMatchesLead = grant.bankAccount.map { sameLegalName($0.holderName, lead.legalName) } ?? false
            derived.payoutCurrencyIsLocal = grant.payoutCurrency.map { localCurrencies.contains($0) } ?? false
        }

        return Facts(
            evaluatedAt: now,
            call: .init(
                id: call.id, code: call.code, timezone: call.timezone, opensAt: call.opensAt, deadline: call.deadline,
                languages: call.languages, eligibleCountries: call.eligibleCountries,
                organisationKinds: call.organisationKinds ?? [], stages: call.stages ?? [],
                questionIds: call.questions.map(\.id), solutionTypeIds: call.solutionTypes.map(\.id),
                targetGroupIds: call.targetGroups.map(\.id), workplanDueDays: call.workplanDueDays,
                minOrganisationAgeYears: call.minOrganisationAgeYears, labStartsOn: call.labStartsOn, prizes: call.prizes,
                payout: call.payout),
            proposal: .init(
                id: proposal.id, callId: proposal.callId, status: proposal.status, submittedAt: submittedAt,
                receipt: proposal.receipt, rulesetVersion: proposal.rulesetVersion,
                leadOrganisationId: proposal.leadOrganisationId, partners: proposal.partners ?? [],
                projectLead: proposal.projectLead, title: proposal.title, summary: proposal.summary, need: proposal.need,
                language: proposal.language, stage: proposal.stage, questionIds: proposal.questionIds ?? [],
                solutionTypeIds: proposal.solutionTypeIds ?? [], countries: countries,
                targetGroups: proposal.targetGroups ?? [], stakeholderSupport: proposal.stakeholderSupport ?? [],
                labAvailability: proposal.labAvailability, version: proposal.version, createdAt: proposal.createdAt,
                updatedAt: proposal.updatedAt),
            leadOrganisation: .init(
                id: lead.id, legalName: lead.legalName, kind: lead.kind, nonProfit: lead.nonProfit,
                contractualCapacity: lead.contractualCapacity, registered: lead.registration != nil,
                registration: lead.registration, foundedOn: lead.foundedOn, country: lead.country,
                dueDiligence: lead.dueDiligence?.status ?? .pending),
            partners: partners.map { link, organisation in
                .init(
                    organisationId: organisation.id, role: link.role, legalName: organisation.legalName,
                    kind: organisation.kind, nonProfit: organisation.nonProfit,
                    contractualCapacity: organisation.contractualCapacity, registered: organisation.registration != nil,
                    foundedOn: organisation.foundedOn, country: organisation.country,
                    dueDiligence: organisation.dueDiligence?.status ?? .pending)
            },
            grant: grant,
            derived: derived)
    }

    /// The facts as rules read them: the JSON the API writes for them.
    static func document(_ facts: Facts) throws -> JSONValue {
        try Representation.value(facts)
    }

    // MARK: - Derived values

    /// Whole calendar years (1 January to 31 December in the call's time zone) between the founding day and the
    /// deadline. A year counts when the organisation existed on its first day and the year ended by the deadline:
    /// for a deadline in 2021, founded 2019-01-01 → 2 (2019, 2020), founded 2019-01-02 → 1 (2020).
    static func fullCalendarYears(foundedOn: String, before deadline: Date, in timeZone: TimeZone) -> Int? {
        guard let founded = Validator.calendarDate(foundedOn), let year = founded.year else { return nil }
        let firstFullYear = founded.month == 1 && founded.day == 1 ? year : year + 1
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // The deadline is exclusive, so the year it falls in is complete only if it falls on 1 January at 00:00,
        // which is then already the next year.
        let lastFullYear = calendar.component(.year, from: deadline) - 1
        return max(0, lastFullYear - firstFullYear + 1)
    }

    /// Delivered no later than `days` calendar days (in the call's time zone) after the award.
    static func deliveredWithin(days: Int, of awardedAt: Date, deliveredAt: Date?, in timeZone: TimeZone) -> Bool {
        guard let deliveredAt else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let limit = calendar.date(byAdding: .day, value: days, to: awardedAt) else { return false }
        return deliveredAt <= limit
    }

    /// Legal names compared as banks write them: letters and digits only, ignoring case, accents and spacing
    /// ("Fundación Formaliza, A.C." is "FUNDACION FORMALIZA AC").
    static func sameLegalName(_ holder: String, _ legalName: String) -> Bool {
        let key = { (name: String) -> String in
            let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            return String(folded.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
        }
        let holderKey = key(holder)
        return !holderKey.isEmpty && holderKey == key(legalName)
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
