import ConvocaAPI
import Foundation

/// Checks on proposals: values on every write, completeness against the call at submission.
enum ProposalValidation {
    typealias Input = Components.Schemas.ProposalInput

    /// Every write: well-formed values (a draft may still be incomplete).
    static func validate(_ proposal: Input) throws(Problem) {
        var v = Validator()
        v.text(proposal.title, "/title", max: 300)
        v.text(proposal.summary, "/summary", max: 5000)
        v.text(proposal.need, "/need", max: 10000)
        if let lead = proposal.projectLead {
            v.text(lead.name, "/projectLead/name", required: true, max: 200)
            v.email(lead.email, "/projectLead/email")
        }
        for (index, code) in (proposal.countries ?? []).enumerated() { v.country(code, "/countries/\(index)") }
        v.unique(proposal.countries ?? [], "/countries", what: "country")
        v.unique(proposal.questionIds ?? [], "/questionIds", what: "id")
        v.unique(proposal.solutionTypeIds ?? [], "/solutionTypeIds", what: "id")
        v.unique(proposal.targetGroups ?? [], "/targetGroups", what: "target group")
        v.check(UUID(uuidString: proposal.leadOrganisationId) != nil, "/leadOrganisationId", "is not a UUID")
        for (index, partner) in (proposal.partners ?? []).enumerated() {
            v.check(UUID(uuidString: partner.organisationId) != nil, "/partners/\(index)/organisationId", "is not a UUID")
            v.check(partner.organisationId.lowercased() != proposal.leadOrganisationId.lowercased(),
                    "/partners/\(index)/organisationId", "is the lead organisation")
            v.text(partner.role, "/partners/\(index)/role", required: true, max: 200)
        }
        v.unique((proposal.partners ?? []).map { $0.organisationId.lowercased() }, "/partners", what: "organisation")
        for (index, support) in (proposal.stakeholderSupport ?? []).enumerated() {
            v.text(support.name, "/stakeholderSupport/\(index)/name", required: true, max: 200)
            v.text(support.organisation, "/stakeholderSupport/\(index)/organisation", required: true, max: 300)
        }
        try v.throwIfInvalid()
    }

    /// At submission: every required field present, and every id, country and language one the call accepts.
    static func completeness(_ p: Input, call: Components.Schemas.Call, submittedAt: Date) -> [Problem.FieldError] {
        var v = Validator()
        v.text(p.title, "/title", required: true, max: 300)
        v.text(p.summary, "/summary", required: true, max: 5000)
        v.text(p.need, "/need", required: true, max: 10000)
        v.check(p.projectLead != nil, "/projectLead", "is required")
        v.check(p.stage != nil, "/stage", "is required")
        v.check(p.labAvailability != nil, "/labAvailability", "is required")
        if let language = p.language {
            v.check(call.languages.contains(language), "/language", "is not a language this call accepts")
        } else {
            v.fail("/language", "is required")
        }
        requireSome(&v, p.questionIds, "/questionIds", of: Set(call.questions.map(\.id)), what: "question of this call")
        requireSome(&v, p.solutionTypeIds, "/solutionTypeIds", of: Set(call.solutionTypes.map(\.id)), what: "solution type of this call")
        requireSome(&v, p.targetGroups, "/targetGroups", of: Set(call.targetGroups.map(\.id)), what: "target group of this call")
        requireSome(&v, p.countries, "/countries", of: Set(call.eligibleCountries), what: "country eligible in this call")
        if let stage = p.stage, let stages = call.stages, !stages.isEmpty {
            v.check(stages.contains(stage), "/stage", "is not a stage this call accepts")
        }
        if submittedAt >= call.deadline {
            v.fail("", "the call's deadline (\(Representation.instant(call.deadline))) has passed")
        }
        if submittedAt < call.opensAt {
            v.fail("", "the call opens at \(Representation.instant(call.opensAt))")
        }
        return v.errors
    }

    private static func requireSome(_ v: inout Validator, _ values: [String]?, _ pointer: String, of allowed: Set<String>, what: String) {
        guard let values, !values.isEmpty else {
            v.fail(pointer, "needs at least one \(what)")
            return
        }
        for (index, value) in values.enumerated() where !allowed.contains(value) {
            v.fail("\(pointer)/\(index)", "is not a \(what)")
        }
    }
}
