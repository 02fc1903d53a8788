import ConvocaAPI
import Foundation
import Rules

/// Checks on proposals: values on every write, completeness against the call at submission.
enum ProposalValidation {
    typealias Input = Components.Schemas.ProposalInput

    /// Every write: well-formed values (a draft may still be incomplete). `document` is the
    /// proposal as JSON when the caller has it already.
    static func validate(_ proposal: Input, document: String? = nil) throws(Problem) {
        let errors = faults(proposal, document: document)
        guard errors.isEmpty else { throw Problem.validation(errors) }
    }

    /// What `validate` refuses, each at its pointer.
    static func faults(_ proposal: Input, document: String? = nil) -> [Problem.FieldError] {
        var v = Validator()
        v.text(proposal.title, "/title", max: 300)
        v.text(proposal.summary, "/summary", max: 5000)
        v.text(proposal.need, "/need", max: 10000)
        if let lead = proposal.projectLead {
            v.text(lead.name, "/projectLead/name", required: true, max: 200)
            v.email(lead.email, "/projectLead/email")
        }
        v.unique(proposal.countries ?? [], "/countries", what: .country)
        v.unique(proposal.questionIds ?? [], "/questionIds", what: .id)
        v.unique(proposal.solutionTypeIds ?? [], "/solutionTypeIds", what: .id)
        v.unique(proposal.targetGroups ?? [], "/targetGroups", what: .targetGroup)
        v.check(UUID(exactly: proposal.leadOrganisationId) != nil, "/leadOrganisationId", .notAUUID)
        for (index, partner) in (proposal.partners ?? []).enumerated() {
            v.check(UUID(exactly: partner.organisationId) != nil, "/partners/\(index)/organisationId", .notAUUID)
            v.check(partner.organisationId.lowercased() != proposal.leadOrganisationId.lowercased(),
                    "/partners/\(index)/organisationId", .isTheLeadOrganisation)
            v.text(partner.role, "/partners/\(index)/role", required: true, max: 200)
        }
        v.unique((proposal.partners ?? []).map { $0.organisationId.lowercased() }, "/partners", what: .organisation)
        for (index, support) in (proposal.stakeholderSupport ?? []).enumerated() {
            v.text(support.name, "/stakeholderSupport/\(index)/name", required: true, max: 200)
            v.text(support.organisation, "/stakeholderSupport/\(index)/organisation", required: true, max: 300)
        }
        if let document, let value = try? JSONValue(parsing: Array(document.utf8)) {
            ContractConstraints.shared.check(value, schema: "ProposalInput", into: &v)
        } else {
            ContractConstraints.shared.check(proposal, schema: "ProposalInput", into: &v)
        }
        return v.errors
    }

    /// At submission: every required field present, and every id, country and language one the call accepts.
    static func completeness(_ p: Input, call: Components.Schemas.Call, submittedAt: Date) -> [Problem.FieldError] {
        var v = Validator()
        v.text(p.title, "/title", required: true, max: 300)
        v.text(p.summary, "/summary", required: true, max: 5000)
        v.text(p.need, "/need", required: true, max: 10000)
        v.check(p.projectLead != nil, "/projectLead", .required)
        v.check(p.stage != nil, "/stage", .required)
        v.check(p.labAvailability != nil, "/labAvailability", .required)
        if let language = p.language {
            v.check(call.languages.contains(language), "/language", .notALanguageOfThisCall)
        } else {
            v.fail("/language", .required)
        }
        requireSome(&v, p.questionIds, "/questionIds", of: Set(call.questions.map(\.id)), what: .question)
        // The call's solution types and target groups say what solutions "may include" (section 3 of the 2021
        // call): a proposal names those it has, and may have none. A call that requires one says so in a rule.
        requireKnown(&v, p.solutionTypeIds, "/solutionTypeIds", of: Set(call.solutionTypes.map(\.id)), what: .solutionType)
        requireKnown(&v, p.targetGroups, "/targetGroups", of: Set(call.targetGroups.map(\.id)), what: .targetGroup)
        requireSome(&v, p.countries, "/countries", of: Set(call.eligibleCountries), what: .eligibleCountry)
        if let stage = p.stage, let stages = call.stages, !stages.isEmpty {
            v.check(stages.contains(stage), "/stage", .notAStageOfThisCall)
        }
        if submittedAt >= call.deadline {
            v.fail("", .deadlinePassed(Representation.instant(call.deadline)))
        }
        if submittedAt < call.opensAt {
            v.fail("", .callOpensAt(Representation.instant(call.opensAt)))
        }
        return v.errors
    }

    private static func requireSome(
        _ v: inout Validator, _ values: [String]?, _ pointer: String, of allowed: Set<String>, what: Message.CallChoice
    ) {
        guard let values, !values.isEmpty else {
            v.fail(pointer, .needsAtLeastOne(what))
            return
        }
        requireKnown(&v, values, pointer, of: allowed, what: what)
    }

    private static func requireKnown(
        _ v: inout Validator, _ values: [String]?, _ pointer: String, of allowed: Set<String>, what: Message.CallChoice
    ) {
        for (index, value) in (values ?? []).enumerated() where !allowed.contains(value) {
            v.fail("\(pointer)/\(index)", .isNotA(what))
        }
    }
}
