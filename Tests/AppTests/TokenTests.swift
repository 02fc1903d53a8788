@testable import App
import Database
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import XCTest

/// The tokens API, `GET /v1/me`, the audit API and the counting of failed authentications.
final class TokenTests: XCTestCase {
    static let future = "2100-01-01T00:00:00.000Z"

    func testIssuedSecretIsShownOnceStoredAsHashAndStopsWorkingWhenRevoked() async throws {
        try await TestApp.run { app, client in
            let organisation = try await Fixtures.createOrganisation(client)
            let issued = try await client.call(.post, "/v1/tokens", body: [
                "name": "Formaliza portal", "role": "applicant", "organisationIds": [organisation], "expiresAt": Self.future,
            ])
            XCTAssertEqual(issued.status, .created, issued.text)
            XCTAssertEqual(issued.headers[.cacheControl], "no-store")
            let id = try XCTUnwrap(issued["id"] as? String)
            let secret = try XCTUnwrap(issued["token"] as? String)
            XCTAssertTrue(secret.hasPrefix("cvk_"))
            // 256 bits in base64url without padding: 43 characters.
            XCTAssertEqual(secret.count, 4 + 43)
            XCTAssertTrue(secret.dropFirst(4).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            XCTAssertEqual(issued["name"] as? String, "Formaliza portal")
            XCTAssertEqual(issued["role"] as? String, "applicant")
            XCTAssertEqual(issued["organisationIds"] as? [String], [organisation])
            XCTAssertEqual(issued["expiresAt"] as? String, Self.future)
            XCTAssertNotNil(issued["createdAt"] as? String)
            let other = try await client.call(.post, "/v1/tokens", body: [
                "name": "Reporting", "role": "reporting", "expiresAt": Self.future,
            ])
            XCTAssertNotEqual(other["token"] as? String, secret)

            // Only the hash is kept.
            let stored = try await app.pool.withConnection { connection in
                try await connection.query("""
                    SELECT count(*)::int AS n FROM api_tokens
                    WHERE id = \(UUID(uuidString: id)!) AND secret_hash = sha256(convert_to(\(secret), 'UTF8'))
                    """).first!.decode(Int.self, column: "n")
            }
            XCTAssertEqual(stored, 1)

            let me = try await client.call(.get, "/v1/me", token: secret)
            XCTAssertEqual(me.status, .ok, me.text)
            XCTAssertEqual(me["tokenId"] as? String, id)
            XCTAssertEqual(me["role"] as? String, "applicant")
            XCTAssertEqual(me["organisationIds"] as? [String], [organisation])
            let bootstrap = try await client.call(.get, "/v1/me")
            XCTAssertNil(bootstrap["tokenId"])
            XCTAssertEqual(bootstrap["role"] as? String, "admin")
            XCTAssertEqual(bootstrap["organisationIds"] as? [String], [])

            // Listing never shows a secret or a hash.
            let list = try await client.call(.get, "/v1/tokens")
            XCTAssertEqual(list.status, .ok, list.text)
            XCTAssertFalse(list.text.contains(secret))
            let listed = try XCTUnwrap((list["items"] as? [[String: Any]])?.first { $0["id"] as? String == id })
            XCTAssertEqual(Set(listed.keys), ["id", "name", "role", "organisationIds", "expiresAt", "lastUsedAt", "createdAt"])
            XCTAssertNotNil(listed["lastUsedAt"], "the token was used for /v1/me")

            let revoked = try await client.call(.delete, "/v1/tokens/\(id)")
            XCTAssertEqual(revoked.status, .noContent, revoked.text)
            XCTAssertProblem(try await client.call(.get, "/v1/me", token: secret), .unauthorized, "unauthorized")
            let again = try await client.call(.delete, "/v1/tokens/\(id)")
            XCTAssertEqual(again.status, .noContent, "revoking twice changes nothing")
            XCTAssertProblem(try await client.call(.delete, "/v1/tokens/\(UUID().uuidString)"), .notFound, "not-found")
            XCTAssertProblem(try await client.call(.delete, "/v1/tokens/not-a-token"), .notFound, "not-found")
            let afterwards = try await client.call(.get, "/v1/tokens")
            let entry = try XCTUnwrap((afterwards["items"] as? [[String: Any]])?.first { $0["id"] as? String == id })
            XCTAssertNotNil(entry["revokedAt"] as? String)

            // Issuing and revoking are audited once each, without the secret.
            let events = try await client.call(.get, "/v1/audit-events?entityType=token&entityId=\(id)")
            let items = try XCTUnwrap(events["items"] as? [[String: Any]])
            XCTAssertEqual(items.compactMap { $0["action"] as? String }, ["token.issued", "token.revoked"])
            XCTAssertFalse(events.text.contains(secret))
            let everything = try await app.pool.withConnection { connection in
                try await connection.query("SELECT string_agg(changes::text, ' ') AS all FROM audit_events").first!
                    .decode(String?.self, column: "all") ?? ""
            }
            XCTAssertFalse(everything.contains(secret))
            XCTAssertFalse(everything.contains(String(secret.dropFirst(4))))
        }
    }

    /// Credentials checked at the same moment share look-ups: each request still gets its own token's
    /// role, and a revoked, expired or unknown secret among them is refused alone.
    func testCredentialsCheckedTogetherEachGetTheirOwn() async throws {
        try await TestApp.run { app, client in
            let organisations = try await [
                Fixtures.createOrganisation(client, name: "Uno"), Fixtures.createOrganisation(client, name: "Dos"),
            ]
            var live: [(secret: String, role: String)] = []
            for index in 0..<12 {
                let role = ["applicant", "platform", "reporting"][index % 3]
                live.append((try await Fixtures.token(app, role: role, organisations: role == "applicant" ? [organisations[index % 2]] : []), role))
            }
            let revoked = try await Fixtures.token(app, role: "platform")
            let expired = try await Fixtures.token(app, role: "platform")
            try await app.pool.withConnection { connection in
                try await connection.execute(
                    "UPDATE api_tokens SET revoked_at = now() WHERE secret_hash = sha256(convert_to(\(revoked), 'UTF8'))")
                try await connection.execute(
                    "UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE secret_hash = sha256(convert_to(\(expired), 'UTF8'))")
            }
            let refused = [revoked, expired, "cvk_" + String(repeating: "x", count: 43)]
            let calls = (live.map { ($0.secret, $0.role as String?) } + refused.map { ($0, nil as String?) })
            let answers = try await withThrowingTaskGroup(of: (String?, TestResponse).self) { group in
                for _ in 0..<4 {
                    for (secret, role) in calls {
                        group.addTask { (role, try await client.call(.get, "/v1/me", token: secret)) }
                    }
                }
                return try await group.reduce(into: [(String?, TestResponse)]()) { $0.append($1) }
            }
            XCTAssertEqual(answers.count, calls.count * 4)
            for (role, answer) in answers {
                if let role {
                    XCTAssertEqual(answer.status, .ok, answer.text)
                    XCTAssertEqual(answer["role"] as? String, role)
                } else {
                    XCTAssertProblem(answer, .unauthorized, "unauthorized")
                }
            }
            // One look-up of them all at once (as a batch makes it) finds the live ones, each with its own role.
            let found = try await app.pool.withConnection { connection in
                try await Authenticator.find(connection, secrets: calls.map(\.0))
            }
            XCTAssertEqual(Set(found.keys), Set(live.map(\.secret)))
            for token in live { XCTAssertEqual(found[token.secret]?.principal.role.rawValue, token.role) }
            // Each applicant token acts for its own organisation.
            for (index, token) in live.enumerated() where token.role == "applicant" {
                let me = try await client.call(.get, "/v1/me", token: token.secret)
                XCTAssertEqual(me["organisationIds"] as? [String], [organisations[index % 2]])
            }
        }
    }

    func testTokenInputIsValidatedWithEveryPointer() async throws {
        try await TestApp.run { _, client in
            let organisation = try await Fixtures.createOrganisation(client)
            let applicantWithout = try await client.call(.post, "/v1/tokens", body: [
                "name": " ", "role": "applicant", "expiresAt": "2020-01-01T00:00:00.000Z",
            ])
            XCTAssertProblem(applicantWithout, .badRequest, "validation")
            XCTAssertEqual(Set(applicantWithout.errorPointers), ["/name", "/organisationIds", "/expiresAt"])

            let unknown = try await client.call(.post, "/v1/tokens", body: [
                "name": "x", "role": "applicant", "organisationIds": [UUID().uuidString, "nope"], "expiresAt": Self.future,
            ])
            XCTAssertProblem(unknown, .badRequest, "validation")
            XCTAssertEqual(unknown.errorPointers, ["/organisationIds/1"])
            let unregistered = try await client.call(.post, "/v1/tokens", body: [
                "name": "x", "role": "applicant", "organisationIds": [organisation, UUID().uuidString], "expiresAt": Self.future,
            ])
            XCTAssertProblem(unregistered, .badRequest, "validation")
            XCTAssertEqual(unregistered.errorPointers, ["/organisationIds/1"])

            let reviewerWithOrganisations = try await client.call(.post, "/v1/tokens", body: [
                "name": String(repeating: "n", count: 201), "role": "reviewer", "organisationIds": [organisation],
                "expiresAt": Self.future,
            ])
            XCTAssertProblem(reviewerWithOrganisations, .badRequest, "validation")
            XCTAssertEqual(Set(reviewerWithOrganisations.errorPointers), ["/name", "/organisationIds"])

            let badRole = try await client.call(.post, "/v1/tokens", body: ["name": "x", "role": "root", "expiresAt": Self.future])
            XCTAssertEqual(badRole.status, .badRequest, badRole.text)
            let noExpiry = try await client.call(.post, "/v1/tokens", body: ["name": "x", "role": "platform"])
            XCTAssertProblem(noExpiry, .badRequest, "validation")
            XCTAssertEqual(noExpiry.errorPointers, ["/expiresAt"])

            // An instant without fractional seconds is RFC 3339 too.
            let plain = try await client.call(.post, "/v1/tokens", body: [
                "name": "x", "role": "platform", "expiresAt": "2100-01-01T00:00:00Z",
            ])
            XCTAssertEqual(plain.status, .created, plain.text)

            // An optional member given as null is absent, as the contract says; a required one is refused.
            let nullOrganisations = try await client.call(.post, "/v1/tokens", body: [
                "name": "x", "role": "platform", "organisationIds": NSNull(), "expiresAt": "2100-01-01T00:00:00Z",
            ])
            XCTAssertEqual(nullOrganisations.status, .created, nullOrganisations.text)
            XCTAssertEqual(nullOrganisations["role"] as? String, "platform")
            let nullExpiry = try await client.call(.post, "/v1/tokens", body: ["name": "x", "role": "platform", "expiresAt": NSNull()])
            XCTAssertEqual(nullExpiry.errorPointers, ["/expiresAt"], nullExpiry.text)
        }
    }

    func testTokensArePagedWithCursorAndLink() async throws {
        try await TestApp.run { _, client in
            for index in 0..<3 {
                _ = try await client.call(.post, "/v1/tokens", body: ["name": "t\(index)", "role": "platform", "expiresAt": Self.future])
            }
            var names: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.call(.get, "/v1/tokens?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                XCTAssertEqual(page.status, .ok, page.text)
                names += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                cursor = page["nextCursor"] as? String
                if let cursor { XCTAssertEqual(page.headers[.link], "</v1/tokens?limit=2&cursor=\(cursor)>; rel=\"next\"") }
            } while cursor != nil
            XCTAssertEqual(names, ["t0", "t1", "t2"])
            XCTAssertProblem(try await client.call(.get, "/v1/tokens?limit=0"), .badRequest, "validation")
        }
    }

    func testAuditEventsAreFilteredAndPaged() async throws {
        try await TestApp.run { app, client in
            let issued = try await World.issue(client, role: "platform")
            let first = try await Fixtures.createOrganisation(client, token: issued.secret, name: "First")
            let second = try await Fixtures.createOrganisation(client, name: "Second")
            let patched = try await client.call(
                .patch, "/v1/organisations/\(first)", token: issued.secret, body: ["website": "https://first.example"],
                contentType: "application/merge-patch+json",
                headers: ["If-Match": "\"1-no-due-diligence\"", "X-Request-Id": "req-audit-api"])
            XCTAssertEqual(patched.status, .ok, patched.text)

            let byEntity = try await client.call(.get, "/v1/audit-events?entityType=organisation&entityId=\(first)")
            XCTAssertEqual(byEntity.status, .ok, byEntity.text)
            let events = try XCTUnwrap(byEntity["items"] as? [[String: Any]])
            XCTAssertEqual(events.compactMap { $0["action"] as? String }, ["organisation.created", "organisation.updated"])
            let upper = try await client.call(.get, "/v1/audit-events?entityType=organisation&entityId=\(first.uppercased())")
            XCTAssertEqual((upper["items"] as? [Any])?.count, 2, "ids are read in either case")
            let update = events[1]
            XCTAssertEqual(update["actor"] as? [String: String], ["tokenId": issued.id, "role": "platform"])
            XCTAssertEqual(update["entity"] as? [String: String], ["type": "organisation", "id": first])
            XCTAssertEqual(update["requestId"] as? String, "req-audit-api")
            let changes = try XCTUnwrap(update["changes"] as? [String: Any])
            XCTAssertEqual((changes["website"] as? [String: Any])?["new"] as? String, "https://first.example")
            XCTAssertNotNil(update["occurredAt"] as? String)
            XCTAssertNotNil(update["id"] as? Int)

            let byActor = try await client.call(.get, "/v1/audit-events?actorTokenId=\(issued.id)")
            XCTAssertEqual((byActor["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String },
                           ["organisation.created", "organisation.updated"])
            let bootstrapActions = try await client.call(.get, "/v1/audit-events?action=organisation.created")
            let created = (bootstrapActions["items"] as? [[String: Any]] ?? []).compactMap { ($0["entity"] as? [String: String])?["id"] }
            XCTAssertEqual(created, [first, second])
            let bootstrapActor = (bootstrapActions["items"] as? [[String: Any]])?.last?["actor"] as? [String: String]
            XCTAssertEqual(bootstrapActor, ["role": "admin"], "the bootstrap token has no id")

            let future = try await client.call(.get, "/v1/audit-events?occurredFrom=2999-01-01T00:00:00.000Z")
            XCTAssertEqual((future["items"] as? [Any])?.count, 0)
            let past = try await client.call(.get, "/v1/audit-events?occurredTo=2000-01-01T00:00:00.000Z")
            XCTAssertEqual((past["items"] as? [Any])?.count, 0)
            let all = try await client.call(.get, "/v1/audit-events?occurredFrom=2000-01-01T00:00:00.000Z&occurredTo=2999-01-01T00:00:00.000Z")
            let total = (all["items"] as? [Any])?.count ?? 0
            XCTAssertGreaterThanOrEqual(total, 4)

            var seen: [Int] = []
            var cursor: String?
            repeat {
                let page = try await client.call(.get, "/v1/audit-events?limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""))
                XCTAssertEqual(page.status, .ok, page.text)
                seen += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                cursor = page["nextCursor"] as? String
                if let cursor { XCTAssertNotNil(page.headers[.link]) }
            } while cursor != nil && seen.count < 100
            XCTAssertEqual(seen.count, total)
            XCTAssertEqual(seen, seen.sorted())

            let badActor = try await client.call(.get, "/v1/audit-events?actorTokenId=someone")
            XCTAssertEqual(badActor.status, .badRequest, badActor.text)
            _ = app
        }
    }

    func testFailedAuthenticationsAreCountedPerWindowNotWrittenPerRequest() async throws {
        try await TestApp.run { app, client in
            for _ in 0..<20 { _ = try await client.call(.get, "/v1/calls", token: "cvk_wrong-secret-0123456789abcdef") }
            for _ in 0..<5 { _ = try await client.call(.get, "/v1/calls", token: nil) }
            let count = { @Sendable () async throws -> Int in
                try await app.pool.withConnection { connection in
                    try await connection.query("SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.failed'")
                        .first!.decode(Int.self, column: "n")
                }
            }
            let during = try await count()
            XCTAssertEqual(during, 0, "no write per failed request")

            // The first failure of the next minute writes the previous minute's counts.
            app.clock.now = app.clock.now.addingTimeInterval(60)
            _ = try await client.call(.get, "/v1/me", token: "cvk_wrong-secret-0123456789abcdef")
            let response = try await client.call(.get, "/v1/audit-events?action=auth.failed")
            let events = try XCTUnwrap(response["items"] as? [[String: Any]])
            XCTAssertEqual(events.count, 1, response.text)
            XCTAssertEqual(events.first?["actor"] as? [String: String], ["role": "system"])
            XCTAssertEqual(events.first?["entity"] as? [String: String], ["type": "authentication", "id": "2021-06-01T12:00:00.000Z"])
            let changes = try XCTUnwrap(events.first?["changes"] as? [String: Any])
            XCTAssertEqual(changes["failures"] as? Int, 25)
            XCTAssertEqual(changes["invalidCredential"] as? Int, 20)
            XCTAssertEqual(changes["missingCredential"] as? Int, 5)
            XCTAssertEqual(changes["windowEnd"] as? String, "2021-06-01T12:01:00.000Z")
        }
    }

    func testACredentialGainingAnOrganisationIsAuditedOnIt() async throws {
        try await TestApp.run { app, client in
            let organisation = try await Fixtures.createOrganisation(client)
            let issued = try await client.call(.post, "/v1/tokens", body: [
                "name": "Formaliza portal", "role": "applicant", "organisationIds": [organisation], "expiresAt": Self.future,
            ])
            let id = try XCTUnwrap(issued["id"] as? String)
            let secret = try XCTUnwrap(issued["token"] as? String)
            let body = Fixtures.organisationBody(name: "Second")
            let created = try await client.call(.post, "/v1/organisations", token: secret, body: body, headers: ["Idempotency-Key": "second-1"])
            XCTAssertEqual(created.status, .created, created.text)
            let added = try XCTUnwrap(created["id"] as? String)
            let replayed = try await client.call(.post, "/v1/organisations", token: secret, body: body, headers: ["Idempotency-Key": "second-1"])
            XCTAssertEqual(replayed["id"] as? String, added)
            let me = try await client.call(.get, "/v1/me", token: secret)
            XCTAssertEqual(me["organisationIds"] as? [String], [organisation, added])

            let audit = try await client.call(.get, "/v1/audit-events?entityType=token&entityId=\(id)")
            let events = try XCTUnwrap(audit["items"] as? [[String: Any]])
            XCTAssertEqual(events.compactMap { $0["action"] as? String }, ["token.issued", "token.organisation_added"], "one event, not replayed")
            XCTAssertEqual((events.last?["actor"] as? [String: Any])?["tokenId"] as? String, id)
            // The organisation gained, not the whole list again (which would grow the trail with the square of it).
            let change = try XCTUnwrap((events.last?["changes"] as? [String: Any])?["organisationId"] as? [String: Any])
            XCTAssertTrue(change["old"] is NSNull)
            XCTAssertEqual(change["new"] as? String, added)

            // A token acts for at most as many organisations as one may be issued for.
            try await app.pool.withConnection { connection in
                _ = try await connection.execute("""
                    UPDATE api_tokens SET organisation_ids = array_fill(\(UUID(uuidString: organisation)!), ARRAY[100])
                    WHERE id = \(UUID(uuidString: id)!)
                    """)
            }
            let beyond = try await client.call(.post, "/v1/organisations", token: secret, body: Fixtures.organisationBody(name: "Third"))
            XCTAssertProblem(beyond, .conflict, "conflict")
            let listed = try await client.call(.get, "/v1/organisations?limit=200")
            XCTAssertFalse((listed["items"] as? [[String: Any]] ?? []).contains { $0["legalName"] as? String == "Third" }, "nothing stored")
        }
    }

    func testTheBackgroundFlushWritesAnEndedWindowOnce() async throws {
        try await TestApp.run { app, _ in
            let clock = TestClock(ISO8601DateFormatter().date(from: "2030-01-01T00:00:30Z")!)
            let log = AuthFailureLog(pool: app.pool, now: { clock.now }, logger: Logger(label: "test"))
            let written = { @Sendable () async throws -> [String] in
                try await app.pool.withConnection { connection in
                    try await connection.query("""
                        SELECT changes->>'failures' AS n FROM audit_events
                        WHERE action = 'auth.failed' AND entity_id LIKE '2030-%' ORDER BY id
                        """).map { try $0.decode(String.self, column: "n") }
                }
            }
            for _ in 0..<3 { await log.record(.invalid) }
            await log.flush()
            var events = try await written()
            XCTAssertEqual(events, [], "the window is still open")
            clock.now = clock.now.addingTimeInterval(45)
            await log.flush()
            await log.flush()
            events = try await written()
            XCTAssertEqual(events, ["3"])
            await log.record(.missing)
            await log.flush(force: true)
            events = try await written()
            XCTAssertEqual(events, ["3", "1"], "shutdown writes the open window")
        }
    }
}
