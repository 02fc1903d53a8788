@testable import App
import Database
import Foundation
import HTTPTypes
import HummingbirdTesting
import XCTest

/// Paging, conditional requests, merge patches and idempotency keys.
final class ConventionTests: XCTestCase {
    func testPagingSeesEveryRowOnceWhileRowsAreInserted() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            var created: [String] = []
            for _ in 0..<7 { created.append(try await Fixtures.proposalID(client, lead: lead)) }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let path = "/v1/proposals?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.call(.get, path)
                XCTAssertEqual(page.status, .ok, page.text)
                seen += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = page["nextCursor"] as? String
                if let cursor {
                    XCTAssertEqual(page.headers[HTTPField.Name("Link")!], "</v1/proposals?limit=3&cursor=\(cursor)>; rel=\"next\"")
                    // Inserts between pages land after every cursor already handed out.
                    created.append(try await Fixtures.proposalID(client, lead: lead))
                } else {
                    XCTAssertNil(page.headers[HTTPField.Name("Link")!])
                }
                pages += 1
            } while cursor != nil && pages < 20
            XCTAssertEqual(seen, created)
            XCTAssertEqual(Set(seen).count, seen.count)
        }
    }

    /// A row whose transaction drew its position before a page was read and commits after it is
    /// not skipped: the page waits for that transaction instead of showing a later row and moving
    /// the walk past the earlier position for good.
    func testAWalkSeesARowCommittedAfterALaterOne() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let first = try await Fixtures.proposalID(client, lead: lead)
            let late = UUID()
            let (later, walk) = try await app.pool.withTransaction { connection in
                // Draws the next position and holds it uncommitted: a copy of the first proposal.
                try await connection.execute("""
                    INSERT INTO proposals (id, call_id, lead_organisation_id, document)
                    SELECT \(late), call_id, lead_organisation_id, document FROM proposals WHERE id = \(try XCTUnwrap(UUID(exactly: first)))
                    """)
                // A later position, committed at once.
                let later = try await Fixtures.proposalID(client, lead: lead)
                let walk = Task { try await Self.walk(client, "/v1/proposals?limit=2") }
                try await Task.sleep(for: .milliseconds(300))
                return (later, walk)
            }
            let seen = try await walk.value
            XCTAssertEqual(seen, [first, late.uuidString.lowercased(), later])
        }
    }

    /// Every listed table announces the positions its inserts are about to draw, and has a horizon.
    func testEveryListedTableAnnouncesItsPositions() async throws {
        try await TestApp.run(seed: false) { app, _ in
            let (announcing, positions) = try await app.pool.withConnection { connection in
                let announcing = try await connection.query("""
                    SELECT c.relname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
                    WHERE p.proname = 'list_position_announce' AND t.tgenabled = 'O' AND t.tgtype & 1 = 0
                    """).map { try $0.decode(String.self, column: "name") }
                let positions = try await connection.query("SELECT listed FROM list_positions").map { try $0.decode(String.self, column: "listed") }
                return (announcing, positions)
            }
            let listed = Set(ListedTable.allCases.map(\.rawValue))
            // Statement triggers (`tgtype & 1 = 0`): they fire before any position is drawn.
            XCTAssertEqual(Set(announcing), listed)
            XCTAssertEqual(Set(positions), listed)
            for table in ListedTable.allCases {
                let horizon = try await app.pool.withConnection { connection in
                    try await connection.query("SELECT settled FROM list_horizon(\(table.rawValue))")[0].decode(Int64.self, column: "settled")
                }
                XCTAssertGreaterThanOrEqual(horizon, 0, table.rawValue)
            }
        }
    }

    /// Lists waiting for an insert left open hold no one else up: they wait without holding a
    /// database connection, so creations made meanwhile go through at once, however many lists wait;
    /// each is answered 503 after 2 s, not after the statement timeout. A page whose rows are all
    /// before the open insert's position does not wait, even when the row after them is past it.
    func testListsWaitingForAnOpenInsertHoldUpNoCreation() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let created = try await Fixtures.proposalID(client, lead: lead)
            _ = try await Fixtures.proposalID(client, lead: lead)
            let first = try XCTUnwrap(UUID(exactly: created))
            try await app.pool.withTransaction { connection in
                try await connection.execute("""
                    INSERT INTO proposals (call_id, lead_organisation_id, document)
                    SELECT call_id, lead_organisation_id, document FROM proposals WHERE id = \(first)
                    """)
                let head = ContinuousClock.now
                let settledPage = try await client.call(.get, "/v1/proposals?limit=1")
                XCTAssertEqual(settledPage.status, .ok, settledPage.text)
                XCTAssertNotNil(settledPage["nextCursor"] as? String)
                XCTAssertLessThan(ContinuousClock.now - head, .seconds(1), "a page before the open insert waited")
                // More lists waiting at the tail than the pool has connections.
                let lists = (0..<6).map { _ in
                    Task { () -> (TestResponse, Duration) in
                        let started = ContinuousClock.now
                        let page = try await client.call(.get, "/v1/proposals?limit=5", headers: ["Accept-Language": "es"])
                        return (page, ContinuousClock.now - started)
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                let started = ContinuousClock.now
                _ = try await Fixtures.proposalID(client, lead: lead)
                _ = try await Fixtures.createOrganisation(client, name: "Cooperativa Paciente")
                XCTAssertLessThan(ContinuousClock.now - started, .seconds(1), "creations waited behind the lists")
                // Its rows before the open insert, the row after them (created just now) past it: served.
                let beforeOpen = try await client.call(.get, "/v1/proposals?limit=2")
                XCTAssertEqual(beforeOpen.status, .ok, beforeOpen.text)
                XCTAssertEqual((beforeOpen["items"] as? [[String: Any]])?.count, 2)
                XCTAssertNotNil(beforeOpen["nextCursor"] as? String)
                for list in lists {
                    let (page, waited) = try await list.value
                    XCTAssertProblem(page, .serviceUnavailable, "service-unavailable")
                    XCTAssertEqual(page.headers[.retryAfter], "1")
                    XCTAssertEqual(page["detail"] as? String, "Una creación en curso en esta lista está tardando; vuelva a intentarlo en breve.")
                    XCTAssertGreaterThanOrEqual(waited, .milliseconds(1800))
                    XCTAssertLessThan(waited, .seconds(10))
                }
            }
        }
    }

    /// A page shows positions up to its horizon only: a row drawn after it (here by the page's own
    /// statement) may have an earlier position still uncommitted, so it is left for a later page.
    func testAPageLeavesOutPositionsDrawnAfterItsHorizon() async throws {
        try await TestApp.run(seed: false) { app, _ in
            let event: SQL = "INSERT INTO audit_events (actor_role, action, entity_type, entity_id) VALUES ('admin', 'test', 'call', 'x')"
            let (shown, all) = try await app.pool.withConnection { connection in
                for _ in 0..<2 { try await connection.execute(event) }
                let shown = try await connection.keysetPage(of: .auditEvents, """
                    WITH drawn AS (\(event) RETURNING id)
                    SELECT id FROM audit_events UNION ALL SELECT id FROM drawn ORDER BY id
                    """, fetching: 100).map { try $0.decode(Int64.self, column: "id") }
                let all = try await connection.query("SELECT id FROM audit_events ORDER BY id").map { try $0.decode(Int64.self, column: "id") }
                return (shown, all)
            }
            XCTAssertGreaterThanOrEqual(all.count, 3)
            XCTAssertEqual(shown, Array(all.dropLast()))
        }
    }

    /// A transaction announces its inserts into a table once: a transaction of many inserts holds two
    /// locks for them, not two per statement (which would fill PostgreSQL's lock table).
    func testATransactionOfManyInsertsAnnouncesOnce() async throws {
        try await TestApp.run(seed: false) { app, _ in
            let held = try await app.pool.withTransaction { connection in
                for n in 0..<50 {
                    try await connection.execute(
                        "INSERT INTO audit_events (actor_role, action, entity_type, entity_id) VALUES ('admin', 'test', 'call', \(String(n)))")
                }
                return try await connection.query("""
                    SELECT count(*)::int8 AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
                    """)[0].decode(Int.self, column: "n")
            }
            XCTAssertEqual(held, 2)
        }
    }

    /// Every item id of a list, page after page.
    static func walk(_ client: any TestClientProtocol, _ path: String) async throws -> [String] {
        var ids: [String] = []
        var cursor: String?
        for _ in 0..<50 {
            let page = try await client.call(.get, path + (cursor.map { "&cursor=\($0)" } ?? ""))
            guard page.status == .ok else { throw TestSetupError(message: page.text) }
            ids += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            cursor = page["nextCursor"] as? String
            if cursor == nil { return ids }
        }
        throw TestSetupError(message: "the walk did not end")
    }

    func testACursorPagesOnlyTheListAndFiltersThatGaveIt() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            for _ in 0..<3 { _ = try await Fixtures.proposalID(client, lead: lead) }
            let first = try await client.call(.get, "/v1/proposals?limit=1&status=draft&language=es")
            let cursor = try XCTUnwrap(first["nextCursor"] as? String)
            let firstID = try XCTUnwrap((first["items"] as? [[String: Any]])?.first?["id"] as? String)

            // The same list and filters: in another order, with another page size, it goes on where it stopped.
            let same = try await client.call(.get, "/v1/proposals?language=es&status=draft&limit=2&cursor=\(cursor)")
            XCTAssertEqual(same.status, .ok, same.text)
            let rest = (same["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            XCTAssertEqual(rest.count, 2)
            XCTAssertFalse(rest.contains(firstID))

            // Ids are read in either case, by the filter and by the cursor alike.
            let byLead = try await client.call(.get, "/v1/proposals?limit=1&leadOrganisationId=\(lead.lowercased())")
            let leadCursor = try XCTUnwrap(byLead["nextCursor"] as? String, byLead.text)
            let upper = try await client.call(.get, "/v1/proposals?limit=1&leadOrganisationId=\(lead.uppercased())&cursor=\(leadCursor)")
            XCTAssertEqual(upper.status, .ok, upper.text)
            XCTAssertEqual((upper["items"] as? [[String: Any]])?.count, 1)

            // The same page always gets the same cursor, so a HEAD's Link is its GET's.
            let again = try await client.call(.get, "/v1/proposals?limit=1&status=draft&language=es")
            XCTAssertEqual(again["nextCursor"] as? String, cursor)
            let head = try await client.call(.head, "/v1/proposals?limit=1&status=draft&language=es")
            XCTAssertEqual(head.headers[.link], again.headers[.link])
            XCTAssertNotNil(head.headers[.link])
            // It says nothing a caller could read: neighbouring positions share no bytes but the version.
            let two = try await client.call(.get, "/v1/proposals?limit=2&status=draft&language=es")
            let second = try XCTUnwrap(two["nextCursor"] as? String, two.text)
            XCTAssertNotEqual(cursor.prefix(8), second.prefix(8))

            // Another list, other filters, no filters (the fast path), a byte changed, another spelling
            // of the same bytes, a position written by hand in the earlier format: each is refused
            // rather than paging through something else.
            let elsewhere = [
                "/v1/proposals?limit=1&status=submitted&language=es&cursor=\(cursor)",
                "/v1/proposals?limit=1&status=draft&cursor=\(cursor)",
                "/v1/proposals?limit=1&cursor=\(cursor)",
                "/v1/organisations?cursor=\(cursor)",
                "/v1/calls?cursor=\(cursor)",
                "/v1/proposals?status=draft&language=es&cursor=\(try Self.cursor(cursor, flippingByte: 20))",
                "/v1/proposals?status=draft&language=es&cursor=\(try Self.cursor(cursor, flippingByte: 0))",
                "/v1/proposals?status=draft&language=es&cursor=\(cursor)%3D%3D",
                "/v1/proposals?status=draft&language=es&cursor=" + Self.base64URL(Data("s2.1.b6e8a34acd9d22cb".utf8)),
                "/v1/proposals?status=draft&language=es&cursor=" + Data("s1:1".utf8).base64EncodedString(),
            ]
            for path in elsewhere {
                let refused = try await client.call(.get, path)
                XCTAssertEqual(refused.status, .badRequest, path)
                XCTAssertProblem(refused, .badRequest, "validation")
                XCTAssertEqual(refused.errorPointers, ["cursor"], path)
            }

            // The key is the database's: another server on it (or this one restarted) reads the cursor.
            let other = try await CursorKey(pool: app.pool).current()
            let read = PageRequest(
                path: "/v1/proposals", query: [("status", "draft"), ("language", "es")], cursor: cursor, limit: nil, key: other)
            XCTAssertGreaterThan(try read.after(), 0)
        }
    }

    /// Servers that start together on a new database agree on one cursor key.
    func testServersStartingTogetherShareOneCursorKey() async throws {
        try await TestApp.run { app, _ in
            let keys = try await withThrowingTaskGroup(of: Data.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await CursorKey(pool: app.pool).current().cipher.withUnsafeBytes { Data($0) } }
                }
                return try await group.reduce(into: [Data]()) { $0.append($1) }
            }
            XCTAssertEqual(keys.count, 8)
            XCTAssertEqual(Set(keys).count, 1)
            XCTAssertEqual(keys.first?.count, 32)
        }
    }

    /// Cursors are base64url without padding, one spelling per value.
    func testCursorTextIsCanonicalBase64URL() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<48 {
            let data = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let text = PageRequest.base64URL(data)
            XCTAssertEqual(text, Self.base64URL(data))
            XCTAssertEqual(PageRequest.base64URLDecoded(text), data)
        }
        for text in ["A", "AB", "AAA=", "A+/A", "AAB", "é"] { XCTAssertNil(PageRequest.base64URLDecoded(text), text) }
        XCTAssertEqual(PageRequest.base64URLDecoded("AA"), Data([0]))
        XCTAssertTrue(RequestLimitsMiddleware.hasEmptyPair("&a=1"))
        XCTAssertTrue(RequestLimitsMiddleware.hasEmptyPair("a=1&&b=2"))
        XCTAssertFalse(RequestLimitsMiddleware.hasEmptyPair("a=1&b=2&"))
    }

    /// The cursor with one of its bytes changed.
    private static func cursor(_ cursor: String, flippingByte index: Int) throws -> String {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        var bytes = try XCTUnwrap(Data(base64Encoded: base64))
        bytes[index] ^= 0x01
        return base64URL(bytes)
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    func testListFiltersAndBadParameters() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            var other = Fixtures.proposalBody(lead: lead)
            other["countries"] = ["MX"]
            other["language"] = "pt"
            _ = try await Fixtures.createProposal(client, lead: lead)
            _ = try await Fixtures.createProposal(client, lead: lead, body: other)
            let mexico = try await client.call(.get, "/v1/proposals?country=MX")
            XCTAssertEqual((mexico["items"] as? [Any])?.count, 1)
            let portuguese = try await client.call(.get, "/v1/proposals?language=pt&targetGroup=women")
            XCTAssertEqual((portuguese["items"] as? [Any])?.count, 1)
            let drafts = try await client.call(.get, "/v1/proposals?status=draft&questionId=Q3&solutionTypeId=S1")
            XCTAssertEqual((drafts["items"] as? [Any])?.count, 2)

            XCTAssertProblem(try await client.call(.get, "/v1/proposals?limit=0"), .badRequest, "validation")
            XCTAssertProblem(try await client.call(.get, "/v1/proposals?limit=201"), .badRequest, "validation")
            XCTAssertProblem(try await client.call(.get, "/v1/proposals?cursor=nonsense"), .badRequest, "validation")
            // Every bad parameter is named, whatever is wrong with it: range, type, enumeration, format.
            let bad = try await client.call(
                .get, "/v1/proposals?status=lost&limit=abc&language=de&updatedSince=2021-02-30T00:00:00Z&country=pe")
            XCTAssertProblem(bad, .badRequest, "validation")
            XCTAssertEqual(bad.errorPointers, ["country", "language", "limit", "status", "updatedSince"])
            // An empty id filter would match nothing; it is refused like the others.
            let empty = try await client.call(.get, "/v1/proposals?questionId=&solutionTypeId=&targetGroup=")
            XCTAssertEqual(Set(empty.errorPointers), ["questionId", "solutionTypeId", "targetGroup"], empty.text)

            // Empty pairs in a query name nothing, as a trailing `&` does, on every list.
            let filtered = try await client.call(.get, "/v1/proposals?&limit=1&&country=MX&")
            XCTAssertEqual(filtered.status, .ok, filtered.text)
            XCTAssertEqual((filtered["items"] as? [[String: Any]])?.map { $0["countries"] as? [String] }, [["MX"]])
            let proposal = try XCTUnwrap((mexico["items"] as? [[String: Any]])?.first?["id"] as? String)
            for list in ["/v1/calls", "/v1/organisations", "/v1/proposals", "/v1/tokens", "/v1/audit-events",
                         "/v1/proposals/\(proposal)/documents", "/v1/calls/LAC-2021/rulesets"] {
                for query in ["?&", "?&&", "?&limit=1", "?limit=1&&"] {
                    let answer = try await client.call(.get, list + query)
                    XCTAssertEqual(answer.status, .ok, "\(list)\(query): \(answer.text)")
                }
                // Every list names the page size's range the same way.
                for limit in ["0", "201"] {
                    let refused = try await client.call(.get, list + "?limit=" + limit)
                    let errors = refused.json["errors"] as? [[String: Any]]
                    XCTAssertEqual(errors?.first?["detail"] as? String, "must be from 1 to 200", "\(list): \(refused.text)")
                }
            }
        }
    }

    func testConditionalRequests() async throws {
        try await TestApp.run { _, client in
            let created = try await client.call(.post, "/v1/organisations", body: Fixtures.organisationBody())
            let id = try XCTUnwrap(created["id"] as? String)
            let etag = try XCTUnwrap(created.headers[.eTag])
            XCTAssertEqual(etag, "\"1\"")

            let notModified = try await client.call(.get, "/v1/organisations/\(id)", headers: ["If-None-Match": etag])
            XCTAssertEqual(notModified.status, .notModified)
            XCTAssertTrue(notModified.body.isEmpty)

            let withoutIfMatch = try await client.call(
                .patch, "/v1/organisations/\(id)", body: ["website": "https://formaliza.example"],
                contentType: "application/merge-patch+json")
            XCTAssertProblem(withoutIfMatch, .preconditionRequired, "precondition-required")

            let changed = try await client.call(
                .patch, "/v1/organisations/\(id)", body: ["website": "https://formaliza.example", "contacts": NSNull()],
                contentType: "application/merge-patch+json", headers: ["If-Match": etag])
            XCTAssertEqual(changed.status, .ok, changed.text)
            XCTAssertEqual(changed["website"] as? String, "https://formaliza.example")
            XCTAssertNil(changed["contacts"], "null in a merge patch removes the field")
            XCTAssertEqual(changed["legalName"] as? String, "Fundación Formaliza")

            let stale = try await client.call(
                .patch, "/v1/organisations/\(id)", body: ["website": "https://other.example"],
                contentType: "application/merge-patch+json", headers: ["If-Match": etag])
            XCTAssertProblem(stale, .preconditionFailed, "precondition-failed")
            let current = try await client.call(.get, "/v1/organisations/\(id)", headers: ["If-None-Match": etag])
            XCTAssertEqual(current.status, .ok)
            XCTAssertEqual(current["website"] as? String, "https://formaliza.example")

            let invalid = try await client.call(
                .patch, "/v1/organisations/\(id)", body: ["country": "ZZ", "unknownField": 1, "another": ["x": 1]],
                contentType: "application/merge-patch+json", headers: ["If-Match": "\"2\""])
            XCTAssertProblem(invalid, .badRequest, "validation")
            XCTAssertEqual(invalid.errorPointers, ["/another", "/country", "/unknownField"])
        }
    }

    /// If-Match is evaluated wherever it is declared (RFC 9110 §13.1.1): on reads, on PATCH, and on the
    /// state changes of a proposal, which it stops (412, nothing changed) unless it names the current tag.
    /// If-None-Match that names the current tag stops a change too; `*` must stand alone.
    func testIfMatchAndIfNoneMatchAreEvaluatedBeforeEveryOperationThatDeclaresThem() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            let path = "/v1/proposals/\(id)"
            func unchanged(_ context: String) async throws {
                let current = try await client.call(.get, path)
                XCTAssertEqual(current.headers[.eTag], "\"1\"", context)
                XCTAssertEqual(current["status"] as? String, "draft", context)
            }

            // State changes: a tag that is not the current one stops them, under the proposal's lock.
            for action in ["withdraw", "submit"] {
                for tag in ["\"999\"", "W/\"1\"", "*, \"1\"", "1"] {
                    let refused = try await client.call(.post, "\(path)/\(action)", headers: ["If-Match": tag])
                    XCTAssertProblem(refused, .preconditionFailed, "precondition-failed")
                    try await unchanged("\(action) with If-Match \(tag)")
                }
            }

            // Reads: the fast path and the generated one, calls, organisations.
            for read in [path, "\(path)?", "/v1/calls/LAC-2021", "/v1/organisations/\(lead)"] {
                let refused = try await client.call(.get, read, headers: ["If-Match": "\"zz\""])
                XCTAssertProblem(refused, .preconditionFailed, "precondition-failed")
                let malformed = try await client.call(.get, read, headers: ["If-Match": "*, \"1\""])
                XCTAssertProblem(malformed, .preconditionFailed, "precondition-failed")
                let plain = try await client.call(.get, read)
                let tag = try XCTUnwrap(plain.headers[.eTag], read)
                let matching = try await client.call(.get, read, headers: ["If-Match": "\"zz\", \(tag)"])
                XCTAssertEqual(matching.status, .ok, "\(read): \(matching.text)")
                let any = try await client.call(.get, read, headers: ["If-Match": "*"])
                XCTAssertEqual(any.status, .ok, "\(read): \(any.text)")
                // An empty field is as if not sent, as it is for a change (which then needs one: 428).
                let empty = try await client.call(.get, read, headers: ["If-Match": ""])
                XCTAssertEqual(empty.status, .ok, "\(read): \(empty.text)")
                // If-Match is evaluated first: a failing one is a 412 even when If-None-Match would give 304.
                let both = try await client.call(.get, read, headers: ["If-Match": "\"zz\"", "If-None-Match": tag])
                XCTAssertProblem(both, .preconditionFailed, "precondition-failed")
            }

            // PATCH: If-None-Match naming the current tag (or `*`) is a 412, whatever If-Match says; `*` stands alone.
            let patch: [String: Any] = ["title": "Otro título"]
            for headers in [["If-Match": "\"1\"", "If-None-Match": "\"1\""], ["If-Match": "\"1\"", "If-None-Match": "*"],
                            ["If-Match": "\"1\"", "If-None-Match": "W/\"1\""], ["If-Match": "*, \"1\""]] {
                let refused = try await client.call(.patch, path, body: patch, contentType: "application/merge-patch+json", headers: headers)
                XCTAssertProblem(refused, .preconditionFailed, "precondition-failed")
                try await unchanged("PATCH with \(headers)")
            }
            for blank in ["", " "] {
                let required = try await client.call(
                    .patch, path, body: patch, contentType: "application/merge-patch+json", headers: ["If-Match": blank])
                XCTAssertProblem(required, .preconditionRequired, "precondition-required")
                try await unchanged("PATCH with an empty If-Match")
            }
            let organisation = try await client.call(
                .patch, "/v1/organisations/\(lead)", body: ["website": "https://other.example"],
                contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\"", "If-None-Match": "\"1\""])
            XCTAssertProblem(organisation, .preconditionFailed, "precondition-failed")
            let call = try await client.call(
                .patch, "/v1/calls/LAC-2021", body: ["summary": ["en": "Another summary"]],
                contentType: "application/merge-patch+json", headers: ["If-Match": "*", "If-None-Match": "*"])
            XCTAssertProblem(call, .preconditionFailed, "precondition-failed")
            let organisationAfter = try await client.call(.get, "/v1/organisations/\(lead)")
            XCTAssertEqual(organisationAfter.headers[.eTag], "\"1\"")
            let changed = try await client.call(
                .patch, path, body: patch, contentType: "application/merge-patch+json",
                headers: ["If-Match": "\"1\"", "If-None-Match": "\"7\""])
            XCTAssertEqual(changed.status, .ok, changed.text)
            XCTAssertEqual(changed.headers[.eTag], "\"2\"")

            // The current tag lets the change through.
            let withdrawn = try await client.call(.post, "\(path)/withdraw", headers: ["If-Match": "\"1\", \"2\""])
            XCTAssertEqual(withdrawn.status, .ok, withdrawn.text)
            XCTAssertEqual(withdrawn["status"] as? String, "withdrawn")
        }
    }

    /// A merge patch naming a member its schema does not know is refused even when the value is
    /// `null` (which merging alone would drop), at any depth, and nothing changes.
    func testUnknownMembersOfAMergePatchAreRefusedEvenAsNull() async throws {
        try await TestApp.run { _, client in
            let organisation = try await Fixtures.createOrganisation(client)
            let proposal = try await Fixtures.proposalID(client, lead: organisation)
            let patches: [(path: String, body: [String: Any], pointers: [String])] = [
                ("/v1/organisations/\(organisation)", ["legalNmae": NSNull()], ["/legalNmae"]),
                ("/v1/organisations/\(organisation)", ["registration": ["numbr": NSNull()]], ["/registration/numbr"]),
                ("/v1/organisations/\(organisation)", ["id": NSNull(), "createdAt": NSNull(), "version": NSNull()],
                 ["/createdAt", "/id", "/version"]),
                ("/v1/organisations/\(organisation)", ["websit": NSNull(), "country": "XX"], ["/country", "/websit"]),
                ("/v1/calls/LAC-2021", ["deadlnie": NSNull(), "title": ["de": NSNull()]], ["/deadlnie", "/title/de"]),
                ("/v1/proposals/\(proposal)", ["status": NSNull(), "projectLead": ["phon": NSNull()]], ["/projectLead/phon", "/status"]),
            ]
            for (path, body, pointers) in patches {
                let answer = try await client.call(
                    .patch, path, body: body, contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""])
                XCTAssertProblem(answer, .badRequest, "validation")
                XCTAssertEqual(answer.errorPointers, pointers, "\(path) \(body)")
                let unchanged = try await client.call(.get, path)
                XCTAssertEqual(unchanged.headers[.eTag], "\"1\"", path)
            }
            let removed = try await client.call(
                .patch, "/v1/organisations/\(organisation)", body: ["website": NSNull(), "registration": ["registeredOn": NSNull()]],
                contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""])
            XCTAssertEqual(removed.status, .ok, removed.text)
            XCTAssertNil((removed["registration"] as? [String: Any])?["registeredOn"])
        }
    }

    /// A merge patch is an object: any other JSON value (which RFC 7396 would let replace the whole
    /// resource) is refused as such, and the resource is left as it was.
    func testAMergePatchIsAnObject() async throws {
        try await TestApp.run { _, client in
            let organisation = try await Fixtures.createOrganisation(client)
            let proposal = try await Fixtures.proposalID(client, lead: organisation)
            for path in ["/v1/organisations/\(organisation)", "/v1/proposals/\(proposal)", "/v1/calls/LAC-2021"] {
                for (text, detail) in [("[]", "must be an object"), ("\"x\"", "must be an object"), ("null", "must be an object, not null")] {
                    let answer = try await client.call(
                        .patch, path, body: Data(text.utf8), contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""])
                    XCTAssertProblem(answer, .badRequest, "validation")
                    XCTAssertEqual(answer.errorPointers, [""], "\(path) \(text)")
                    let details = (answer["errors"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
                    XCTAssertEqual(details, [detail], "\(path) \(text)")
                }
                let unchanged = try await client.call(.get, path)
                XCTAssertEqual(unchanged.headers[.eTag], "\"1\"", path)
            }
        }
    }

    /// A merge patch that changes nothing leaves the version (and every other editor's ETag) alone and
    /// records no audit event; one that changes something moves it on.
    func testAPatchThatChangesNothingKeepsTheVersion() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let proposal = try await Fixtures.createProposal(client, lead: lead)
            let proposalID = try XCTUnwrap(proposal["id"] as? String)
            let call = try await client.call(.get, "/v1/calls/LAC-2021")
            let cases: [(path: String, same: [String: Any], other: [String: Any], etag: String)] = [
                ("/v1/proposals/\(proposalID)", ["title": try XCTUnwrap(proposal["title"] as? String)], ["title": "Otro título"],
                 try XCTUnwrap(proposal.headers[.eTag])),
                ("/v1/calls/LAC-2021", ["workplanDueDays": 21], ["workplanDueDays": 22], try XCTUnwrap(call.headers[.eTag])),
            ]
            for (path, same, other, etag) in cases {
                // The call's deadline written without its milliseconds is the same instant; the lead's id in
                // capitals is the same id (stored in lower case).
                let respelt: [String: Any] = path.hasPrefix("/v1/calls")
                    ? ["deadline": "2021-06-30T22:00:00Z"] : ["leadOrganisationId": lead.uppercased()]
                for body in [same, [:], respelt] {
                    let unchanged = try await client.call(
                        .patch, path, body: body, contentType: "application/merge-patch+json", headers: ["If-Match": etag])
                    XCTAssertEqual(unchanged.status, .ok, unchanged.text)
                    XCTAssertEqual(unchanged.headers[.eTag], etag, "\(path) \(body)")
                }
                let changed = try await client.call(
                    .patch, path, body: other, contentType: "application/merge-patch+json", headers: ["If-Match": etag])
                XCTAssertEqual(changed.status, .ok, changed.text)
                XCTAssertNotEqual(changed.headers[.eTag], etag)
            }
            let updates = try await app.pool.withConnection { connection in
                try await connection.query("SELECT count(*) AS n FROM audit_events WHERE action IN ('proposal.updated', 'call.updated')")
                    .first!.decode(Int.self, column: "n")
            }
            XCTAssertEqual(updates, 2, "one event per real change")
        }
    }

    func testIdempotencyKeyReplaysAndRefusesAnotherBody() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let body = Fixtures.proposalBody(lead: lead)
            let headers = ["Idempotency-Key": "create-42"]
            let first = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body, headers: headers)
            let second = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body, headers: headers)
            XCTAssertEqual(first.status, .created)
            XCTAssertEqual(second.status, .created)
            XCTAssertEqual(first.json["id"] as? String, second.json["id"] as? String)
            XCTAssertEqual(first.body, second.body)

            var changed = body
            changed["title"] = "Another title"
            let conflicting = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: changed, headers: headers)
            XCTAssertProblem(conflicting, .unprocessableContent, "unprocessable")

            let count = try await app.pool.withConnection { try await $0.query("SELECT count(*) AS n FROM proposals").first!.decode(Int.self, column: "n") }
            XCTAssertEqual(count, 1)
        }
    }

    /// Header values are opaque text: `%` is a character of a key like any other, `k%41` and `kA` are two
    /// keys, and `"%31"` names no tag but itself (the generated stubs percent-decode what they pass).
    func testIdempotencyKeysAndTagsAreReadAsSent() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let body = Fixtures.proposalBody(lead: lead)
            // Creating a draft (its own fast path) and an organisation (the generated one).
            // An organisation's registration number is its own: one body per key.
            let organisations = Dictionary(uniqueKeysWithValues: ["k%41", "kA", "abc%def", "100%"].map { ($0, Fixtures.organisationBody()) })
            for (prefix, path) in [("p", "/v1/calls/LAC-2021/proposals"), ("o", "/v1/organisations")] {
                var ids: [String] = []
                for key in ["k%41", "kA", "k%41", "abc%def", "100%"] {
                    let body = prefix == "p" ? body : organisations[key]!
                    let answer = try await client.call(.post, path, body: body, headers: ["Idempotency-Key": prefix + key])
                    XCTAssertEqual(answer.status, .created, "\(path) with \(key): \(answer.text)")
                    ids.append(try XCTUnwrap(answer["id"] as? String))
                }
                XCTAssertEqual(ids[0], ids[2], path)
                XCTAssertEqual(Set(ids).count, 4, path)
            }
            let keys = try await app.pool.withConnection {
                try await $0.query("SELECT key FROM idempotency_keys ORDER BY key").map { try $0.decode(String.self, column: "key") }
            }
            XCTAssertEqual(Set(keys), ["p100%", "pabc%def", "pk%41", "pkA", "o100%", "oabc%def", "ok%41", "okA"])

            let proposal = try await Fixtures.proposalID(client, lead: lead)
            let path = "/v1/proposals/\(proposal)"
            for read in [path, "/v1/organisations/\(lead)"] {
                let refused = try await client.call(.get, read, headers: ["If-Match": "\"%31\""])
                XCTAssertProblem(refused, .preconditionFailed, "precondition-failed")
                let fresh = try await client.call(.get, read, headers: ["If-None-Match": "\"%31\""])
                XCTAssertEqual(fresh.status, .ok, read)
            }
            let patch = try await client.call(
                .patch, path, body: ["title": "Otro título"], contentType: "application/merge-patch+json", headers: ["If-Match": "\"%31\""])
            XCTAssertProblem(patch, .preconditionFailed, "precondition-failed")
            let withdraw = try await client.call(.post, "\(path)/withdraw", headers: ["If-Match": "\"%31\""])
            XCTAssertProblem(withdraw, .preconditionFailed, "precondition-failed")
        }
    }

    func testIdempotentReplayUnderARace() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let body = try JSONSerialization.data(withJSONObject: Fixtures.proposalBody(lead: lead))
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body, headers: ["Idempotency-Key": "race"])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(responses.map(\.status), Array(repeating: .created, count: 6))
            XCTAssertEqual(Set(responses.compactMap { $0.json["id"] as? String }).count, 1)
            let count = try await app.pool.withConnection { try await $0.query("SELECT count(*) AS n FROM proposals").first!.decode(Int.self, column: "n") }
            XCTAssertEqual(count, 1)
        }
    }
}

