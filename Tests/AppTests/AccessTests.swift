import Foundation
import HTTPTypes
import HummingbirdTesting
import XCTest

/// Authentication, and object-, property- and function-level access on the resources.
final class AccessTests: XCTestCase {
    func testEveryCredentialFailureLooksTheSame() async throws {
        try await TestApp.run { app, client in
            let revoked = try await Fixtures.token(app, role: "admin")
            try await app.pool.withConnection { try await $0.execute("UPDATE api_tokens SET revoked_at = now()") }
            let expired = try await Fixtures.token(app, role: "admin")
            try await app.pool.withConnection {
                try await $0.execute("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL")
            }
            var bodies: Set<String> = []
            for header in [nil, "Basic abc", "Bearer", "Bearer unknown-token-0123456789", "Bearer \(revoked)", "Bearer \(expired)"] {
                let response = try await client.call(
                    .get, "/v1/calls", token: nil, headers: header.map { ["Authorization": $0] } ?? [:])
                XCTAssertProblem(response, .unauthorized, "unauthorized")
                XCTAssertEqual(response.headers[.wwwAuthenticate], "Bearer")
                XCTAssertEqual(response.headers[.cacheControl], "no-store", header ?? "no credential")
                var json = response.json
                json["instance"] = nil
                bodies.insert(String(describing: json.sorted { $0.key < $1.key }))
            }
            XCTAssertEqual(bodies.count, 1, "no hint which check failed")
        }
    }

