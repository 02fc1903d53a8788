@testable import App
import Foundation
import HTTPTypes
import HummingbirdTesting
import XCTest

final class ProposalLifecycleTests: XCTestCase {
    func testSeededCallIsServedAsData() async throws {
        try await TestApp.run { _, client in
            let call = try await client.call(.get, "/v1/calls/LAC-2021")
            XCTAssertEqual(call.status, .ok, call.text)
            XCTAssertEqual(call["deadline"] as? String, "2021-06-30T22:00:00.000Z")
            XCTAssertEqual((call["questions"] as? [Any])?.count, 11)
            XCTAssertEqual((call["solutionTypes"] as? [Any])?.count, 8)
            let criteria = try XCTUnwrap(call["criteria"] as? [[String: Any]])
            XCTAssertEqual(criteria.count, 5)
            XCTAssertEqual(criteria.map { ($0["subCriteria"] as? [Any])?.count ?? 0 }, [3, 2, 2, 3, 3])
            let prizes = try XCTUnwrap(call["prizes"] as? [[String: Any]])
            XCTAssertEqual(prizes.map { $0["amount"] as? String }, ["30000.00", "20000.00"])
            XCTAssertEqual(call["workplanDueDays"] as? Int, 21)
            let countries = try XCTUnwrap(call["eligibleCountries"] as? [String])
            XCTAssertTrue(countries.contains("PE") && !countries.contains("BV") && !countries.contains("GS"))
            XCTAssertEqual(call.headers[.eTag], "\"1\"")
        }
    }

    /// A call that could not run is refused with every reason: empty lists, repeated kinds, target
    /// group ids proposals could never give, prizes out of rank or in amounts the currency cannot pay,
    /// a schedule out of order.
    func testACallThatCouldNotRunIsRefused() async throws {
        try await TestApp.run { _, client in
            var body = try Fixtures.callBody(code: "BROKEN-1")
            body["questions"] = []
            body["organisationKinds"] = ["ngo", "ngo"]
            var groups = try XCTUnwrap(body["targetGroups"] as? [[String: Any]])
            groups[0]["id"] = "Women"
            body["targetGroups"] = groups
            body["prizes"] = [
                ["rank": 1, "amount": "30000.001", "currency": "USD"], ["rank": 3, "amount": "100.50", "currency": "JPY"],
                ["rank": 4, "amount": "0", "currency": "XAU"],
            ]
            body["winnersAnnouncedOn"] = "2021-06-15"
            body["labStartsOn"] = "2021-06-01"
            body["pilotEndsOn"] = "2021-05-01"
            // Sub-criterion ids repeated within a criterion and across two, each pointed at where it is.
            var criteria = try XCTUnwrap(body["criteria"] as? [[String: Any]])
            var second = try XCTUnwrap(criteria[1]["subCriteria"] as? [[String: Any]])
            second[1]["id"] = second[0]["id"]
            criteria[1]["subCriteria"] = second
            var third = try XCTUnwrap(criteria[2]["subCriteria"] as? [[String: Any]])
            third[0]["id"] = (criteria[0]["subCriteria"] as? [[String: Any]])?.first?["id"]
            criteria[2]["subCriteria"] = third
            body["criteria"] = criteria
            let refused = try await client.call(.post, "/v1/calls", body: body)
            XCTAssertProblem(refused, .badRequest, "validation")
            XCTAssertEqual(Set(refused.errorPointers), [
                "/questions", "/organisationKinds/1", "/targetGroups/0/id", "/prizes", "/prizes/0/amount", "/prizes/1/amount",
                "/prizes/2/currency", "/winnersAnnouncedOn", "/labStartsOn", "/pilotEndsOn",
                "/criteria/1/subCriteria/1", "/criteria/2/subCriteria/0",
            ])
            // The seed's own definition is one that can run.
            let fine = try await client.call(.post, "/v1/calls", body: try Fixtures.callBody(code: "FINE-1"))
            XCTAssertEqual(fine.status, .created, fine.text)
        }
    }