/// Idempotency keys are kept a day, then purged; a key within its day keeps replaying.
final class IdempotencyRetentionTests: XCTestCase {
    func testKeysOlderThanADayArePurgedAndYoungerOnesKept() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let body = Fixtures.proposalBody(lead: lead)
            let first = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body, headers: ["Idempotency-Key": "old"])
            _ = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body, headers: ["Idempotency-Key": "young"])
            for key in ["old-2", "old-3"] {
                _ = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body, headers: ["Idempotency-Key": key])
            }
            try await app.pool.withConnection { connection in
                try await connection.execute("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key LIKE 'old%'")
                try await connection.execute("UPDATE idempotency_keys SET created_at = now() - interval '23 hours' WHERE key = 'young'")
            }
            // Two at a time: the pass goes on until none is left.
            var purge = IdempotencyKeyPurge(pool: app.pool, logger: app.dependencies.logger)
            purge.batchSize = 2
            let removed = try await purge.purgeOnce()
            XCTAssertEqual(removed, 3)
            let keys = try await app.pool.withConnection { connection in
                try await connection.query("SELECT key FROM idempotency_keys ORDER BY key").map { try $0.decode(String.self, column: "key") }
            }
            XCTAssertEqual(keys, ["young"])
            // The purged key starts afresh: a new proposal, not a replay of the first.
            let again = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body, headers: ["Idempotency-Key": "old"])
            XCTAssertEqual(again.status, .created)
            XCTAssertNotEqual(again.json["id"] as? String, first.json["id"] as? String)
        }
    }
}
