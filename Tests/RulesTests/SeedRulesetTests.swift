import Foundation
import Rules
import XCTest

/// The 2021 call's ruleset as shipped in `seed/rulesets/LAC-2021.json`, evaluated with the Rules module against
/// hand-built facts: every rule passes on a complete, eligible, paid-ready grantee (`bench/facts-LAC-2021.json`)
/// and fails when the one fact it guards is changed.
final class SeedRulesetTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct SeedRule {
        var id: String
        var phase: String
        var severity: String
        var messages: [String: String]
        var rule: CompiledRule
    }

    static func load(_ path: String) throws -> JSONValue {
        try JSONValue(parsing: Array(Data(contentsOf: root.appendingPathComponent(path))), limits: RuleLimits(maxDepth: 80))
    }

    static func seedRules() throws -> [SeedRule] {
        guard case .object(let document) = try load("seed/rulesets/LAC-2021.json"), case .array(let rules)? = document["rules"]
        else { throw XCTSkip("seed ruleset has no rules") }
        return try rules.map { value in
            guard case .object(let rule) = value, case .string(let id)? = rule["id"], case .string(let phase)? = rule["phase"],
                case .string(let severity)? = rule["severity"], case .object(let messages)? = rule["messages"],
                let expression = rule["expression"]
            else { throw RuleError.invalidArguments(operator: "seed", detail: "malformed rule") }
            return SeedRule(
                id: id, phase: phase, severity: severity,
                messages: messages.compactMapValues { if case .string(let text) = $0 { text } else { nil } },
                rule: try CompiledRule(expression))
        }
    }

    static func facts() throws -> JSONValue { try load("bench/facts-LAC-2021.json") }

    /// `facts` with the value at a dotted path replaced (or removed, with `nil`).
    static func setting(_ path: String, to value: JSONValue?, in facts: JSONValue) -> JSONValue {
        func set(_ keys: ArraySlice<String>, _ node: JSONValue) -> JSONValue {
            guard let key = keys.first else { return value ?? .null }
            switch node {
            case .object(var fields):
                if keys.count == 1, value == nil { fields.removeValue(forKey: key) } else {
                    fields[key] = set(keys.dropFirst(), fields[key] ?? .object([:]))
                }
                return .object(fields)
            case .array(var items):
                guard let index = Int(key), items.indices.contains(index) else { return node }
                items[index] = set(keys.dropFirst(), items[index])
                return .array(items)
            default:
                return node
            }
        }
        return set(ArraySlice(path.split(separator: ".").map(String.init)), facts)
    }

    /// For each rule, changes to the passing facts that must make it fail (each applied alone).
    static let failing: [String: [(String, JSONValue?)]] = [
        "lead-non-profit": [("leadOrganisation.nonProfit", false), ("leadOrganisation.nonProfit", nil)],
        "lead-kind-accepted": [("leadOrganisation.kind", "private_company"), ("leadOrganisation.kind", "other")],
        "lead-registered": [("leadOrganisation.registered", false)],
        "lead-contractual-capacity": [("leadOrganisation.contractualCapacity", false), ("leadOrganisation.contractualCapacity", nil)],
        // Founded on 2019-01-02 for a 2021 deadline: one full year (the builder's derivation has its own test).
        "lead-two-full-years": [("derived.leadOrganisationFullYearsBeforeDeadline", 1),
                                ("derived.leadOrganisationFullYearsBeforeDeadline", 0),
                                ("derived.leadOrganisationFullYearsBeforeDeadline", nil)],
        "implementation-country-in-region": [("derived.countriesInCall", [])],
        "no-implementation-country-outside-region": [("derived.countriesOutsideCall", ["FR"]), ("derived.countriesOutsideCall", nil)],
        "question-answered": [("derived.callQuestionsAnswered", [])],
        "need-stated": [("proposal.need", ""), ("proposal.need", nil)],
        "stakeholder-support": [("proposal.stakeholderSupport", [])],
        "lab-availability": [("proposal.labAvailability", false), ("proposal.labAvailability", nil)],
        "team-names-leads": [("proposal.projectLead", nil), ("proposal.projectLead.name", "")],
        "language-accepted": [("proposal.language", "de"), ("proposal.language", nil)],
        "submitted-before-deadline": [("derived.submittedBeforeDeadline", false)],
        "due-diligence-not-flagged": [("leadOrganisation.dueDiligence", "flagged"), ("partners.1.dueDiligence", "flagged")],
        "due-diligence-complete": [("leadOrganisation.dueDiligence", "pending"), ("leadOrganisation.dueDiligence", "flagged")],
        "grant-agreement-signed": [("grant.agreementSigned", false), ("grant", nil)],
        "workplan-delivered-on-time": [("derived.workplanDeliveredWithinDays", false), ("derived.workplanDeliveredWithinDays", nil)],
        "workplan-approved": [("grant.workplan.approved", false), ("grant.workplan", nil)],
        "bank-account-in-lead-name": [("derived.bankAccountHolderMatchesLead", false)],
        "payout-in-local-currency": [("derived.payoutCurrencyIsLocal", false)],
        "single-instalment": [("grant.disbursements", 1), ("grant.disbursements", nil), ("grant", nil)],
        "grant-active": [("grant.status", "suspended"), ("grant.status", "terminated"), ("grant", nil)],
        "due-diligence-cleared": [("leadOrganisation.dueDiligence", "pending"), ("leadOrganisation.dueDiligence", "flagged")],
    ]

    func testEveryRuleHasMessagesInTheFourLanguagesAndATest() throws {
        let rules = try Self.seedRules()
        XCTAssertEqual(Set(rules.map(\.id)), Set(Self.failing.keys), "every seed rule needs failing cases here, and only those")
        XCTAssertEqual(rules.count, Set(rules.map(\.id)).count, "rule ids repeat")
        for rule in rules {
            XCTAssertEqual(Set(rule.messages.keys), ["en", "fr", "es", "pt"], rule.id)
            XCTAssertTrue(["submission", "screening", "disbursement"].contains(rule.phase), rule.id)
            XCTAssertTrue(["blocking", "warning"].contains(rule.severity), rule.id)
        }
        XCTAssertEqual(Set(rules.map(\.phase)), ["submission", "screening", "disbursement"])
    }

    func testEveryRulePassesOnAnEligibleGranteeReadyToBePaid() throws {
        let facts = try Self.facts()
        for rule in try Self.seedRules() {
            XCTAssertEqual(try rule.rule.evaluate(facts).isTruthy, true, "\(rule.id) should pass")
        }
    }

    func testEveryRuleFailsWhenTheFactItGuardsChanges() throws {
        let facts = try Self.facts()
        for rule in try Self.seedRules() {
            for (path, value) in Self.failing[rule.id] ?? [] {
                let changed = Self.setting(path, to: value, in: facts)
                XCTAssertNotEqual(changed, facts, "\(rule.id): \(path) did not change the facts")
                XCTAssertEqual(try rule.rule.evaluate(changed).isTruthy, false,
                               "\(rule.id) should fail with \(path) = \(value?.jsonText ?? "absent")")
            }
        }
    }

    func testBoundaries() throws {
        let facts = try Self.facts()
        let rules = Dictionary(uniqueKeysWithValues: try Self.seedRules().map { ($0.id, $0.rule) })
        func passes(_ id: String, _ path: String, _ value: JSONValue?) throws -> Bool {
            try rules[id]!.evaluate(Self.setting(path, to: value, in: facts)).isTruthy
        }
        // Exactly the call's two full years (founded 2019-01-01) passes; one fewer (2019-01-02) fails.
        XCTAssertTrue(try passes("lead-two-full-years", "derived.leadOrganisationFullYearsBeforeDeadline", 2))
        XCTAssertFalse(try passes("lead-two-full-years", "derived.leadOrganisationFullYearsBeforeDeadline", 1))
        // The minimum is the call's, not the rule's: a call asking for three years refuses two.
        XCTAssertFalse(try rules["lead-two-full-years"]!.evaluate(Self.setting(
            "call.minOrganisationAgeYears", to: 3,
            in: Self.setting("derived.leadOrganisationFullYearsBeforeDeadline", to: 2, in: facts))).isTruthy)
        // One second before the deadline (derived true) passes, at the deadline (derived false) fails.
        XCTAssertTrue(try passes("submitted-before-deadline", "derived.submittedBeforeDeadline", true))
        XCTAssertFalse(try passes("submitted-before-deadline", "derived.submittedBeforeDeadline", false))
        // A single organisation (no partners) need not name a project lead under the team rule.
        XCTAssertTrue(try rules["team-names-leads"]!.evaluate(
            Self.setting("proposal.projectLead", to: nil, in: Self.setting("proposal.partners", to: [], in: facts))).isTruthy)
        // Partners without due diligence on record are not flagged.
        XCTAssertTrue(try passes("due-diligence-not-flagged", "partners", []))
        XCTAssertTrue(try passes("due-diligence-not-flagged", "leadOrganisation.dueDiligence", "pending"))
        // Several implementation countries, all in the region, pass; one outside among them fails.
        XCTAssertTrue(try passes("no-implementation-country-outside-region", "derived.countriesOutsideCall", []))
        // A first disbursement is allowed; a second is not (single instalment).
        XCTAssertTrue(try passes("single-instalment", "grant.disbursements", 0))
        XCTAssertFalse(try passes("single-instalment", "grant.disbursements", 2))
    }

    func testFactsReadAreReported() throws {
        let rules = Dictionary(uniqueKeysWithValues: try Self.seedRules().map { ($0.id, $0.rule) })
        var reads: [FactRead] = []
        _ = try rules["lead-two-full-years"]!.evaluate(try Self.facts(), reads: &reads)
        XCTAssertEqual(reads.map(\.path), ["derived.leadOrganisationFullYearsBeforeDeadline", "call.minOrganisationAgeYears"])
        XCTAssertEqual(reads.map(\.value), [8, 2])
    }
}