    /// A website is a plain http(s) URL without credentials; an organisation is registered once founded;
    /// grants and payouts are in money, not in a fund or a metal.
    func testOrganisationAndPayoutValuesHoldWhatTheyClaim() async throws {
        try await TestApp.run { _, client in
            for website in ["https://a.example/<script>", "https://user:pass@example.org", "https://", "ftp://files.example",
                            "https://x.example/%zz", "https://x.example/100%", "https://x.example:99999/", "https://x.example:0/"] {
                var body = Fixtures.organisationBody(name: "Web")
                body["website"] = website
                let refused = try await client.call(.post, "/v1/organisations", body: body)
                XCTAssertEqual(refused.errorPointers, ["/website"], website)
            }
            var encoded = Fixtures.organisationBody(name: "Encoded")
            encoded["website"] = "https://x.example:8443/caf%C3%A9?q=a%2Fb"
            let kept = try await client.call(.post, "/v1/organisations", body: encoded)
            XCTAssertEqual(kept.status, .created, kept.text)
            var early = Fixtures.organisationBody(name: "Early")
            early["foundedOn"] = "2015-03-01"
            early["registration"] = ["number": "EARLY-1", "country": "PE", "registeredOn": "1900-01-01"]
            let registeredEarly = try await client.call(.post, "/v1/organisations", body: early)
            XCTAssertEqual(registeredEarly.errorPointers, ["/registration/registeredOn"])
            // A number in other digits (fullwidth here) would slip past the one-registration key: refused.
            var fullwidth = Fixtures.organisationBody(name: "Fullwidth")
            fullwidth["registration"] = ["number": "\u{FF12}\u{FF10}\u{FF16}\u{FF10}\u{FF11}", "country": "PE"]
            let wide = try await client.call(.post, "/v1/organisations", body: fullwidth)
            XCTAssertEqual(wide.errorPointers, ["/registration/number"])

            var call = try Fixtures.callBody(code: "FUND-1")
            call["prizes"] = [["rank": 1, "amount": "100", "currency": "CLF"]]
            let fund = try await client.call(.post, "/v1/calls", body: call)
            XCTAssertEqual(fund.errorPointers, ["/prizes/0/currency"])
        }
    }

