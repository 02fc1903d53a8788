@testable import App
import ConvocaAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Rules
import XCTest

/// `POST /v1/rules/evaluate` and the versioned rulesets of a call.
final class RulesetTests: XCTestCase {
    func testEvaluateAnswersTheRulesResult() async throws {
        try await TestApp.run { app, client in
            let reviewer = try await Fixtures.token(app, role: "reviewer")
            let answer = try await client.call(.post, "/v1/rules/evaluate", token: reviewer, body: [
                "rule": [">=": [["var": "derived.years"], ["var": "call.min"]]],
                "data": ["derived": ["years": 9], "call": ["min": 2]],
            ])
            XCTAssertEqual(answer.status, .ok, answer.text)
            XCTAssertEqual(answer["result"] as? Bool, true)

            let list = try await client.call(.post, "/v1/rules/evaluate", body: [
                "rule": ["map": [["var": "xs"], ["*": [["var": ""], 1.5]]]], "data": ["xs": [1, 2]],
            ])
            XCTAssertEqual(list.text, #"{"result":[1.5,3]}"#)
            // Without data, `var` reads null.
            let empty = try await client.call(.post, "/v1/rules/evaluate", body: ["rule": ["var": "a"]])
            XCTAssertEqual(empty.text, #"{"result":null}"#)
            // NaN and Infinity are values, as in json-logic-js, written as JSON.stringify writes them.
            for (rule, result) in [
                (["/": [1, 0]] as [String: Any], "null"), (["if": [["/": [1, 0]], "yes", "no"]], #""yes""#),
                (["map": [[1, 0], ["/": [1, ["var": ""]]]]], "[1,null]"), (["!": ["+": ["a"]]], "true"),
            ] {
                let answer = try await client.call(.post, "/v1/rules/evaluate", body: ["rule": rule])
                XCTAssertEqual(answer.text, #"{"result":\#(result)}"#)
            }
        }
    }

    func testHostileOrBrokenRulesAre422WithTheirErrorType() async throws {
        try await TestApp.run { _, client in
            var deep: Any = true
            for _ in 0..<100 { deep = ["!": [deep]] }
            let many = Array(repeating: 1, count: 300_000)
            let cases: [(rule: Any, data: Any, errorType: String)] = [
                (["eval": ["rm -rf /"]], [:], "unknown_operator"),
                ([">": [1]], [:], "invalid_arguments"),
                (deep, [:], "too_deep"),
                (["reduce": [["var": "xs"], ["+": [["var": "current"], ["var": "accumulator"]]], 0]], ["xs": many], "too_many_steps"),
                (["??": [["/": [1, 0]]]], [:], "NaN"),  // the community edition's arithmetic
                (["throw": "boom"], [:], "thrown"),
            ]
            for (rule, data, errorType) in cases {
                let response = try await client.call(.post, "/v1/rules/evaluate", body: ["rule": rule, "data": data])
                XCTAssertProblem(response, .unprocessableContent, "unprocessable")
                XCTAssertEqual(response["errorType"] as? String, errorType, response.text)
                XCTAssertEqual(response.errorPointers, ["/rule"])
            }
            let noRule = try await client.call(.post, "/v1/rules/evaluate", body: ["data": [:]])
            XCTAssertProblem(noRule, .badRequest, "validation")
            XCTAssertEqual(noRule.errorPointers, ["/rule"])
            XCTAssertProblem(try await client.call(.post, "/v1/rules/evaluate", token: nil, body: ["rule": true]),
                             .unauthorized, "unauthorized")
        }
    }

    /// A rule, or the document it reads, nested deeper than rules may nest is refused while the body is
    /// read, in one pass over its text, before anything decodes it (decoding a free-form value takes
    /// time that grows with the square of its depth): at any depth, the same 422 `too_deep`.
    func testDeepRulesAndDataAreRefusedAsTheBodyIsRead() async throws {
        let limit = RuleLimits.default.maxDepth
        @Sendable func negations(_ depth: Int) -> String {
            String(repeating: #"{"!":"#, count: depth) + "true" + String(repeating: "}", count: depth)
        }
        @Sendable func arrays(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        // The reading itself gives the answer: nothing past it is needed to refuse the body.
        for depth in [limit + 1, 511, 100_000] {
            let body = ByteBuffer(string: #"{"rule": "# + negations(depth) + #", "data": "# + arrays(depth) + "}")
            XCTAssertThrowsError(try RequestLimitsMiddleware.refuseAmbiguousJSON(in: body, nesting: .ruleEvaluation)) {
                let problem = $0 as? Problem
                XCTAssertEqual(problem?.kind, .unprocessable)
                XCTAssertEqual(problem?.extensions["errorType"], "too_deep")
                XCTAssertEqual(problem?.errors.map(\.pointer), ["/rule", "/data"])
            }
        }
        XCTAssertNoThrow(try RequestLimitsMiddleware.refuseAmbiguousJSON(
            in: ByteBuffer(string: #"{"rule": "# + negations(limit) + #", "data": "# + arrays(limit) + "}"), nesting: .ruleEvaluation))

        try await TestApp.run { app, client in
            let reviewer = try await Fixtures.token(app, role: "reviewer")
            func evaluate(rule: String, data: String = "null") async throws -> TestResponse {
                try await client.call(.post, "/v1/rules/evaluate", token: reviewer, body: Data(#"{"rule": \#(rule), "data": \#(data)}"#.utf8))
            }
            // At the limit, rule and data are read and evaluated.
            let atLimit = try await evaluate(rule: #"{"!!": [{"var": ""}]}"#, data: arrays(limit))
            XCTAssertEqual(atLimit.text, #"{"result":true}"#)
            let ruleAtLimit = try await evaluate(rule: negations(limit))
            XCTAssertEqual(ruleAtLimit.text, #"{"result":true}"#)
            // One level more, or ever so many, is the same 422 naming what is too deep.
            for depth in [limit + 1, 511, 100_000] {
                for (rule, data, pointers) in [
                    (negations(depth), "null", ["/rule"]), ("true", arrays(depth), ["/data"]),
                    (negations(depth), arrays(depth), ["/rule", "/data"]),
                ] {
                    let refused = try await evaluate(rule: rule, data: data)
                    XCTAssertProblem(refused, .unprocessableContent, "unprocessable")
                    XCTAssertEqual(refused["errorType"] as? String, "too_deep", refused.text)
                    XCTAssertEqual(refused["detail"] as? String, "Nesting is deeper than the limit of \(limit) levels.")
                    XCTAssertEqual(refused.errorPointers, pointers)
                }
            }

            // A ruleset's expressions: the entries publishing gives any rule past a limit.
            var rule: [String: Any] = [
                "id": "deep", "phase": "submission", "severity": "blocking", "messages": ["en": "Deep."], "expression": true,
            ]
            var shallow = rule
            shallow["id"] = "shallow"
            for depth in [limit + 1, 100_000] {
                rule["expression"] = "EXPRESSION"
                let text = String(decoding: try JSONSerialization.data(withJSONObject: ["rules": [shallow, rule]]), as: UTF8.self)
                let body = Data(text.replacingOccurrences(of: #""EXPRESSION""#, with: negations(depth)).utf8)
                let refused = try await client.call(.post, "/v1/calls/LAC-2021/rulesets", body: body)
                XCTAssertProblem(refused, .unprocessableContent, "unprocessable")
                XCTAssertEqual(refused["errorType"] as? String, "too_deep", refused.text)
                XCTAssertEqual(refused.errorPointers, ["/rules/1/expression"])
                XCTAssertTrue(refused.text.contains("rule deep: Nesting is deeper than the limit of \(limit) levels."), refused.text)
            }
        }
    }

    /// The rules engine reads the body and writes the result, as `JSON.stringify` would: the generated
    /// decoders took seconds for a megabyte of small values, and printed `1e-07`.
    func testEvaluationIsReadAndWrittenByTheRulesEngine() async throws {
        try await TestApp.run { app, client in
            let reporting = try await Fixtures.token(app, role: "reporting")
            for contentType in ["application/json", "application/json; charset=utf-8", "Application/JSON", ";application/json"] {
                let small = try await client.call(
                    .post, "/v1/rules/evaluate", token: reporting,
                    body: ["rule": ["merge": [["/": [1, 10_000_000]], ["*": [1e10, 1e10]], ["var": "a"]]], "data": ["a": "x/y"]],
                    contentType: contentType)
                XCTAssertEqual(small.text, #"{"result":[1e-7,100000000000000000000,"x/y"]}"#, contentType)
                XCTAssertEqual(small.headers[.contentType], "application/json; charset=utf-8")
                XCTAssertEqual(small.headers[.cacheControl], "no-store")
                XCTAssertNotNil(small.headers[HTTPField.Name("X-Request-Id")!])
            }
            // A megabyte of small arrays, read in one pass.
            let items = (1 << 20) / 3 - 20
            let many = #"{"rule": {"!!": {"var": "xs"}}, "data": {"xs": ["# + Array(repeating: "[]", count: items).joined(separator: ",") + "]}}"
            let merged = try await client.call(.post, "/v1/rules/evaluate", token: reporting, body: Data(many.utf8))
            XCTAssertEqual(merged.text, #"{"result":true}"#)

            // The generated types give the same results (written by their own encoder).
            let service = RulesetService(pool: app.pool, audit: AuditLog())
            let cases: [[String: Any]] = [
                ["rule": [">=": [["var": "age"], 18]], "data": ["age": 21]],
                ["rule": ["map": [["var": "xs"], ["*": [["var": ""], 1.5]]]], "data": ["xs": [1, 2]]],
                ["rule": ["if": [["missing": ["a", "b"]], ["cat": ["missing ", ["var": "a"]]], "ok"]], "data": ["b": 1]],
                ["rule": ["preserve": ["a": [1, ["b": nil]], "c": "d"]]],
                ["rule": NSNull()],
            ]
            for body in cases {
                let fast = try await client.call(.post, "/v1/rules/evaluate", body: body)
                let input = try Representation.decoder.decode(
                    Components.Schemas.RuleEvaluationInput.self, from: try JSONSerialization.data(withJSONObject: body))
                let result = try service.evaluate(rule: RuleJSON.value(input.rule), data: RuleJSON.value(input.data))
                let generated = try JSONEncoder().encode(Components.Schemas.RuleEvaluation(result: RuleJSON.container(result)))
                XCTAssertEqual(try JSONValue(parsing: Array(fast.body)), try JSONValue(parsing: Array(generated)), fast.text)
            }
        }
    }

    func testTheSeedRulesetIsVersionOneOfTheCall() async throws {
        try await TestApp.run { app, client in
            let applicant = try await Fixtures.token(app, role: "applicant")
            let current = try await client.call(.get, "/v1/calls/LAC-2021/rulesets/current", token: applicant)
            XCTAssertEqual(current.status, .ok, current.text)
            XCTAssertEqual(current["version"] as? Int, 1)
            XCTAssertEqual(current["callCode"] as? String, "LAC-2021")
            let rules = try XCTUnwrap(current["rules"] as? [[String: Any]])
            XCTAssertEqual(rules.count, 24)
            XCTAssertEqual(Set(rules.compactMap { $0["phase"] as? String }), ["submission", "screening", "disbursement"])
            // Seeding again changes nothing.
            try await SeedLoader(pool: app.pool, logger: app.dependencies.logger).loadAll(from: BundledFiles.seedDirectory)
            let list = try await client.call(.get, "/v1/calls/LAC-2021/rulesets")
            XCTAssertEqual((list["items"] as? [Any])?.count, 1)
            XCTAssertProblem(try await client.call(.get, "/v1/calls/NOPE/rulesets/current"), .notFound, "not-found")
            XCTAssertProblem(try await client.call(.get, "/v1/calls/NOPE/rulesets"), .notFound, "not-found")
        }
    }

    func testPublishingMakesVersionNPlusOneAndLeavesEarlierVersionsAlone() async throws {
        try await TestApp.run { app, client in
            var body = try RulesetFixtures.seedRuleset()
            var rules = try XCTUnwrap(body["rules"] as? [[String: Any]])
            rules.removeAll { ($0["phase"] as? String) == "disbursement" }
            body["rules"] = rules
            body["description"] = "Without the disbursement rules."
            let created = try await client.call(.post, "/v1/calls/LAC-2021/rulesets", body: body)
            XCTAssertEqual(created.status, .created, created.text)
            XCTAssertEqual(created["version"] as? Int, 2)
            XCTAssertEqual((created["rules"] as? [Any])?.count, 16)

            let again = try await client.call(.post, "/v1/calls/LAC-2021/rulesets", body: body)
            XCTAssertEqual(again["version"] as? Int, 3)

            let current = try await client.call(.get, "/v1/calls/LAC-2021/rulesets/current")
            XCTAssertEqual(current["version"] as? Int, 3)
            let page = try await client.call(.get, "/v1/calls/LAC-2021/rulesets?limit=2")
            let items = try XCTUnwrap(page["items"] as? [[String: Any]])
            XCTAssertEqual(items.map { $0["version"] as? Int }, [1, 2])
            XCTAssertEqual((items[0]["rules"] as? [Any])?.count, 24, "version 1 is unchanged")
            let next = try XCTUnwrap(page["nextCursor"] as? String)
            XCTAssertNotNil(page.headers[.link])
            let rest = try await client.call(.get, "/v1/calls/LAC-2021/rulesets?limit=2&cursor=\(next)")
            XCTAssertEqual((rest["items"] as? [[String: Any]])?.map { $0["version"] as? Int }, [3])
            // The same list named by the call's id takes the cursor too.
            let call = try await client.call(.get, "/v1/calls/LAC-2021")
            let callID = try XCTUnwrap(call["id"] as? String)
            let byID = try await client.call(.get, "/v1/calls/\(callID.uppercased())/rulesets?limit=2&cursor=\(next)")
            XCTAssertEqual((byID["items"] as? [[String: Any]])?.map { $0["version"] as? Int }, [3], byID.text)

            // PostgreSQL itself refuses to change a published version.
            await XCTAssertThrowsErrorAsync {
                _ = try await app.pool.withConnection { try await $0.execute("UPDATE rulesets SET document = '{}'") }
            }
            await XCTAssertThrowsErrorAsync { _ = try await app.pool.withConnection { try await $0.execute("DELETE FROM rulesets") } }

            let audit = try await client.call(.get, "/v1/audit-events?action=ruleset.created")
            XCTAssertEqual((audit["items"] as? [Any])?.count, 2)
        }
    }

    func testAnInvalidRulesetIsRefusedNamingEveryFaultyRule() async throws {
        try await TestApp.run { _, client in
            let valid: [String: Any] = [
                "id": "lead-non-profit", "phase": "submission", "severity": "blocking",
                "messages": ["en": "Non-profit."], "expression": ["===": [["var": "leadOrganisation.nonProfit"], true]],
            ]
            var unknown = valid, duplicate = valid, noEnglish = valid, communityOnly = valid, blank = valid
            unknown["id"] = "unknown-operator"
            unknown["expression"] = ["eval": [1]]
            noEnglish["id"] = "no-english"
            noEnglish["messages"] = ["fr": "Sans but lucratif."]
            communityOnly["id"] = "community-only"
            communityOnly["expression"] = ["val": ["leadOrganisation", "nonProfit"]]
            blank["id"] = "blank"
            blank["messages"] = ["en": "Non-profit.", "es": "  "]
            let refused = try await client.call(.post, "/v1/calls/LAC-2021/rulesets", body: [
                "rules": [valid, unknown, duplicate, noEnglish, communityOnly],
            ])
            XCTAssertProblem(refused, .unprocessableContent, "unprocessable")
            XCTAssertEqual(refused.errorPointers, ["/rules/1/expression", "/rules/2/id", "/rules/3/messages/en", "/rules/4/expression"])
            XCTAssertEqual(refused["detail"] as? String, "4 problems with the rules.")
            // A blank message breaks the contract's schema (a language map holds texts): a 400, as for any body.
            let blankMessage = try await client.call(.post, "/v1/calls/LAC-2021/rulesets", body: ["rules": [blank]])
            XCTAssertProblem(blankMessage, .badRequest, "validation")
            XCTAssertEqual(blankMessage.errorPointers, ["/rules/0/messages/es"])
            XCTAssertEqual(refused["errorType"] as? String, "unknown_operator")
            XCTAssertTrue(refused.text.contains("unknown-operator"), refused.text)
            let one = try await client.call(.post, "/v1/calls/LAC-2021/rulesets", body: ["rules": [valid, duplicate]])
            XCTAssertProblem(one, .unprocessableContent, "unprocessable")
            XCTAssertEqual(one["detail"] as? String, "1 problem with the rules.")
            XCTAssertEqual(one["errorType"] as? String, "invalid_rule")
            let current = try await client.call(.get, "/v1/calls/LAC-2021/rulesets/current")
            XCTAssertEqual(current["version"] as? Int, 1, "nothing was published")

            let unknownField = try await client.call(.post, "/v1/calls/LAC-2021/rulesets", body: ["rules": [], "extra": 1])
            XCTAssertProblem(unknownField, .badRequest, "validation")
        }
    }

    /// What the contract's schema says of a ruleset's fields is a 400 like any body's, whichever
    /// part of the server checks it; only what a ruleset asks of its rules is a 422.
    func testFieldsTheSchemaConstrainsAre400() async throws {
        try await TestApp.run { _, client in
            let valid: [String: Any] = [
                "id": "lead-non-profit", "phase": "submission", "severity": "blocking",
                "messages": ["en": "Non-profit."], "expression": ["===": [["var": "leadOrganisation.nonProfit"], true]],
            ]
            var badID = valid, badPhase = valid, badSeverity = valid, longMessage = valid
            badID["id"] = "Not An Id"
            badPhase["phase"] = "Submission!"
            badSeverity["severity"] = "fatal"
            longMessage["messages"] = ["en": String(repeating: "x", count: 20_001)]
            let cases: [(body: [String: Any], pointers: [String], details: [String])] = [
                (["rules": [valid, badID, badPhase]], ["/rules/1/id", "/rules/2/phase"], [
                    "must be 1 to 64 of a-z 0-9 . _ - starting with a letter or digit",
                    "must be 1 to 40 of a-z 0-9 _ starting with a letter",
                ]),
                (["rules": [valid, badSeverity]], ["/rules/1/severity"], []),
                (["rules": [valid, longMessage]], ["/rules/1/messages/en"], ["must be at most 20000 characters"]),
                (["rules": [valid], "description": String(repeating: "d", count: 2001)], ["/description"],
                 ["must be at most 2000 characters"]),
                (["rules": Array(repeating: valid, count: 501)], ["/rules"], ["must hold at most 500 rules"]),
            ]
            for (body, pointers, details) in cases {
                let refused = try await client.call(.post, "/v1/calls/LAC-2021/rulesets", body: body)
                XCTAssertProblem(refused, .badRequest, "validation")
                XCTAssertEqual(refused.errorPointers, pointers)
                XCTAssertEqual(refused["detail"] as? String, pointers.count == 1 ? "1 field is not valid." : "\(pointers.count) fields are not valid.")
                if !details.isEmpty {
                    XCTAssertEqual((refused["errors"] as? [[String: Any]])?.compactMap { $0["detail"] as? String }, details)
                }
            }
        }
    }

    func testOnlyAdminsPublishRulesets() async throws {
        try await TestApp.run { app, client in
            let body = try RulesetFixtures.seedRuleset()
            for role in ["applicant", "platform", "reviewer", "finance", "reporting"] {
                let token = try await Fixtures.token(app, role: role)
                let response = try await client.call(.post, "/v1/calls/LAC-2021/rulesets", token: token, body: body)
                XCTAssertProblem(response, .forbidden, "forbidden")
            }
            XCTAssertProblem(try await client.call(.post, "/v1/calls/NOPE/rulesets", body: body), .notFound, "not-found")
        }
    }

    func testPublishingIsIdempotentWithAKey() async throws {
        try await TestApp.run { _, client in
            let body = try RulesetFixtures.seedRuleset()
            let first = try await client.call(.post, "/v1/calls/LAC-2021/rulesets", body: body, headers: ["Idempotency-Key": "rs-1"])
            let second = try await client.call(.post, "/v1/calls/LAC-2021/rulesets", body: body, headers: ["Idempotency-Key": "rs-1"])
            XCTAssertEqual(first.status, .created, first.text)
            XCTAssertEqual(second.text, first.text)
            let current = try await client.call(.get, "/v1/calls/LAC-2021/rulesets/current")
            XCTAssertEqual(current["version"] as? Int, 2)
        }
    }
}

/// The facts document and the eligibility dry run.
final class EligibilityRulesetTests: XCTestCase {
    func testFactsAreAssembledFromTheCallTheProposalAndItsOrganisations() async throws {
        try await TestApp.run { app, client in
            let lead = try await RulesetFixtures.organisation(client, changes: ["foundedOn": "2019-01-01"])
            let partner = try await RulesetFixtures.organisation(client, changes: ["kind": "workers_organisation", "country": "CO"])
            var body = Fixtures.proposalBody(lead: lead)
            body["partners"] = [["organisationId": partner, "role": "Outreach"]]
            body["countries"] = ["PE", "CO", "FR"]
            body["questionIds"] = ["Q1", "Q99"]
            let id = try await Fixtures.proposalID(client, lead: lead, body: body)
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [lead, partner])

            let response = try await client.call(.get, "/v1/proposals/\(id)/facts", token: applicant)
            XCTAssertEqual(response.status, .ok, response.text)
            let facts = response.json
            XCTAssertEqual(facts["evaluatedAt"] as? String, "2021-06-01T12:00:00.000Z")
            let call = try XCTUnwrap(facts["call"] as? [String: Any])
            XCTAssertEqual(call["code"] as? String, "LAC-2021")
            XCTAssertEqual(call["deadline"] as? String, "2021-06-30T22:00:00.000Z")
            XCTAssertEqual(call["minOrganisationAgeYears"] as? Int, 2)
            XCTAssertEqual(call["workplanDueDays"] as? Int, 21)
            XCTAssertEqual((call["questionIds"] as? [String])?.count, 11)
            XCTAssertEqual((call["organisationKinds"] as? [String])?.contains("ngo"), true)
            let proposal = try XCTUnwrap(facts["proposal"] as? [String: Any])
            XCTAssertEqual(proposal["status"] as? String, "draft")
            XCTAssertNil(proposal["submittedAt"])
            XCTAssertEqual(proposal["title"] as? String, "Formalisation in two clicks")
            let organisation = try XCTUnwrap(facts["leadOrganisation"] as? [String: Any])
            XCTAssertEqual(organisation["kind"] as? String, "ngo")
            XCTAssertEqual(organisation["nonProfit"] as? Bool, true)
            XCTAssertEqual(organisation["registered"] as? Bool, true)
            XCTAssertEqual(organisation["contractualCapacity"] as? Bool, true)
            XCTAssertEqual(organisation["foundedOn"] as? String, "2019-01-01")
            XCTAssertNil(organisation["dueDiligence"], "applicants never see due diligence")
            let whole = try await client.call(.get, "/v1/proposals/\(id)/facts")
            XCTAssertEqual((whole["leadOrganisation"] as? [String: Any])?["dueDiligence"] as? String, "pending")
            XCTAssertNil(organisation["contacts"], "facts carry no contact data")
            let partners = try XCTUnwrap(facts["partners"] as? [[String: Any]])
            XCTAssertEqual(partners.map { $0["kind"] as? String }, ["workers_organisation"])
            XCTAssertEqual(partners.first?["role"] as? String, "Outreach")
            XCTAssertNil(facts["grant"])
            let derived = try XCTUnwrap(facts["derived"] as? [String: Any])
            XCTAssertEqual(derived["leadOrganisationFullYearsBeforeDeadline"] as? Int, 2)
            XCTAssertEqual(derived["submittedBeforeDeadline"] as? Bool, true)
            XCTAssertEqual(derived["countriesInCall"] as? [String], ["PE", "CO"])
            XCTAssertEqual(derived["countriesOutsideCall"] as? [String], ["FR"])
            XCTAssertEqual(derived["callQuestionsAnswered"] as? [String], ["Q1"])
            XCTAssertEqual(derived["localCurrencies"] as? [String], ["PEN", "COP", "EUR"], "every implementation country's")
            XCTAssertNil(derived["bankAccountHolderMatchesLead"])
        }
    }

    func testDryRunExplainsEveryRuleWithTheFactsItRead() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [lead])
            let id = try await Fixtures.proposalID(client, lead: lead, token: applicant)

            let response = try await client.call(.get, "/v1/proposals/\(id)/eligibility", token: applicant)
            XCTAssertEqual(response.status, .ok, response.text)
            XCTAssertEqual(response["rulesetVersion"] as? Int, 1)
            XCTAssertEqual(response["outcome"] as? String, "pass")
            XCTAssertEqual(response["phases"] as? [String], ["submission", "screening"])
            let rules = try XCTUnwrap(response["rules"] as? [[String: Any]])
            XCTAssertEqual(rules.count, 14, "the two due-diligence rules are the secretariat's")
            let byID = Dictionary(uniqueKeysWithValues: rules.map { ($0["id"] as! String, $0) })
            let age = try XCTUnwrap(byID["lead-two-full-years"])
            XCTAssertEqual(age["outcome"] as? String, "pass")
            XCTAssertEqual(age["severity"] as? String, "blocking")
            XCTAssertEqual(age["phase"] as? String, "submission")
            let read = try XCTUnwrap(age["facts"] as? [[String: Any]])
            XCTAssertEqual(read.map { $0["path"] as? String },
                           ["derived.leadOrganisationFullYearsBeforeDeadline", "derived.leadOrganisationFullYearsBeforeDeadline",
                            "call.minOrganisationAgeYears"].uniqued())
            XCTAssertEqual(read.map { $0["value"] as? Int }, [8, 2])
            XCTAssertTrue((age["message"] as? String)?.hasPrefix("The lead organisation must have existed") == true)
            // Due diligence is still pending: the warning fails, the outcome does not.
            let whole = try await client.call(.get, "/v1/proposals/\(id)/eligibility")
            XCTAssertEqual(whole["outcome"] as? String, "pass")
            let wholeRules = (whole["rules"] as? [[String: Any]] ?? [])
            XCTAssertEqual(wholeRules.count, 16)
            let complete = wholeRules.first { $0["id"] as? String == "due-diligence-complete" }
            XCTAssertEqual(complete?["outcome"] as? String, "fail")
            XCTAssertEqual(complete?["severity"] as? String, "warning")

            let french = try await client.call(.get, "/v1/proposals/\(id)/eligibility", token: applicant,
                                               headers: ["Accept-Language": "fr-CH, fr;q=0.9"])
            let frenchRules = try XCTUnwrap(french["rules"] as? [[String: Any]])
            XCTAssertEqual(frenchRules.first { $0["id"] as? String == "lead-non-profit" }?["message"] as? String,
                           "L'organisation chef de file doit être une entité à but non lucratif légalement reconnue.")

            let disbursement = try await client.call(.get, "/v1/proposals/\(id)/eligibility?phase=disbursement")
            XCTAssertEqual(disbursement["outcome"] as? String, "fail", "no grant yet")
            let grantRules = try XCTUnwrap(disbursement["rules"] as? [[String: Any]])
            XCTAssertEqual(grantRules.count, 8)
            XCTAssertTrue(grantRules.allSatisfy { $0["outcome"] as? String == "fail" }, disbursement.text)
            let twice = try await client.call(.get, "/v1/proposals/\(id)/eligibility?phase=disbursement&phase=submission&phase=disbursement")
            XCTAssertEqual(twice["phases"] as? [String], ["disbursement", "submission"], twice.text)

            let badPhase = try await client.call(.get, "/v1/proposals/\(id)/eligibility?phase=Not%20a%20phase")
            XCTAssertProblem(badPhase, .badRequest, "validation")
        }
    }

    func testAForProfitLeadIsIneligibleAndItsSubmissionRefusedRuleByRule() async throws {
        try await TestApp.run { app, client in
            let lead = try await RulesetFixtures.organisation(client, changes: ["kind": "private_company", "nonProfit": false])
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [lead])
            let id = try await Fixtures.proposalID(client, lead: lead, token: applicant)

            let dryRun = try await client.call(.get, "/v1/proposals/\(id)/eligibility", token: applicant)
            XCTAssertEqual(dryRun["outcome"] as? String, "fail")
            let failed = (dryRun["rules"] as? [[String: Any]] ?? []).filter { $0["outcome"] as? String == "fail" }
            XCTAssertEqual(failed.compactMap { $0["id"] as? String }, ["lead-non-profit", "lead-kind-accepted"])
            let nonProfit = try XCTUnwrap(failed.first)
            XCTAssertEqual((nonProfit["facts"] as? [[String: Any]])?.first?["value"] as? Bool, false)

            let refused = try await RulesetFixtures.submit(client, id, token: applicant, headers: ["Accept-Language": "fr"])
            XCTAssertProblem(refused, .unprocessableContent, "unprocessable")
            XCTAssertEqual(refused.errorPointers, ["rules/lead-non-profit", "rules/lead-kind-accepted"])
            let details = (refused["errors"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
            XCTAssertEqual(details.first, "L'organisation chef de file doit être une entité à but non lucratif légalement reconnue.")
            let after = try await client.call(.get, "/v1/proposals/\(id)", token: applicant)
            XCTAssertEqual(after["status"] as? String, "draft", "nothing was submitted")
            XCTAssertNil(after["receipt"])
        }
    }

    /// A refusal lists every reason at once: missing fields, foreign letters of support and the call's rules.
    func testARefusedSubmissionListsMissingFieldsAndFailedRulesTogether() async throws {
        try await TestApp.run { app, client in
            let lead = try await RulesetFixtures.organisation(client, changes: ["kind": "private_company", "nonProfit": false])
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [lead])
            var body = Fixtures.proposalBody(lead: lead)
            body.removeValue(forKey: "title")
            let draft = try await Fixtures.createProposal(client, lead: lead, token: applicant, body: body)
            let id = try XCTUnwrap(draft["id"] as? String)
            let refused = try await RulesetFixtures.submit(client, id, token: applicant)
            XCTAssertProblem(refused, .unprocessableContent, "unprocessable")
            XCTAssertEqual(refused.errorPointers, ["/title", "rules/lead-non-profit", "rules/lead-kind-accepted"])
            XCTAssertEqual(refused["detail"] as? String, "The proposal cannot be submitted: 3 reasons.")
        }
    }

    func testFoundedOnTheCutOffDayPassesAndADayLaterFails() async throws {
        try await TestApp.run { _, client in
            for (foundedOn, years, passes) in [("2019-01-01", 2, true), ("2019-01-02", 1, false), ("2018-12-31", 2, true)] {
                let lead = try await RulesetFixtures.organisation(client, changes: ["foundedOn": foundedOn])
                let id = try await Fixtures.proposalID(client, lead: lead)
                let dryRun = try await client.call(.get, "/v1/proposals/\(id)/eligibility?phase=submission")
                let rule = (dryRun["rules"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "lead-two-full-years" }
                XCTAssertEqual(rule?["outcome"] as? String, passes ? "pass" : "fail", foundedOn)
                XCTAssertEqual((rule?["facts"] as? [[String: Any]])?.first?["value"] as? Int, years, foundedOn)
                let submitted = try await RulesetFixtures.submit(client, id)
                if passes {
                    XCTAssertEqual(submitted.status, .ok, submitted.text)
                } else {
                    XCTAssertProblem(submitted, .unprocessableContent, "unprocessable")
                    XCTAssertEqual(submitted.errorPointers, ["rules/lead-two-full-years"])
                }
            }
        }
    }

    func testOneSecondBeforeTheDeadlinePassesAndTheDeadlineItselfFails() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let first = try await Fixtures.proposalID(client, lead: lead)
            let second = try await Fixtures.proposalID(client, lead: lead)
            let deadline = ISO8601DateFormatter().date(from: "2021-06-30T22:00:00Z")!
            func deadlineRule(_ id: String) async throws -> String? {
                let dryRun = try await client.call(.get, "/v1/proposals/\(id)/eligibility?phase=submission")
                return (dryRun["rules"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "submitted-before-deadline" }?["outcome"]
                    as? String
            }

            app.clock.now = deadline.addingTimeInterval(-1)
            let beforeOutcome = try await deadlineRule(first)
            XCTAssertEqual(beforeOutcome, "pass")
            let inTime = try await RulesetFixtures.submit(client, first)
            XCTAssertEqual(inTime.status, .ok, inTime.text)
            XCTAssertEqual(inTime["rulesetVersion"] as? Int, 1, "the proposal records the ruleset it was checked against")

            app.clock.now = deadline
            let atOutcome = try await deadlineRule(second)
            XCTAssertEqual(atOutcome, "fail")
            XCTAssertProblem(try await RulesetFixtures.submit(client, second), .unprocessableContent, "unprocessable")
            // A submitted proposal keeps passing: it was submitted before the deadline.
            let submittedOutcome = try await deadlineRule(first)
            XCTAssertEqual(submittedOutcome, "pass")
        }
    }

    func testDueDiligenceReachesNoRoleThatMayNotSeeIt() async throws {
        try await TestApp.run { app, client in
            let lead = try await RulesetFixtures.organisation(client)
            let partner = try await RulesetFixtures.organisation(client)
            for organisation in [lead, partner] { try await Fixtures.flag(client, organisation) }
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [lead, partner])
            let platform = try await Fixtures.token(app, role: "platform")
            var body = Fixtures.proposalBody(lead: lead)
            body["partners"] = [["organisationId": partner, "role": "Outreach"]]
            let id = try await Fixtures.proposalID(client, lead: lead, token: applicant, body: body)

            for token in [applicant, platform] {
                let facts = try await client.call(.get, "/v1/proposals/\(id)/facts", token: token)
                XCTAssertEqual(facts.status, .ok, facts.text)
                XCTAssertFalse(facts.text.contains("dueDiligence"), facts.text)
                XCTAssertFalse(facts.text.contains("flagged"), facts.text)
                XCTAssertEqual((facts["partners"] as? [[String: Any]])?.first?["role"] as? String, "Outreach")
                let eligibility = try await client.call(.get, "/v1/proposals/\(id)/eligibility", token: token)
                XCTAssertEqual(eligibility.status, .ok, eligibility.text)
                XCTAssertFalse(eligibility.text.contains("dueDiligence"), eligibility.text)
                XCTAssertFalse(eligibility.text.contains("flagged"), eligibility.text)
                XCTAssertEqual(eligibility["outcome"] as? String, "pass", "only the rules shown decide the outcome shown")
                let ids = (eligibility["rules"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                XCTAssertEqual(ids.count, 14)
                XCTAssertFalse(ids.contains { $0.hasPrefix("due-diligence") }, "\(ids)")
            }
            // Those who see due diligence see the rules that read it.
            let reporting = try await Fixtures.token(app, role: "reporting")
            let reported = try await client.call(.get, "/v1/proposals/\(id)/facts", token: reporting)
            XCTAssertEqual((reported["partners"] as? [[String: Any]])?.first?["dueDiligence"] as? String, "flagged")
            let whole = try await client.call(.get, "/v1/proposals/\(id)/eligibility")
            XCTAssertEqual(whole["outcome"] as? String, "fail")
            let notFlagged = (whole["rules"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "due-diligence-not-flagged" }
            XCTAssertEqual(notFlagged?["outcome"] as? String, "fail")

            // The platform relays the secretariat's decision, without the rules that read due diligence.
            let submitted = try await RulesetFixtures.submit(client, id, token: applicant)
            XCTAssertEqual(submitted.status, .ok, submitted.text)
            let screened = try await client.call(.post, "/v1/proposals/\(id)/screening")
            XCTAssertEqual(screened["decision"] as? String, "ineligible", screened.text)
            XCTAssertTrue(screened.text.contains("due-diligence-not-flagged"))
            let relayed = try await client.call(.get, "/v1/proposals/\(id)/screening", token: platform)
            XCTAssertEqual(relayed.status, .ok, relayed.text)
            XCTAssertEqual(relayed["decision"] as? String, "ineligible")
            XCTAssertFalse(relayed.text.contains("dueDiligence"), relayed.text)
            XCTAssertFalse(relayed.text.contains("due-diligence"), relayed.text)
            XCTAssertEqual(((relayed["evaluation"] as? [String: Any])?["rules"] as? [Any])?.count, 14)
            let reportedScreening = try await client.call(.get, "/v1/proposals/\(id)/screening", token: reporting)
            // All 16 but the one reading the project lead's contact, which reporting is not shown.
            XCTAssertEqual(((reportedScreening["evaluation"] as? [String: Any])?["rules"] as? [Any])?.count, 15)
            // An override's justification is the secretariat's reason: the platform relays the decision only.
            let justification = "The flag was lifted after the registry confirmed the number by phone."
            let overridden = try await client.call(
                .post, "/v1/proposals/\(id)/screening/override", body: ["decision": "eligible", "justification": justification])
            XCTAssertEqual(overridden.status, .ok, overridden.text)
            let relayedOverride = try await client.call(.get, "/v1/proposals/\(id)/screening", token: platform)
            XCTAssertEqual(relayedOverride["decision"] as? String, "eligible")
            let relayedOverrideBody = try XCTUnwrap(relayedOverride["override"] as? [String: Any], relayedOverride.text)
            XCTAssertEqual(relayedOverrideBody["decision"] as? String, "eligible")
            XCTAssertNil(relayedOverrideBody["justification"], relayedOverride.text)
            XCTAssertFalse(relayedOverride.text.contains("registry"), relayedOverride.text)
            for token in [reporting, TestApp.adminToken] {
                let seen = try await client.call(.get, "/v1/proposals/\(id)/screening", token: token)
                XCTAssertEqual((seen["override"] as? [String: Any])?["justification"] as? String, justification)
            }
            // Reporting's dry run leaves out the rule that reads the project lead's contact it is not shown, so
            // every rule it does show gives what json-logic-js gives on reporting's own facts.
            let reportedFacts = try await client.call(.get, "/v1/proposals/\(id)/facts", token: reporting)
            XCTAssertNil((reportedFacts["proposal"] as? [String: Any])?["projectLead"])
            let reportedEligibility = try await client.call(.get, "/v1/proposals/\(id)/eligibility", token: reporting)
            let reportedIDs = (reportedEligibility["rules"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            XCTAssertFalse(reportedIDs.contains("team-names-leads"), "\(reportedIDs)")
            XCTAssertTrue(reportedIDs.contains("due-diligence-not-flagged"), "\(reportedIDs)")
        }
    }

    func testOfAnOrganisationTheCallerMayNotReadFactsShowOnlyTheId() async throws {
        try await TestApp.run { app, client in
            let hidden = try await RulesetFixtures.organisation(client, changes: ["legalName": "Unseen Foundation"])
            let own = try await RulesetFixtures.organisation(client, changes: ["legalName": "Own Foundation"])
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [own])
            XCTAssertProblem(try await client.call(.get, "/v1/organisations/\(hidden)", token: applicant), .notFound, "not-found")

            // Naming another organisation as a partner does not open its record.
            let id = try await Fixtures.proposalID(client, lead: own, token: applicant)
            let named = try await client.call(
                .patch, "/v1/proposals/\(id)", token: applicant, body: ["partners": [["organisationId": hidden, "role": "Outreach"]]],
                contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""])
            XCTAssertEqual(named.status, .ok, named.text)
            let facts = try await client.call(.get, "/v1/proposals/\(id)/facts", token: applicant)
            XCTAssertEqual(facts.status, .ok, facts.text)
            let partner = try XCTUnwrap((facts["partners"] as? [[String: Any]])?.first)
            XCTAssertEqual(Set(partner.keys), ["organisationId", "role"], facts.text)
            XCTAssertEqual(partner["organisationId"] as? String, hidden)
            XCTAssertEqual((facts["leadOrganisation"] as? [String: Any])?["legalName"] as? String, "Own Foundation")
            let eligibility = try await client.call(.get, "/v1/proposals/\(id)/eligibility", token: applicant)
            XCTAssertEqual(eligibility.status, .ok, eligibility.text)
            for response in [facts, eligibility] {
                XCTAssertFalse(response.text.contains("Unseen Foundation"), response.text)
            }
            let admin = try await client.call(.get, "/v1/proposals/\(id)/facts")
            XCTAssertEqual((admin["partners"] as? [[String: Any]])?.first?["legalName"] as? String, "Unseen Foundation")

            // The partner's credential sees the proposal, but of its lead only the id, and no rule that reads the lead.
            let partnerToken = try await Fixtures.token(app, role: "applicant", organisations: [hidden])
            let partnerFacts = try await client.call(.get, "/v1/proposals/\(id)/facts", token: partnerToken)
            XCTAssertEqual(partnerFacts.status, .ok, partnerFacts.text)
            XCTAssertEqual((partnerFacts["leadOrganisation"] as? [String: Any])?.keys.sorted(), ["id"])
            XCTAssertNil((partnerFacts["derived"] as? [String: Any])?["leadOrganisationFullYearsBeforeDeadline"])
            XCTAssertEqual((partnerFacts["partners"] as? [[String: Any]])?.first?["legalName"] as? String, "Unseen Foundation")
            let partnerEligibility = try await client.call(.get, "/v1/proposals/\(id)/eligibility", token: partnerToken)
            let ids = (partnerEligibility["rules"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            XCTAssertEqual(ids.count, 9, "\(ids)")
            XCTAssertFalse(ids.contains { $0.hasPrefix("lead-") || $0.hasPrefix("due-diligence") }, "\(ids)")
            XCTAssertFalse(partnerEligibility.text.contains("Own Foundation"), partnerEligibility.text)
        }
    }

    func testASubmissionRuleReadingDueDiligenceIsLeftToScreeningForThoseWhoMayNotSeeIt() async throws {
        try await TestApp.run { app, client in
            var ruleset = try RulesetFixtures.seedRuleset()
            var rules = try XCTUnwrap(ruleset["rules"] as? [[String: Any]])
            for index in rules.indices where rules[index]["id"] as? String == "due-diligence-not-flagged" {
                rules[index]["phase"] = "submission"
            }
            ruleset["rules"] = rules
            let published = try await client.call(.post, "/v1/calls/LAC-2021/rulesets", body: ruleset)
            XCTAssertEqual(published.status, .created, published.text)
            let lead = try await RulesetFixtures.organisation(client)
            try await Fixtures.flag(client, lead)
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [lead])

            // The secretariat is told; the applicant is never refused for what it may not be told.
            let byAdmin = try await RulesetFixtures.submit(client, try await Fixtures.proposalID(client, lead: lead))
            XCTAssertProblem(byAdmin, .unprocessableContent, "unprocessable")
            XCTAssertEqual(byAdmin.errorPointers, ["rules/due-diligence-not-flagged"])
            let id = try await Fixtures.proposalID(client, lead: lead, token: applicant)
            let byApplicant = try await RulesetFixtures.submit(client, id, token: applicant)
            XCTAssertEqual(byApplicant.status, .ok, byApplicant.text)
            // Screening evaluates the submission rules again, on every fact.
            let screened = try await client.call(.post, "/v1/proposals/\(id)/screening")
            XCTAssertEqual(screened["decision"] as? String, "ineligible", screened.text)
        }
    }

    func testApplicantsSeeOnlyTheirOwnFactsAndEligibility() async throws {
        try await TestApp.run { app, client in
            let own = try await Fixtures.createOrganisation(client, name: "Own")
            let other = try await Fixtures.createOrganisation(client, name: "Other")
            let foreign = try await Fixtures.proposalID(client, lead: other)
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [own])
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(foreign)/eligibility", token: applicant), .notFound, "not-found")
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(foreign)/facts", token: applicant), .notFound, "not-found")
            let finance = try await Fixtures.token(app, role: "finance")
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(foreign)/eligibility", token: finance), .forbidden, "forbidden")
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(UUID().uuidString)/facts"), .notFound, "not-found")
        }
    }

    func testACallWithoutARulesetSubmitsWithoutOne() async throws {
        try await TestApp.run { app, client in
            var call = try World(app: app, client: client, tokens: [:], ownOrganisation: "", foreignOrganisation: "",
                                 ownProposal: "", foreignProposal: "").callBody(code: "NORULES-2021")
            call["opensAt"] = "2021-01-01T00:00:00Z"
            let created = try await client.call(.post, "/v1/calls", body: call)
            XCTAssertEqual(created.status, .created, created.text)
            let lead = try await Fixtures.createOrganisation(client)
            let draft = try await client.call(.post, "/v1/calls/NORULES-2021/proposals", body: Fixtures.proposalBody(lead: lead))
            let id = try XCTUnwrap(draft["id"] as? String)
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(id)/eligibility"), .notFound, "not-found")
            let submitted = try await RulesetFixtures.submit(client, id)
            XCTAssertEqual(submitted.status, .ok, submitted.text)
            XCTAssertNil(submitted["rulesetVersion"])
            XCTAssertProblem(try await client.call(.post, "/v1/proposals/\(id)/screening"), .conflict, "conflict")
        }
    }
}

/// Screening decisions and their overrides.
final class ScreeningRulesetTests: XCTestCase {
    func testScreeningRecordsTheDecisionAndAnOverrideKeepsItBeside() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            XCTAssertProblem(try await client.call(.post, "/v1/proposals/\(id)/screening"), .conflict, "conflict")
            let submitted = try await RulesetFixtures.submit(client, id)
            XCTAssertEqual(submitted.status, .ok, submitted.text)
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(id)/screening"), .notFound, "not-found")
            XCTAssertProblem(try await client.call(.post, "/v1/proposals/\(id)/screening/override",
                                                   body: ["decision": "eligible", "justification": "Checked."]),
                             .conflict, "conflict")

            app.clock.now = ISO8601DateFormatter().date(from: "2021-07-05T09:00:00Z")!
            let eligible = try await client.call(.post, "/v1/proposals/\(id)/screening")
            XCTAssertEqual(eligible.status, .ok, eligible.text)
            XCTAssertEqual(eligible["decision"] as? String, "eligible")
            let evaluation = try XCTUnwrap(eligible["evaluation"] as? [String: Any])
            XCTAssertEqual(evaluation["rulesetVersion"] as? Int, 1)
            XCTAssertEqual(evaluation["evaluatedAt"] as? String, "2021-07-05T09:00:00.000Z")
            XCTAssertEqual((evaluation["actor"] as? [String: Any])?["role"] as? String, "admin")
            XCTAssertEqual((evaluation["rules"] as? [Any])?.count, 16)
            XCTAssertNil(eligible["override"])

            // The secretariat's due diligence raises a flag: screening again makes the proposal ineligible.
            let flagged = try await client.call(
                .patch, "/v1/organisations/\(lead)", body: ["dueDiligence": ["status": "flagged", "note": "forged reference"]],
                contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""])
            XCTAssertEqual(flagged.status, .ok, flagged.text)
            let ineligible = try await client.call(.post, "/v1/proposals/\(id)/screening")
            XCTAssertEqual(ineligible["decision"] as? String, "ineligible")
            let failed = ((ineligible["evaluation"] as? [String: Any])?["rules"] as? [[String: Any]] ?? [])
                .filter { $0["outcome"] as? String == "fail" && $0["severity"] as? String == "blocking" }
            XCTAssertEqual(failed.compactMap { $0["id"] as? String }, ["due-diligence-not-flagged"])

            // An override needs a written justification.
            let missing = try await client.call(.post, "/v1/proposals/\(id)/screening/override", body: ["decision": "eligible"])
            XCTAssertProblem(missing, .badRequest, "validation")
            XCTAssertEqual(missing.errorPointers, ["/justification"])
            let blank = try await client.call(.post, "/v1/proposals/\(id)/screening/override",
                                              body: ["decision": "eligible", "justification": "   "])
            XCTAssertProblem(blank, .badRequest, "validation")
            XCTAssertEqual(blank.errorPointers, ["/justification"])

            let justification = "The reference was reached by phone on 2021-07-06 and confirmed the letter."
            let overridden = try await client.call(.post, "/v1/proposals/\(id)/screening/override",
                                                   body: ["decision": "eligible", "justification": justification])
            XCTAssertEqual(overridden.status, .ok, overridden.text)
            XCTAssertEqual(overridden["decision"] as? String, "eligible")
            XCTAssertEqual((overridden["evaluation"] as? [String: Any])?["decision"] as? String, "ineligible", "the evaluation is kept")
            let override = try XCTUnwrap(overridden["override"] as? [String: Any])
            XCTAssertEqual(override["justification"] as? String, justification)
            XCTAssertEqual(override["decision"] as? String, "eligible")

            let reporting = try await Fixtures.token(app, role: "reporting")
            let read = try await client.call(.get, "/v1/proposals/\(id)/screening", token: reporting, headers: ["Accept-Language": "es"])
            XCTAssertEqual(read.status, .ok, read.text)
            XCTAssertEqual(read["decision"] as? String, "eligible")
            let rules = ((read["evaluation"] as? [String: Any])?["rules"] as? [[String: Any]]) ?? []
            XCTAssertEqual(rules.first { $0["id"] as? String == "due-diligence-not-flagged" }?["message"] as? String,
                           "La diligencia debida no debe haber suscitado sospechas de irregularidades o fraude sobre la organización líder o un socio.")

            // Every decision is audited, and the screenings table keeps them all.
            let audit = try await client.call(.get, "/v1/audit-events?entityType=proposal&entityId=\(id)")
            let actions = (audit["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            XCTAssertEqual(actions.filter { $0.hasPrefix("proposal.screen") },
                           ["proposal.screened", "proposal.screened", "proposal.screening_overridden"])
            let overrideEvent = try XCTUnwrap((audit["items"] as? [[String: Any]])?.last { $0["action"] as? String == "proposal.screening_overridden" })
            let changes = try XCTUnwrap(overrideEvent["changes"] as? [String: Any])
            XCTAssertEqual((changes["screening"] as? [String: Any])?["old"] as? String, "ineligible")
            XCTAssertEqual((changes["justification"] as? [String: Any])?["new"] as? String, justification)
            let kept = try await app.pool.withConnection { connection in
                try await connection.query("SELECT kind FROM screenings WHERE proposal_id = \(UUID(uuidString: id)!) ORDER BY id")
                    .map { try $0.decode(String.self, column: "kind") }
            }
            XCTAssertEqual(kept, ["evaluation", "evaluation", "override"])
            await XCTAssertThrowsErrorAsync { _ = try await app.pool.withConnection { try await $0.execute("DELETE FROM screenings") } }
        }
    }

    /// Answers whose rule messages are in the negotiated language say which (`Content-Language`) and that they
    /// depend on `Accept-Language` (`Vary`), as problems do; a replayed screening is in the language it was written in.
    func testLocalisedAnswersSayTheirLanguage() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await RulesetFixtures.submitted(client, lead: lead)
            func assertLanguage(_ answer: TestResponse, _ language: String, _ context: String,
                                file: StaticString = #filePath, line: UInt = #line) {
                XCTAssertEqual(answer.status, .ok, answer.text, file: file, line: line)
                XCTAssertEqual(answer.headers[.contentLanguage], language, context, file: file, line: line)
                XCTAssertTrue(answer.headers[values: .vary].contains { $0.contains("Accept-Language") }, context, file: file, line: line)
            }
            assertLanguage(try await client.call(.get, "/v1/proposals/\(id)/eligibility", headers: ["Accept-Language": "fr"]), "fr", "eligibility")
            assertLanguage(try await client.call(.get, "/v1/proposals/\(id)/eligibility"), "en", "eligibility without Accept-Language")

            let key = ["Idempotency-Key": "screen-in-french"]
            let screened = try await client.call(
                .post, "/v1/proposals/\(id)/screening", headers: key.merging(["Accept-Language": "fr"]) { a, _ in a })
            assertLanguage(screened, "fr", "screening")
            let replayed = try await client.call(
                .post, "/v1/proposals/\(id)/screening", headers: key.merging(["Accept-Language": "es"]) { a, _ in a })
            assertLanguage(replayed, "fr", "a replay is the first answer, in its language")
            XCTAssertEqual(replayed.body, screened.body)
            assertLanguage(try await client.call(.get, "/v1/proposals/\(id)/screening", headers: ["Accept-Language": "es"]), "es", "screening read")
            let overridden = try await client.call(
                .post, "/v1/proposals/\(id)/screening/override", body: ["decision": "eligible", "justification": "Checked by phone."],
                headers: ["Accept-Language": "pt"])
            assertLanguage(overridden, "pt", "override")
        }
    }

    func testAWithdrawnProposalIsNeitherScreenedNorOverridden() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await RulesetFixtures.submitted(client, lead: lead)
            let screened = try await client.call(.post, "/v1/proposals/\(id)/screening")
            XCTAssertEqual(screened["decision"] as? String, "eligible", screened.text)
            let withdrawn = try await client.call(.post, "/v1/proposals/\(id)/withdraw")
            XCTAssertEqual(withdrawn.status, .ok, withdrawn.text)

            XCTAssertProblem(try await client.call(.post, "/v1/proposals/\(id)/screening"), .conflict, "conflict")
            let override = try await client.call(.post, "/v1/proposals/\(id)/screening/override",
                                                 body: ["decision": "ineligible", "justification": "Withdrawn by the applicant."])
            XCTAssertProblem(override, .conflict, "conflict")
            XCTAssertTrue((override["detail"] as? String)?.contains("withdrawn") == true, override.text)
            let standing = try await client.call(.get, "/v1/proposals/\(id)/screening")
            XCTAssertEqual(standing["decision"] as? String, "eligible")
            XCTAssertNil(standing["override"])
        }
    }

    func testOnlyAdminsScreenAndOverride() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await RulesetFixtures.submitted(client, lead: lead)
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [lead])
            for token in [applicant, try await Fixtures.token(app, role: "reviewer"), try await Fixtures.token(app, role: "platform")] {
                XCTAssertProblem(try await client.call(.post, "/v1/proposals/\(id)/screening", token: token), .forbidden, "forbidden")
                XCTAssertProblem(try await client.call(.post, "/v1/proposals/\(id)/screening/override", token: token,
                                                       body: ["decision": "eligible", "justification": "Because."]),
                                 .forbidden, "forbidden")
            }
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(id)/screening", token: applicant), .forbidden, "forbidden")
        }
    }
}

/// Which fact paths a caller who may not see due diligence is kept from.
final class FactsViewTests: XCTestCase {
    func testRulesReadingWithheldFactsOrWhatHoldsThemAreLeftOut() {
        let view = FactsView(for: Principal(tokenID: nil, role: .platform), lead: UUID().uuidString, partners: [])
        for path in ["", "leadOrganisation", "leadOrganisation.dueDiligence", "leadOrganisation.dueDiligence.length",
                     "partners", "partners.0", "partners.12.dueDiligence"] {
            XCTAssertTrue(view.withholds(path), path)
        }
        for path in ["leadOrganisation.kind", "partners.length", "partners.0.kind", "partners.01.dueDiligence",
                     "proposal.partners", "derived.countriesInCall"] {
            XCTAssertFalse(view.withholds(path), path)
        }
        let reporting = FactsView(for: Principal(tokenID: nil, role: .reporting), lead: UUID().uuidString, partners: [UUID().uuidString])
        // Reporting sees due diligence and every organisation, not the project lead's contact.
        XCTAssertFalse(reporting.withholds("leadOrganisation"))
        XCTAssertFalse(reporting.withholds("leadOrganisation.dueDiligence"))
        XCTAssertTrue(reporting.withholds("proposal.projectLead.email"))
        XCTAssertTrue(reporting.withholds("proposal.projectLead"))
    }

    func testOfOrganisationsTheCallerMayNotReadOnlyTheIdsStay() {
        let own = UUID(), other = UUID()
        let applicant = Principal(tokenID: nil, role: .applicant, organisationIDs: [own])
        let partnerView = FactsView(for: applicant, lead: own.uuidString, partners: [own.uuidString, other.uuidString])
        for path in ["partners.1.legalName", "partners.1", "partners.1.registered"] {
            XCTAssertTrue(partnerView.withholds(path), path)
        }
        for path in ["partners.1.organisationId", "partners.1.role", "partners.0.legalName", "leadOrganisation.foundedOn",
                     "derived.leadOrganisationFullYearsBeforeDeadline"] {
            XCTAssertFalse(partnerView.withholds(path), path)
        }
        let leadView = FactsView(for: applicant, lead: other.uuidString, partners: [own.uuidString])
        for path in ["leadOrganisation.legalName", "leadOrganisation", "derived.leadOrganisationFullYearsBeforeDeadline",
                     "derived.bankAccountHolderMatchesLead", "derived"] {
            XCTAssertTrue(leadView.withholds(path), path)
        }
        for path in ["leadOrganisation.id", "partners.0.legalName", "derived.countriesInCall", "proposal.leadOrganisationId"] {
            XCTAssertFalse(leadView.withholds(path), path)
        }
    }
}

/// The derived facts, computed without a database.
final class FactsDerivationRulesetTests: XCTestCase {
    let zurich = TimeZone(identifier: "Europe/Zurich")!
    let deadline = ISO8601DateFormatter().date(from: "2021-06-30T22:00:00Z")!

    func testFullCalendarYearsBeforeTheDeadline() {
        let cases: [(String, Int)] = [
            ("2019-01-01", 2), ("2019-01-02", 1), ("2018-12-31", 2), ("2018-01-01", 3), ("2020-06-30", 0),
            ("2021-07-01", 0), ("1990-05-05", 30),
        ]
        for (foundedOn, years) in cases {
            XCTAssertEqual(FactsBuilder.fullCalendarYears(foundedOn: foundedOn, before: deadline, in: zurich), years, foundedOn)
        }
        XCTAssertNil(FactsBuilder.fullCalendarYears(foundedOn: "2019-02-30", before: deadline, in: zurich))
        // A deadline at local midnight on 1 January completes the year before it.
        let newYear = ISO8601DateFormatter().date(from: "2021-12-31T23:00:00Z")!
        XCTAssertEqual(FactsBuilder.fullCalendarYears(foundedOn: "2020-01-01", before: newYear, in: zurich), 2)
        XCTAssertEqual(FactsBuilder.fullCalendarYears(foundedOn: "2020-01-01", before: newYear.addingTimeInterval(-1), in: zurich), 1)
    }

    func testWorkplanDeliveredWithinTheDueDays() {
        let award = ISO8601DateFormatter().date(from: "2021-07-30T14:00:00Z")!
        XCTAssertTrue(FactsBuilder.deliveredWithin(days: 21, of: award, deliveredAt: award.addingTimeInterval(21 * 86_400), in: zurich))
        XCTAssertFalse(FactsBuilder.deliveredWithin(days: 21, of: award, deliveredAt: award.addingTimeInterval(21 * 86_400 + 1), in: zurich))
        XCTAssertFalse(FactsBuilder.deliveredWithin(days: 21, of: award, deliveredAt: nil, in: zurich))
    }

    func testBankAccountHolderIsTheLeadsLegalName() {
        XCTAssertTrue(FactsBuilder.sameLegalName("FUNDACION FORMALIZA", "Fundación Formaliza"))
        XCTAssertTrue(FactsBuilder.sameLegalName("Fundación Formaliza, A.C.", "fundacion formaliza ac"))
        XCTAssertFalse(FactsBuilder.sameLegalName("Ana Quispe", "Fundación Formaliza"))
        XCTAssertFalse(FactsBuilder.sameLegalName("", ""))
    }

    /// A reference file missing from the bundled files stops start-up (it would otherwise stop the process
    /// at the first request that reads it).
    func testMissingReferenceFilesAreNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("[]".utf8).write(to: folder.appendingPathComponent("iso3166-countries.json"))
        XCTAssertEqual(ReferenceData.missingFiles(in: folder).map { URL(fileURLWithPath: $0).lastPathComponent },
                       ["iso4217-currencies.csv", "country-currencies.json"])
        XCTAssertEqual(ReferenceData.missingFiles(in: BundledFiles.root.appendingPathComponent("reference")), [])
        XCTAssertNoThrow(try ReferenceData.loadAtStart())
    }

    func testLocalCurrenciesComeFromTheReferenceList() {
        XCTAssertEqual(ReferenceData.localCurrencies["PE"], ["PEN"])
        XCTAssertEqual(ReferenceData.localCurrencies["CL"], ["CLP"], "units of account are not currencies a grant is paid in")
        XCTAssertEqual(ReferenceData.localCurrencies["PA"], ["PAB", "USD"])
        // Every country, so a call in another region can ask for local currencies too.
        XCTAssertEqual(ReferenceData.localCurrencies["KE"], ["KES"])
        XCTAssertEqual(ReferenceData.localCurrencies["SN"], ["XOF"])
        XCTAssertEqual(ReferenceData.localCurrencies["TR"], ["TRY"])
        XCTAssertEqual(ReferenceData.localCurrencies["CH"], ["CHF"], "WIR units are not money a grant is paid in")
        XCTAssertEqual(ReferenceData.localCurrencies["PS"], [])
        XCTAssertEqual(ReferenceData.localCurrencies.count, 249)
    }

    /// The bench's facts document is a `Facts` document as the API writes it (nothing unknown, nothing lost).
    func testTheBenchFactsFollowTheFactsSchema() throws {
        let file = BundledFiles.root.appendingPathComponent("bench/facts-LAC-2021.json")
        let data = try Data(contentsOf: file)
        let facts = try Representation.decoder.decode(Components.Schemas.Facts.self, from: data)
        XCTAssertEqual(try FactsBuilder.document(facts), try JSONValue(parsing: data))
    }

    /// With a grant, the builder derives what the disbursement rules read.
    func testGrantFactsAreDerivedForTheDisbursementRules() throws {
        let file = BundledFiles.root.appendingPathComponent("bench/facts-LAC-2021.json")
        let expected = try Representation.decoder.decode(Components.Schemas.Facts.self, from: Data(contentsOf: file))
        let callJSON = try Data(contentsOf: BundledFiles.seedDirectory.appendingPathComponent("calls/LAC-2021.json"))
        var callObject = try XCTUnwrap(try JSONSerialization.jsonObject(with: callJSON) as? [String: Any])
        callObject["id"] = expected.call.id
        callObject["version"] = 1
        callObject["createdAt"] = "2021-05-01T00:00:00Z"
        callObject["updatedAt"] = "2021-05-01T00:00:00Z"
        let call = try Representation.decoder.decode(
            Components.Schemas.Call.self, from: JSONSerialization.data(withJSONObject: callObject))
        let p = expected.proposal
        let proposal = Components.Schemas.Proposal(
            leadOrganisationId: p.leadOrganisationId, partners: p.partners, projectLead: p.projectLead, title: p.title,
            summary: p.summary, need: p.need, language: p.language, stage: p.stage, questionIds: p.questionIds,
            solutionTypeIds: p.solutionTypeIds, countries: p.countries, targetGroups: p.targetGroups,
            stakeholderSupport: p.stakeholderSupport, labAvailability: p.labAvailability, id: p.id, callId: p.callId,
            status: p.status, receipt: p.receipt, rulesetVersion: p.rulesetVersion, version: p.version, createdAt: p.createdAt,
            updatedAt: p.updatedAt)
        func organisation(_ f: Components.Schemas.FactsOrganisation) -> Components.Schemas.Organisation {
            .init(legalName: f.legalName!, kind: f.kind!, nonProfit: f.nonProfit!, registration: f.registration, foundedOn: f.foundedOn,
                  contractualCapacity: f.contractualCapacity, country: f.country!, dueDiligence: f.dueDiligence.map { .init(status: $0) },
                  id: f.id, version: 1, createdAt: p.createdAt, updatedAt: p.createdAt)
        }
        let partners = expected.partners.map { f in
            (link: Components.Schemas.Partner(organisationId: f.organisationId, role: f.role),
             organisation: Components.Schemas.Organisation(
                legalName: f.legalName!, kind: f.kind!, nonProfit: f.nonProfit!, registration: nil, foundedOn: f.foundedOn,
                contractualCapacity: f.contractualCapacity, country: f.country!, dueDiligence: f.dueDiligence.map { .init(status: $0) },
                id: f.organisationId, version: 1, createdAt: p.createdAt, updatedAt: p.createdAt))
        }
        var built = FactsBuilder.make(
            call: call, proposal: proposal, lead: organisation(expected.leadOrganisation), partners: partners,
            grant: expected.grant, at: expected.evaluatedAt)
        // The hand-written partners carry registration flags the stand-in organisations above do not.
        built.partners = expected.partners
        XCTAssertEqual(built.derived, expected.derived)
        XCTAssertEqual(try FactsBuilder.document(built), try FactsBuilder.document(expected))

        var foreignAccount = expected.grant!
        foreignAccount.bankAccount = .init(holderName: "Ana Quispe")
        foreignAccount.payoutCurrency = "USD"
        foreignAccount.workplan = .init(deliveredAt: expected.grant!.awardedAt.addingTimeInterval(22 * 86_400), approved: true)
        let refused = FactsBuilder.make(
            call: call, proposal: proposal, lead: organisation(expected.leadOrganisation), partners: partners,
            grant: foreignAccount, at: expected.evaluatedAt)
        XCTAssertEqual(refused.derived.bankAccountHolderMatchesLead, false)
        XCTAssertEqual(refused.derived.payoutCurrencyIsLocal, false)
        XCTAssertEqual(refused.derived.workplanDeliveredWithinDays, false)
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
