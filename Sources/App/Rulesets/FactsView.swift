import ConvocaAPI
import Foundation

/// What one caller may see of a proposal's facts, and so which rules' results it may be shown.
///
/// The service decides on every fact; a caller is shown the facts cut down to what it may read directly: no
/// `dueDiligence` for roles that may not see due diligence, no project lead's contact for reporting, and of an organisation the caller may not read (an
/// applicant's partner or lead its credential does not act for) only the id the proposal already names. A rule that read a withheld fact is left out of
/// that caller's answers: its outcome or the values it read would tell the fact. Every other rule read the same
/// values in both documents, so its outcome is the one the service gets, and the one a front end gets running
/// the rule on the facts this caller fetched. Which rules are left out depends only on what the caller sees: a
/// rule reads the same paths in both documents up to its first withheld one.
struct FactsView: Sendable {
    typealias Facts = Components.Schemas.Facts

    /// A part of the facts withheld: the value at `path` (`*` stands for any array index) and everything in it,
    /// except the members named in `keeping` (which stay visible).
    struct Withheld: Sendable, Equatable {
        var path: [String]
        var keeping: Set<String> = []

        /// Whether a rule reading `read` (path components) sees something withheld: the withheld value itself,
        /// a value holding it, or a value inside it other than a kept member.
        func covers(_ read: [String]) -> Bool {
            guard zip(path, read).allSatisfy(Self.matches) else { return false }
            guard read.count > path.count else { return true }
            return keeping.isEmpty || !keeping.contains(read[path.count])
        }

        private static func matches(_ pattern: String, _ component: String) -> Bool {
            guard pattern == "*" else { return pattern == component }
            // An array index as JavaScript reads one: digits, without a leading zero.
            return !component.isEmpty && component.allSatisfy(\.isASCIIDigit) && (component == "0" || !component.hasPrefix("0"))
        }
    }

    let seesDueDiligence: Bool
    /// Reporting tools see no personal contact data: not the project lead's either.
    let seesContacts: Bool
    let readsLead: Bool
    /// Per partner, in the proposal's order: whether the caller may read its organisation.
    let readsPartners: [Bool]
    let withheld: [Withheld]

    /// What `principal` may see of the facts of a proposal with this lead and these partners (organisation ids).
    init(for principal: Principal, lead: String, partners: [String]) {
        func reads(_ id: String) -> Bool { UUID(exactly: id).map(principal.mayRead(organisation:)) ?? false }
        seesDueDiligence = principal.seesDueDiligence
        seesContacts = principal.role != .reporting
        readsLead = reads(lead)
        readsPartners = partners.map(reads)
        var withheld: [Withheld] = []
        if !seesDueDiligence {
            withheld.append(Withheld(path: ["leadOrganisation", "dueDiligence"]))
            withheld.append(Withheld(path: ["partners", "*", "dueDiligence"]))
        }
        if !seesContacts { withheld.append(Withheld(path: ["proposal", "projectLead"])) }
        if !readsLead {
            withheld.append(Withheld(path: ["leadOrganisation"], keeping: ["id"]))
            // Derived from the lead's record: its founding day, its legal name.
            withheld.append(Withheld(path: ["derived", "leadOrganisationFullYearsBeforeDeadline"]))
            withheld.append(Withheld(path: ["derived", "bankAccountHolderMatchesLead"]))
        }
        for (index, readable) in readsPartners.enumerated() where !readable {
            withheld.append(Withheld(path: ["partners", String(index)], keeping: ["organisationId", "role"]))
        }
        self.withheld = withheld
    }

    init(for principal: Principal, facts: Facts) {
        self.init(for: principal, lead: facts.leadOrganisation.id, partners: facts.partners.map(\.organisationId))
    }

    /// The facts as this caller may see them.
    func apply(to facts: Facts) -> Facts {
        var facts = facts
        if !seesContacts { facts.proposal.projectLead = nil }
        if !seesDueDiligence {
            facts.leadOrganisation.dueDiligence = nil
            for index in facts.partners.indices { facts.partners[index].dueDiligence = nil }
        }
        if !readsLead {
            facts.leadOrganisation = .init(id: facts.leadOrganisation.id)
            facts.derived.leadOrganisationFullYearsBeforeDeadline = nil
            facts.derived.bankAccountHolderMatchesLead = nil
        }
        for (index, readable) in zip(facts.partners.indices, readsPartners) where !readable {
            facts.partners[index] = .init(organisationId: facts.partners[index].organisationId, role: facts.partners[index].role)
        }
        return facts
    }

    /// Whether a fact path as a rule wrote it (`a.b.0`, `""` for the whole document) reads something withheld.
    func withholds(_ path: String) -> Bool {
        guard !withheld.isEmpty else { return false }
        let components = path.isEmpty ? [] : path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return withheld.contains { $0.covers(components) }
    }

    /// Whether this caller may be shown a rule that read these paths.
    func shows(readPaths paths: some Sequence<String>) -> Bool {
        !paths.contains(where: withholds)
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