    func testApplicantSeesOnlyItsOwnOrganisationsAndProposals() async throws {
        try await TestApp.run { app, client in
            let mine = try await Fixtures.createOrganisation(client, name: "Mine")
            let theirs = try await Fixtures.createOrganisation(client, name: "Theirs")
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [mine])
            let own = try await Fixtures.proposalID(client, lead: mine, token: applicant)
            let foreign = try await Fixtures.proposalID(client, lead: theirs)

            let status = try await client.call(.get, "/v1/proposals/\(own)", token: applicant).status
            XCTAssertEqual(status, .ok)
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(foreign)", token: applicant), .notFound, "not-found")
            XCTAssertProblem(try await client.call(.post, "/v1/proposals/\(foreign)/submit", token: applicant), .notFound, "not-found")
            XCTAssertProblem(try await client.call(.get, "/v1/organisations/\(theirs)", token: applicant), .notFound, "not-found")
            let list = try await client.call(.get, "/v1/proposals", token: applicant)
            XCTAssertEqual((list["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [own])
            let organisations = try await client.call(.get, "/v1/organisations", token: applicant)
            XCTAssertEqual((organisations["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [mine])

            // Another organisation's id as lead is refused.
            let refused = try await client.call(
                .post, "/v1/calls/LAC-2021/proposals", token: applicant, body: Fixtures.proposalBody(lead: theirs))
            XCTAssertProblem(refused, .forbidden, "forbidden")
            XCTAssertEqual(refused.errorPointers, ["/leadOrganisationId"])
        }
    }

    func testOnlyTheSecretariatSetsDueDiligence() async throws {
        try await TestApp.run { app, client in
            let id = try await Fixtures.createOrganisation(client)
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [id])
            let attempt = try await client.call(
                .patch, "/v1/organisations/\(id)", token: applicant, body: ["dueDiligence": ["status": "cleared"]],
                contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""])
            XCTAssertProblem(attempt, .forbidden, "forbidden")
            XCTAssertEqual(attempt.errorPointers, ["/dueDiligence"])

            var body = Fixtures.organisationBody(name: "Self-cleared")
            body["dueDiligence"] = ["status": "cleared"]
            XCTAssertProblem(try await client.call(.post, "/v1/organisations", token: applicant, body: body), .forbidden, "forbidden")

            let admin = try await client.call(
                .patch, "/v1/organisations/\(id)", body: ["dueDiligence": ["status": "flagged", "note": "reference did not answer"]],
                contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""])
            XCTAssertEqual(admin.status, .ok, admin.text)
            XCTAssertEqual((admin["dueDiligence"] as? [String: Any])?["status"] as? String, "flagged")
            // The applicant never sees the secretariat's screening.
            let seen = try await client.call(.get, "/v1/organisations/\(id)", token: applicant)
            XCTAssertNil(seen["dueDiligence"])
        }
    }

    /// A role that may not see due diligence cannot see it change either: not in the version, the tag, the last
    /// change, nor by which records an `updatedSince` filter returns.
    func testDueDiligenceWorkDoesNotShowThroughTheVersion() async throws {
        try await TestApp.run { app, client in
            let id = try await Fixtures.createOrganisation(client)
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [id])
            let before = try await client.call(.get, "/v1/organisations/\(id)", token: applicant)
            XCTAssertEqual(before.headers[.eTag], "\"1-no-due-diligence\"")

            let flagged = try await Fixtures.patchOrganisation(
                client, id, ["dueDiligence": ["status": "flagged", "note": "Registry has no such number."]], version: 1)
            XCTAssertEqual(flagged.status, .ok, flagged.text)
            XCTAssertEqual(flagged["version"] as? Int, 2)
            let flaggedAt = try XCTUnwrap(flagged["updatedAt"] as? String)
            XCTAssertNotEqual(flaggedAt, before["updatedAt"] as? String)

            let after = try await client.call(.get, "/v1/organisations/\(id)", token: applicant)
            XCTAssertEqual(after.headers[.eTag], "\"1-no-due-diligence\"")
            XCTAssertEqual(after["version"] as? Int, 1)
            XCTAssertEqual(after["updatedAt"] as? String, before["updatedAt"] as? String)
            XCTAssertEqual(after.text, before.text)
            let unchanged = try await client.call(
                .get, "/v1/organisations/\(id)", token: applicant, headers: ["If-None-Match": "\"1-no-due-diligence\""])
            XCTAssertEqual(unchanged.status, .notModified)
            func listed(since: String, token: String) async throws -> [String]? {
                let since = since.replacingOccurrences(of: ":", with: "%3A")
                let page = try await client.call(.get, "/v1/organisations?updatedSince=\(since)", token: token)
                XCTAssertEqual(page.status, .ok, page.text)
                return (page["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            }
            let sinceFlag = try await listed(since: flaggedAt, token: applicant)
            XCTAssertEqual(sinceFlag, [])
            let adminSinceFlag = try await listed(since: flaggedAt, token: TestApp.adminToken)
            XCTAssertEqual(adminSinceFlag, [id])

            // The applicant's own change moves its version; the secretariat's record counts both changes.
            let website = try await Fixtures.patchOrganisation(
                client, id, ["website": "https://formaliza.example"], version: 1, token: applicant, view: "no-due-diligence")
            XCTAssertEqual(website.status, .ok, website.text)
            XCTAssertEqual(website.headers[.eTag], "\"2-no-due-diligence\"")
            XCTAssertEqual(website["version"] as? Int, 2)
            let changedAt = try XCTUnwrap(website["updatedAt"] as? String)
            let sinceChange = try await listed(since: changedAt, token: applicant)
            XCTAssertEqual(sinceChange, [id])
            let whole = try await client.call(.get, "/v1/organisations/\(id)")
            XCTAssertEqual(whole.headers[.eTag], "\"3\"")
            XCTAssertEqual(whole["updatedAt"] as? String, changedAt)
            let stale = try await Fixtures.patchOrganisation(
                client, id, ["website": "https://formaliza.example/es"], version: 1, token: applicant, view: "no-due-diligence")
            XCTAssertProblem(stale, .preconditionFailed, "precondition-failed")
        }
    }

    func testOnlyRolesThatSeeDueDiligenceFilterOnIt() async throws {
        try await TestApp.run { app, client in
            let id = try await Fixtures.createOrganisation(client)
            try await Fixtures.flag(client, id)
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [id])
            let platform = try await Fixtures.token(app, role: "platform")
            for token in [applicant, platform] {
                for status in ["flagged", "pending", "cleared", "bogus", ""] {
                    let refused = try await client.call(.get, "/v1/organisations?dueDiligence=\(status)", token: token)
                    XCTAssertProblem(refused, .forbidden, "forbidden")
                    XCTAssertEqual(refused.errorPointers, ["dueDiligence"])
                }
                let unfiltered = try await client.call(.get, "/v1/organisations", token: token)
                XCTAssertEqual(unfiltered.status, .ok, unfiltered.text)
            }
            let reporting = try await Fixtures.token(app, role: "reporting")
            for token in [reporting, TestApp.adminToken] {
                let found = try await client.call(.get, "/v1/organisations?dueDiligence=flagged", token: token)
                XCTAssertEqual((found["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [id], found.text)
            }
        }
    }

    func testAClearanceReopensWhenTheApplicantChangesWhatWasChecked() async throws {
        try await TestApp.run { app, client in
            let id = try await Fixtures.createOrganisation(client)
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [id])
            let cleared = try await Fixtures.patchOrganisation(
                client, id, ["dueDiligence": ["status": "cleared", "note": "Registry checked."]], version: 1)
            XCTAssertEqual(cleared.status, .ok, cleared.text)
            func status() async throws -> [String: Any]? {
                try await client.call(.get, "/v1/organisations/\(id)")["dueDiligence"] as? [String: Any]
            }

            // Contact details are not what was checked, nor are the secretariat's own corrections.
            // The applicant's tag does not move with the secretariat's work on due diligence.
            let website = try await Fixtures.patchOrganisation(client, id, ["website": "https://formaliza.example"], version: 1, token: applicant, view: "no-due-diligence")
            XCTAssertEqual(website.status, .ok, website.text)
            let corrected = try await Fixtures.patchOrganisation(client, id, ["legalName": "Fundación Formaliza A.C."], version: 3)
            XCTAssertEqual(corrected.status, .ok, corrected.text)
            let stillCleared = try await status()
            XCTAssertEqual(stillCleared?["status"] as? String, "cleared")

            let renamed = try await Fixtures.patchOrganisation(
                client, id, ["legalName": "Totally Different Org", "foundedOn": "2001-01-01"], version: 3, token: applicant, view: "no-due-diligence")
            XCTAssertEqual(renamed.status, .ok, renamed.text)
            XCTAssertNil(renamed["dueDiligence"])
            let reopened = try await status()
            XCTAssertEqual(reopened?["status"] as? String, "pending")
            XCTAssertNil(reopened?["note"], "the note was about the record as it was")
            let audit = try await client.call(.get, "/v1/audit-events?entityType=organisation&entityId=\(id)&action=organisation.updated")
            let changes = try XCTUnwrap((audit["items"] as? [[String: Any]])?.last?["changes"] as? [String: Any])
            let change = try XCTUnwrap(changes["dueDiligence"] as? [String: Any])
            XCTAssertEqual((change["old"] as? [String: Any])?["note"] as? String, "Registry checked.")
            XCTAssertEqual((change["new"] as? [String: Any])?["status"] as? String, "pending")
            XCTAssertNotNil(changes["legalName"])

            // A flag stays whatever the applicant changes.
            let other = try await Fixtures.createOrganisation(client, name: "Flagged")
            try await Fixtures.flag(client, other)
            let own = try await Fixtures.token(app, role: "applicant", organisations: [other])
            let moved = try await Fixtures.patchOrganisation(client, other, ["country": "CO", "registration": NSNull()], version: 1, token: own, view: "no-due-diligence")
            XCTAssertEqual(moved.status, .ok, moved.text)
            let flag = try await client.call(.get, "/v1/organisations/\(other)")["dueDiligence"] as? [String: Any]
            XCTAssertEqual(flag?["status"] as? String, "flagged")
        }
    }

    func testTheSecretariatSaysWhyItSetsDueDiligence() async throws {
        try await TestApp.run { _, client in
            for dueDiligence in [["status": "flagged"], ["status": "cleared", "note": "   "]] {
                var body = Fixtures.organisationBody(name: "Noted")
                body["dueDiligence"] = dueDiligence
                body["country"] = "XX"
                let refused = try await client.call(.post, "/v1/organisations", body: body)
                XCTAssertProblem(refused, .badRequest, "validation")
                XCTAssertEqual(Set(refused.errorPointers), ["/dueDiligence/note", "/country"], "every fault at once")
            }
            let id = try await Fixtures.createOrganisation(client)
            try await Fixtures.flag(client, id, note: "The reference letter is forged.")
            // Clearing needs a note of its own: the flag's must not stand for it.
            for patch: [String: Any] in [["dueDiligence": ["status": "cleared"]],
                                         ["dueDiligence": ["status": "cleared", "note": ""]],
                                         ["dueDiligence": ["status": "cleared", "note": " The reference letter is forged. "]]] {
                let refused = try await Fixtures.patchOrganisation(client, id, patch, version: 2)
                XCTAssertProblem(refused, .badRequest, "validation")
                XCTAssertEqual(refused.errorPointers, ["/dueDiligence/note"], refused.text)
            }
            let unnoted = try await Fixtures.patchOrganisation(client, id, ["dueDiligence": ["note": NSNull()]], version: 2)
            XCTAssertEqual(unnoted.errorPointers, ["/dueDiligence/note"], unnoted.text)
            // Removing it would return it to pending with no note to say why: refused as such.
            let removed = try await Fixtures.patchOrganisation(client, id, ["dueDiligence": NSNull()], version: 2)
            XCTAssertProblem(removed, .badRequest, "validation")
            XCTAssertEqual(removed.errorPointers, ["/dueDiligence"], removed.text)
            XCTAssertEqual((removed.json["errors"] as? [[String: Any]])?.first?["detail"] as? String,
                           "cannot be removed once cleared or flagged: give a status with a note of its own")
            let cleared = try await Fixtures.patchOrganisation(
                client, id, ["dueDiligence": ["status": "cleared", "note": "The issuer confirmed the letter by phone."]], version: 2)
            XCTAssertEqual(cleared.status, .ok, cleared.text)
            XCTAssertEqual((cleared["dueDiligence"] as? [String: Any])?["note"] as? String, "The issuer confirmed the letter by phone.")
            // A note alone may be reworded; other fields change without one.
            let reworded = try await Fixtures.patchOrganisation(client, id, ["dueDiligence": ["note": "Confirmed by phone."]], version: 3)
            XCTAssertEqual(reworded.status, .ok, reworded.text)
            let website = try await Fixtures.patchOrganisation(client, id, ["website": "https://formaliza.example"], version: 4)
            XCTAssertEqual(website.status, .ok, website.text)
        }
    }

    func testReportingSeesNoContactData() async throws {
        try await TestApp.run { app, client in
            let id = try await Fixtures.createOrganisation(client)
            let reporting = try await Fixtures.token(app, role: "reporting")
            let seen = try await client.call(.get, "/v1/organisations/\(id)", token: reporting)
            XCTAssertEqual(seen.status, .ok)
            XCTAssertNil(seen["contacts"])
            XCTAssertEqual(seen["legalName"] as? String, "Fundación Formaliza")
            XCTAssertProblem(try await client.call(.post, "/v1/organisations", token: reporting, body: Fixtures.organisationBody()),
                             .forbidden, "forbidden")
        }
    }

    func testRolesWithoutTheOperationGet403() async throws {
        try await TestApp.run { app, client in
            let reviewer = try await Fixtures.token(app, role: "reviewer")
            let applicant = try await Fixtures.token(app, role: "applicant")
            XCTAssertProblem(try await client.call(.patch, "/v1/calls/LAC-2021", token: applicant, body: ["deadline": "2030-01-01T00:00:00Z"],
                                                   contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""]),
                             .forbidden, "forbidden")
            XCTAssertProblem(try await client.call(.get, "/v1/organisations", token: reviewer), .forbidden, "forbidden")
            let status = try await client.call(.get, "/v1/calls", token: reviewer).status
            XCTAssertEqual(status, .ok)
        }
    }

    func testAuditTrailRecordsChangesAndRefusesEdits() async throws {
        try await TestApp.run { app, client in
            let id = try await Fixtures.createOrganisation(client)
            _ = try await client.call(
                .patch, "/v1/organisations/\(id)", body: ["website": "https://formaliza.example"],
                contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\"", "X-Request-Id": "req-audit-1"])
            let rows = try await app.pool.withConnection { connection in
                try await connection.query("""
                    SELECT action, actor_role, changes::text AS changes, request_id FROM audit_events
                    WHERE entity_type = 'organisation' AND entity_id = \(id) ORDER BY id
                    """).map { row in
                    [try row.decode(String.self, column: "action"), try row.decode(String.self, column: "actor_role"),
                     try row.decode(String.self, column: "changes"), try row.decode(String?.self, column: "request_id") ?? ""]
                }
            }
            XCTAssertEqual(rows.map { $0[0] }, ["organisation.created", "organisation.updated"])
            XCTAssertEqual(rows[1][1], "admin")
            XCTAssertTrue(rows[1][2].contains("https://formaliza.example"), rows[1][2])
            XCTAssertFalse(rows[1][2].contains("legalName"), "only changed fields are recorded")
            XCTAssertEqual(rows[1][3], "req-audit-1")

            await XCTAssertThrowsErrorAsync { _ = try await app.pool.withConnection { try await $0.execute("UPDATE audit_events SET action = 'x'") } }
            await XCTAssertThrowsErrorAsync { _ = try await app.pool.withConnection { try await $0.execute("DELETE FROM audit_events") } }
        }
    }
}

func XCTAssertThrowsErrorAsync(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async {
    do {
        try await body()
        XCTFail("expected an error", file: file, line: line)
    } catch {}
}

/// A national registration belongs to one organisation.
final class OrganisationRegistrationTests: XCTestCase {
    func testASecondOrganisationUnderTheSameRegistrationIs409() async throws {
        try await TestApp.run { app, client in
            func body(_ number: String, _ country: String = "PE") -> [String: Any] {
                var body = Fixtures.organisationBody(name: "Dup Corp")
                body["registration"] = ["number": number, "country": country]
                return body
            }
            let first = try await client.call(.post, "/v1/organisations", body: body("20.601.234-567"))
            XCTAssertEqual(first.status, .created, first.text)
            let twice = try await client.call(.post, "/v1/organisations", body: body("20601234567"), headers: ["Accept-Language": "es"])
            XCTAssertProblem(twice, .conflict, "conflict")
            XCTAssertEqual(twice.errorPointers, ["/registration/number"])
            XCTAssertEqual(twice["detail"] as? String, "Otra organización está registrada con el número 20601234567 en PE.")

            // An applicant registering it again gains nothing: neither a record nor an organisation to act for.
            let own = try await Fixtures.createOrganisation(client)
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [own])
            XCTAssertProblem(try await client.call(.post, "/v1/organisations", token: applicant, body: body(" 20601 234 567 ")),
                             .conflict, "conflict")
            let me = try await client.call(.get, "/v1/me", token: applicant)
            XCTAssertEqual(me["organisationIds"] as? [String], [own])

            // The same number in another country's register is another registration; none at all is no conflict.
            let colombian = try await client.call(.post, "/v1/organisations", body: body("20601234567", "CO"))
            XCTAssertEqual(colombian.status, .created, colombian.text)
            for _ in 0..<2 {
                var unregistered = body("x")
                unregistered["registration"] = nil
                let created = try await client.call(.post, "/v1/organisations", body: unregistered)
                XCTAssertEqual(created.status, .created, created.text)
            }
            let moved = try await Fixtures.patchOrganisation(
                client, try XCTUnwrap(colombian["id"] as? String), ["registration": ["country": "PE"]], version: 1)
            XCTAssertProblem(moved, .conflict, "conflict")
            XCTAssertEqual(moved.errorPointers, ["/registration/number"])
        }
    }
}

/// Reporting tools read proposals without the project lead's contact data, on both read paths.
final class ReportingViewTests: XCTestCase {
    func testReportingSeesProposalsWithoutTheProjectLead() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            let reporting = try await Fixtures.token(app, role: "reporting")
            let fast = try await client.call(.get, "/v1/proposals/\(id)", token: reporting)
            XCTAssertEqual(fast.status, .ok)
            XCTAssertNil(fast["projectLead"])
            XCTAssertFalse(fast.text.contains("ana@formaliza.example"))
            XCTAssertEqual(fast["title"] as? String, "Formalisation in two clicks")
            let filtered = try await client.call(.get, "/v1/proposals?status=draft", token: reporting)
            XCTAssertEqual(filtered.status, .ok, filtered.text)
            XCTAssertFalse(filtered.text.contains("ana@formaliza.example"))
            let plain = try await client.call(.get, "/v1/proposals", token: reporting)
            XCTAssertFalse(plain.text.contains("ana@formaliza.example"))
            let facts = try await client.call(.get, "/v1/proposals/\(id)/facts", token: reporting)
            XCTAssertEqual(facts.status, .ok, facts.text)
            XCTAssertFalse(facts.text.contains("ana@formaliza.example"))
            let eligibility = try await client.call(.get, "/v1/proposals/\(id)/eligibility", token: reporting)
            XCTAssertEqual(eligibility.status, .ok, eligibility.text)
            XCTAssertFalse(eligibility.text.contains("ana@formaliza.example"))
            // Admins still see it.
            let admin = try await client.call(.get, "/v1/proposals/\(id)")
            XCTAssertNotNil(admin["projectLead"])
            let adminFacts = try await client.call(.get, "/v1/proposals/\(id)/facts")
            XCTAssertTrue(adminFacts.text.contains("ana@formaliza.example"))
        }
    }
}