    /// Ids are stored as the service writes them, whatever case the client used.
    func testIdsAreStoredInLowerCase() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let partner = try await Fixtures.createOrganisation(client, name: "Socio")
            var body = Fixtures.proposalBody(lead: lead.uppercased())
            body["partners"] = [["organisationId": partner.uppercased(), "role": "Trains"]]
            let created = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body)
            XCTAssertEqual(created.status, .created, created.text)
            XCTAssertEqual(created["leadOrganisationId"] as? String, lead)
            XCTAssertEqual((created["partners"] as? [[String: Any]])?.first?["organisationId"] as? String, partner)
        }
    }

    func testDraftToSubmittedToWithdrawnEndToEnd() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [lead])
            var body = Fixtures.proposalBody(lead: lead)
            body["title"] = nil
            let draft = try await Fixtures.createProposal(client, lead: lead, token: applicant, body: body)
            XCTAssertEqual(draft["status"] as? String, "draft")
            let id = try XCTUnwrap(draft["id"] as? String)
            XCTAssertEqual(draft.headers[.location], "/v1/proposals/\(id)")

            // Incomplete: refused with every reason.
            let incomplete = try await client.call(.post, "/v1/proposals/\(id)/submit", token: applicant)
            XCTAssertProblem(incomplete, .unprocessableContent, "unprocessable")
            XCTAssertEqual(incomplete.errorPointers, ["/title"])

            let patched = try await client.call(
                .patch, "/v1/proposals/\(id)", token: applicant, body: ["title": "Formalisation in two clicks"],
                contentType: "application/merge-patch+json", headers: ["If-Match": draft.headers[.eTag]!])
            XCTAssertEqual(patched.status, .ok, patched.text)
            XCTAssertEqual(patched.headers[.eTag], "\"2\"")

            let submitted = try await client.call(.post, "/v1/proposals/\(id)/submit", token: applicant)
            XCTAssertEqual(submitted.status, .ok, submitted.text)
            XCTAssertEqual(submitted["status"] as? String, "submitted")
            let receipt = try XCTUnwrap(submitted["receipt"] as? [String: Any])
            XCTAssertEqual(receipt["number"] as? String, "LAC-2021-000001")
            XCTAssertEqual(receipt["submittedAt"] as? String, "2021-06-01T12:00:00.000Z")

            // Frozen once submitted.
            let edit = try await client.call(
                .patch, "/v1/proposals/\(id)", token: applicant, body: ["title": "Changed"],
                contentType: "application/merge-patch+json", headers: ["If-Match": submitted.headers[.eTag]!])
            XCTAssertProblem(edit, .conflict, "conflict")

            let withdrawn = try await client.call(.post, "/v1/proposals/\(id)/withdraw", token: applicant)
            XCTAssertEqual(withdrawn["status"] as? String, "withdrawn")
            let again = try await client.call(.post, "/v1/proposals/\(id)/withdraw", token: applicant)
            XCTAssertProblem(again, .conflict, "conflict")
        }
    }

    func testSubmissionChecksIdsCountriesAndLanguageAgainstTheCall() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            var body = Fixtures.proposalBody(lead: lead)
            body["questionIds"] = ["Q1", "Q99"]
            body["countries"] = ["PE", "FR"]
            body["solutionTypeIds"] = ["S1", "S99"]
            body["targetGroups"] = ["retirees"]
            let draft = try await Fixtures.createProposal(client, lead: lead, body: body)
            let id = try XCTUnwrap(draft["id"] as? String)
            let refused = try await client.call(.post, "/v1/proposals/\(id)/submit")
            XCTAssertProblem(refused, .unprocessableContent, "unprocessable")
            // The call's own rule on countries says it too: every reason is listed at once.
            XCTAssertEqual(
                Set(refused.errorPointers),
                ["/questionIds/1", "/countries/1", "/solutionTypeIds/1", "/targetGroups/0", "rules/no-implementation-country-outside-region"])

            // Solution types and target groups are what a solution "may include": a proposal may name none.
            var plain = Fixtures.proposalBody(lead: lead)
            plain["solutionTypeIds"] = []
            plain.removeValue(forKey: "targetGroups")
            let other = try await Fixtures.createProposal(client, lead: lead, body: plain)
            let submitted = try await client.call(.post, "/v1/proposals/\(try XCTUnwrap(other["id"] as? String))/submit")
            XCTAssertEqual(submitted.status, .ok, submitted.text)
        }
    }

    /// Once proposals are submitted, the call cannot take away what they were checked against.
    func testACallCannotChangeUnderItsSubmissions() async throws {
        try await TestApp.run { _, client in
            let lead = try await RulesetFixtures.organisation(client)
            _ = try await RulesetFixtures.submitted(client, lead: lead)
            let call = try await client.call(.get, "/v1/calls/LAC-2021")
            let etag = try XCTUnwrap(call.headers[.eTag])
            let questions = try XCTUnwrap(call["questions"] as? [[String: Any]])
            func patch(_ body: [String: Any]) async throws -> TestResponse {
                try await client.call(.patch, "/v1/calls/LAC-2021", body: body, contentType: "application/merge-patch+json",
                                      headers: ["If-Match": etag])
            }
            let refused = try await patch([
                "code": "LAC-2021-B",
                "questions": questions.filter { $0["id"] as? String != "Q1" },
                "eligibleCountries": ["MX"],
                "stages": ["idea", "advanced"],  // the submitted proposal is at the early stage
                "deadline": "2021-06-01T11:00:00Z",  // the submission was at 12:00 (the test clock)
            ])
            XCTAssertProblem(refused, .conflict, "conflict")
            XCTAssertEqual(refused.errorPointers, ["/code", "/questions", "/eligibleCountries", "/stages", "/deadline"])
            let details = (refused["errors"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
            XCTAssertEqual(Array(details.dropFirst().prefix(2)), [
                "would drop Q1, which submitted proposals use", "would drop CO, PE, which submitted proposals use",
            ])

            // What no submission uses may still go, and texts may change.
            let allowed = try await patch([
                "questions": questions.filter { $0["id"] as? String != "Q11" }, "title": ["en": "Call for solutions", "fr": "Appel"],
            ])
            XCTAssertEqual(allowed.status, .ok, allowed.text)
        }
    }

    func testLateSubmissionIsRefusedAtTheSecond() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let first = try await Fixtures.proposalID(client, lead: lead)
            let second = try await Fixtures.proposalID(client, lead: lead)
            let deadline = ISO8601DateFormatter().date(from: "2021-06-30T22:00:00Z")!

            app.clock.now = deadline.addingTimeInterval(-1)
            let inTime = try await client.call(.post, "/v1/proposals/\(first)/submit")
            XCTAssertEqual(inTime.status, .ok, inTime.text)

            app.clock.now = deadline
            let late = try await client.call(.post, "/v1/proposals/\(second)/submit")
            XCTAssertProblem(late, .unprocessableContent, "unprocessable")
            XCTAssertTrue(late.text.contains("deadline"), late.text)
        }
    }

    /// A submit that waits for the proposal's lock (held by another change) is judged when it runs:
    /// if the deadline passed meanwhile, it is late; its receipt never predates what committed before it.
    func testASubmitWaitingForTheLockIsJudgedWhenItRuns() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            let deadline = ISO8601DateFormatter().date(from: "2021-06-30T22:00:00Z")!
            app.clock.now = deadline.addingTimeInterval(-1)
            let (locked, lockTaken) = AsyncStream<Void>.makeStream()
            let (release, releaseLock) = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await app.pool.withTransaction { connection in
                    _ = try await connection.query("SELECT 1 FROM proposals WHERE id = \(UUID(uuidString: id)!) FOR UPDATE")
                    lockTaken.yield()
                    for await _ in release { break }
                }
            }
            for await _ in locked { break }
            let submit = Task { try await client.call(.post, "/v1/proposals/\(id)/submit") }
            try await Task.sleep(for: .milliseconds(300))  // the submit is now waiting for the lock
            app.clock.now = deadline
            releaseLock.yield()
            try await holder.value
            let answer = try await submit.value
            XCTAssertProblem(answer, .unprocessableContent, "unprocessable")
            XCTAssertTrue(answer.text.contains("deadline"), answer.text)
        }
    }

    /// A submission locks its call against other changes (receipt numbers), not against the creation of
    /// drafts in it: a creation made while a submission holds the call goes through at once.
    func testACreationIsNotHeldUpByASubmissionHoldingItsCall() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            try await app.pool.withTransaction { connection in
                // The lock a submission takes on its call, held while the draft is created.
                let call = try await CallRepository.find(connection, "LAC-2021", forUpdate: true)
                XCTAssertNotNil(call)
                let started = ContinuousClock.now
                let created = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: Fixtures.proposalBody(lead: lead))
                XCTAssertEqual(created.status, .created, created.text)
                XCTAssertLessThan(ContinuousClock.now - started, .seconds(2), "the creation waited for the call's lock")
            }
        }
    }

    func testConcurrentSubmitsGiveExactlyOneReceipt() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<8 { group.addTask { try await client.call(.post, "/v1/proposals/\(id)/submit").status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(statuses.filter { $0 == .ok }.count, 1)
            XCTAssertEqual(statuses.filter { $0 == .conflict }.count, 7)
            let stored = try await client.call(.get, "/v1/proposals/\(id)")
            XCTAssertEqual((stored["receipt"] as? [String: Any])?["number"] as? String, "LAC-2021-000001")
        }
    }

    func testADraftNeedsAnExistingCallAndRegisteredOrganisations() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let partner = try await Fixtures.createOrganisation(client, name: "Cooperativa Andina")
            let nobody = UUID().uuidString.lowercased()
            let nobodyElse = UUID().uuidString.lowercased()
            func count() async throws -> Int {
                let list = try await client.call(.get, "/v1/proposals?limit=200")
                return (list["items"] as? [[String: Any]])?.count ?? -1
            }
            let before = try await count()

            let noCall = try await client.call(.post, "/v1/calls/NOPE-2099/proposals", body: Fixtures.proposalBody(lead: lead))
            XCTAssertProblem(noCall, .notFound, "not-found")
            let noCallByID = try await client.call(
                .post, "/v1/calls/\(UUID().uuidString.lowercased())/proposals", body: Fixtures.proposalBody(lead: lead))
            XCTAssertProblem(noCallByID, .notFound, "not-found")

            var body = Fixtures.proposalBody(lead: nobody)
            body["partners"] = [["organisationId": partner, "role": "co-applicant"], ["organisationId": nobodyElse, "role": "advisor"]]
            let unregistered = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body)
            XCTAssertProblem(unregistered, .badRequest, "validation")
            XCTAssertEqual(unregistered.errorPointers, ["/leadOrganisationId", "/partners/1/organisationId"])
            let afterRefusals = try await count()
            XCTAssertEqual(afterRefusals, before)

            // The call by its id, a registered lead and partner: created.
            let call = try await client.call(.get, "/v1/calls/LAC-2021")
            let callID = try XCTUnwrap(call["id"] as? String)
            body = Fixtures.proposalBody(lead: lead)
            body["partners"] = [["organisationId": partner, "role": "co-applicant"]]
            let created = try await client.call(.post, "/v1/calls/\(callID)/proposals", body: body)
            XCTAssertEqual(created.status, .created, created.text)
            XCTAssertEqual(created["callId"] as? String, callID)
            XCTAssertEqual(created["status"] as? String, "draft")
            let afterCreation = try await count()
            XCTAssertEqual(afterCreation, before + 1)
        }
    }

    func testValuesAreValidatedOnEveryWriteWithEveryPointer() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            var body = Fixtures.proposalBody(lead: lead)
            body["countries"] = ["PE", "XX"]
            body["projectLead"] = ["name": "Ana", "email": "not-an-email"]
            body["title"] = "   "
            let response = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body)
            XCTAssertProblem(response, .badRequest, "validation")
            XCTAssertEqual(Set(response.errorPointers), ["/countries/1", "/projectLead/email", "/title"])
        }
    }
}
