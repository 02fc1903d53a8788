@testable import App
import Database
import Foundation
import HummingbirdTesting
import Logging
import XCTest

/// Readiness follows the database, and configuration mistakes are named at start.
final class OperationsTests: XCTestCase {
    func testReadinessIs503WhileTheDatabaseIsMissingAndRecoversByItself() async throws {
        let admin = try TestDatabase.adminURL
        let name = "t_ready_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var configuration = Configuration(databaseURL: admin + " dbname=\(name)", adminToken: TestApp.adminToken)
        configuration.databasePoolSize = 1
        let logs = CapturedLogs()
        var logger = Logger(label: "test") { _ in CapturingLogHandler(logs: logs) }
        logger.logLevel = .warning
        let dependencies = try makeDependencies(configuration: configuration, logger: logger)
        let application = try buildApplication(dependencies, migrateAtStart: false)
        try await application.test(.router) { client in
            let started = ContinuousClock.now
            let down = try await client.call(.get, "/readyz", token: nil)
            XCTAssertProblem(down, .serviceUnavailable, "service-unavailable")
            XCTAssertEqual(down.headers[.retryAfter], "5")
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
            // The liveness probe does not depend on the database.
            let health = try await client.call(.get, "/healthz", token: nil)
            XCTAssertEqual(health.status, .ok)

            // The database appears, without migrations: still not ready, and the answer says why.
            try await TestDatabase.withAdminConnection(admin) { try await $0.execute("CREATE DATABASE \(unsafeRaw: name)") }
            let pending = try await client.call(.get, "/readyz", token: nil)
            XCTAssertProblem(pending, .serviceUnavailable, "service-unavailable")
            XCTAssertTrue((pending["detail"] as? String ?? "").contains("migrations"), pending.text)

            try await dependencies.migrator.migrate()
            let ready = try await client.call(.get, "/readyz", token: nil)
            XCTAssertEqual(ready.status, .ok, ready.text)
            // Not being ready is the probe's answer, not a failure: no warning for it.
            XCTAssertFalse(logs.all.contains { $0.contains("getReadiness") }, "\(logs.all)")
        }
        try await TestDatabase.drop(name)
    }

    /// A pool with no connection free is no pending migration: readiness reads the database on a
    /// connection of its own, and says ready. The refusals such a moment brings are logged once.
    func testReadinessDoesNotDependOnAFreePoolConnection() async throws {
        let logs = CapturedLogs()
        try await TestApp.run(seed: false, configure: { $0.databaseAcquireTimeout = .milliseconds(300) }, logs: logs) { app, client in
            let held = AsyncStream<Void>.makeStream()
            // Every pool connection lent out for 3 s.
            let holders = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            try await app.pool.withConnection { _ in
                                held.continuation.yield()
                                try await Task.sleep(for: .seconds(3))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            var count = 0
            for await _ in held.stream {
                count += 1
                if count == 4 { break }
            }
            for _ in 0..<3 {
                let busy = try await client.call(.get, "/v1/calls")
                XCTAssertProblem(busy, .serviceUnavailable, "service-unavailable")
            }
            let ready = try await client.call(.get, "/readyz", token: nil)
            XCTAssertEqual(ready.status, .ok, ready.text)
            try await holders.value
            let warnings = logs.all.filter { $0.contains("request refused") }
            XCTAssertEqual(warnings.count, 1, "\(warnings)")
            XCTAssertTrue(warnings.first?.contains("alikeNotLogged=0") == true, "\(warnings)")
        }
    }

    func testConfigurationNamesTheBadVariable() throws {
        let base = ["DATABASE_URL": "host=/tmp dbname=x"]
        XCTAssertEqual(try Configuration.fromEnvironment(base).port, 8080)
        XCTAssertEqual(try Configuration.fromEnvironment(base).host, "127.0.0.1")
        XCTAssertEqual(try Configuration.fromEnvironment(base).idleTimeout, .seconds(60))
        XCTAssertEqual(try Configuration.fromEnvironment(base.merging(["CONVOCA_IDLE_TIMEOUT_SECONDS": "5"]) { $1 }).idleTimeout, .seconds(5))
        XCTAssertEqual(try Configuration.fromEnvironment(base).maxConnections, 1000)
        XCTAssertEqual(try Configuration.fromEnvironment(base.merging(["CONVOCA_MAX_CONNECTIONS": "50"]) { $1 }).maxConnections, 50)
        XCTAssertEqual(try Configuration.fromEnvironment(base).bodyTimeout, .seconds(30))
        XCTAssertEqual(try Configuration.fromEnvironment(base.merging(["CONVOCA_BODY_TIMEOUT_SECONDS": "5"]) { $1 }).bodyTimeout, .seconds(5))
        XCTAssertEqual(try Configuration.fromEnvironment(base).shutdownGrace, .seconds(25))
        XCTAssertEqual(try Configuration.fromEnvironment(base).maxBodyBytesInFlight, 128 << 20)
        XCTAssertEqual(
            try Configuration.fromEnvironment(base.merging(["CONVOCA_MAX_BODY_BYTES_IN_FLIGHT": "20000000"]) { $1 }).maxBodyBytesInFlight, 20_000_000)
        XCTAssertEqual(try Configuration.fromEnvironment(base.merging(["CONVOCA_SHUTDOWN_GRACE_SECONDS": "5"]) { $1 }).shutdownGrace, .seconds(5))
        let cases: [([String: String], String)] = [
            ([:], "DATABASE_URL"),
            (base.merging(["PORT": "eighty"]) { $1 }, "PORT"),
            (base.merging(["PORT": "70000"]) { $1 }, "PORT"),
            (base.merging(["LOG_LEVEL": "loud"]) { $1 }, "LOG_LEVEL"),
            (base.merging(["DB_POOL_SIZE": "0"]) { $1 }, "DB_POOL_SIZE"),
            (base.merging(["CONVOCA_ADMIN_TOKEN": "short"]) { $1 }, "CONVOCA_ADMIN_TOKEN"),
            (base.merging(["CONVOCA_IDLE_TIMEOUT_SECONDS": "0"]) { $1 }, "CONVOCA_IDLE_TIMEOUT_SECONDS"),
            (base.merging(["CONVOCA_MAX_CONNECTIONS": "0"]) { $1 }, "CONVOCA_MAX_CONNECTIONS"),
            (base.merging(["CONVOCA_BODY_TIMEOUT_SECONDS": "0"]) { $1 }, "CONVOCA_BODY_TIMEOUT_SECONDS"),
            (base.merging(["CONVOCA_SHUTDOWN_GRACE_SECONDS": "0"]) { $1 }, "CONVOCA_SHUTDOWN_GRACE_SECONDS"),
            (base.merging(["CONVOCA_SHUTDOWN_GRACE_SECONDS": "25s"]) { $1 }, "CONVOCA_SHUTDOWN_GRACE_SECONDS"),
            (base.merging(["CONVOCA_CORS_ORIGINS": "https://a.example.org/path"]) { $1 }, "CONVOCA_CORS_ORIGINS"),
            // Less than one document (10 MiB by default) would refuse every upload of the largest size.
            (base.merging(["CONVOCA_MAX_BODY_BYTES_IN_FLIGHT": "10000000"]) { $1 }, "CONVOCA_MAX_BODY_BYTES_IN_FLIGHT"),
        ]
        for (environment, variable) in cases {
            XCTAssertThrowsError(try Configuration.fromEnvironment(environment)) { error in
                XCTAssertEqual((error as? ConfigurationError)?.variable, variable)
                XCTAssertTrue(String(describing: error).hasPrefix(variable))
            }
        }
    }
}

/// A saturated or unreachable database is a 503 the client may retry, never a 500.
final class UnavailableDatabaseTests: XCTestCase {
    func testAnExhaustedPoolAnswers503WithRetryAfter() async throws {
        try await TestApp.run(configure: {
            $0.databasePoolSize = 1
            $0.databaseAcquireTimeout = .milliseconds(200)
        }) { app, client in
            let holding = Task { try await app.pool.withConnection { connection in try await connection.execute("SELECT pg_sleep(1.5)") } }
            try await Task.sleep(for: .milliseconds(300))
            let response = try await client.call(.get, "/v1/calls")
            XCTAssertProblem(response, .serviceUnavailable, "service-unavailable")
            XCTAssertEqual(response.headers[.retryAfter], "1")
            _ = try await holding.value
            let after = try await client.call(.get, "/v1/calls")
            XCTAssertEqual(after.status, .ok)
        }
    }

    /// A statement that waits or runs past `DB_STATEMENT_TIMEOUT_MS` is cancelled: the request answers
    /// 503 with `Retry-After`, in the caller's language, and nothing of it is stored.
    func testAStatementOverTheTimeLimitAnswers503AndChangesNothing() async throws {
        try await TestApp.run(configure: { $0.databaseStatementTimeout = .milliseconds(300) }) { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let created = try await Fixtures.createProposal(client, lead: lead)
            let id = try XCTUnwrap(created["id"] as? String)
            let etag = try XCTUnwrap(created.headers[.eTag])
            // Another session holds the proposal's row while the request wants to change it.
            let locked = AsyncStream<Void>.makeStream()
            let holding = Task {
                try await app.pool.withTransaction { connection in
                    _ = try await connection.execute("SELECT id FROM proposals WHERE id = \(UUID(uuidString: id)!) FOR UPDATE")
                    locked.continuation.yield()
                    try await Task.sleep(for: .seconds(1.5))
                }
            }
            for await _ in locked.stream { break }
            let started = ContinuousClock.now
            let patched = try await client.call(
                .patch, "/v1/proposals/\(id)", body: ["title": "Changed while locked"], contentType: "application/merge-patch+json",
                headers: ["If-Match": etag, "Accept-Language": "es"])
            XCTAssertProblem(patched, .serviceUnavailable, "service-unavailable")
            XCTAssertEqual(patched.headers[.retryAfter], "5")
            XCTAssertEqual(patched["detail"] as? String, "La solicitud tardó demasiado y se detuvo; vuelva a intentarlo en breve.")
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(1.2), "the request waited for the lock to be released")
            try await holding.value
            let after = try await client.call(.get, "/v1/proposals/\(id)")
            XCTAssertEqual(after["title"] as? String, created["title"] as? String)
            XCTAssertEqual(after.headers[.eTag], etag)
            let audited = try await app.pool.withConnection { connection in
                try await connection.query("SELECT count(*)::int8 AS n FROM audit_events WHERE entity_id = \(id) AND action = 'proposal.updated'")[0]
                    .decode(Int.self, column: "n")
            }
            XCTAssertEqual(audited, 0)
        }
    }

    func testAnUnreachableDatabaseAnswers503() async throws {
        var configuration = Configuration(databaseURL: "host=/nonexistent-socket-dir user=postgres dbname=x", adminToken: TestApp.adminToken)
        configuration.databasePoolSize = 1
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let application = try buildApplication(try makeDependencies(configuration: configuration, logger: logger), migrateAtStart: false)
        try await application.test(.router) { client in
            let token = try await client.call(.get, "/v1/calls", token: "cvk_some-token-that-needs-the-database")
            XCTAssertProblem(token, .serviceUnavailable, "service-unavailable")
            XCTAssertFalse(token.text.contains("nonexistent"), "no connection details leak")
        }
    }
}

/// Migrations that change stored rows keep what was stored before them.
final class MigrationDataTests: XCTestCase {
    /// A database migrated up to the migration `first`, where `setup` stores rows as they were stored then, then to
    /// the end; `check` reads what the later migrations made of them.
    private func migrating(
        before first: String, _ setup: @Sendable (Connection) async throws -> Void,
        then check: @Sendable (DatabasePool) async throws -> Void
    ) async throws {
        let admin = try TestDatabase.adminURL
        let name = "t_mig_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await TestDatabase.withAdminConnection(admin) { try await $0.execute("CREATE DATABASE \(unsafeRaw: name)") }
        let pool = DatabasePool(configuration: .init(conninfo: admin + " dbname=\(name)", size: 1), logger: Logger(label: "test"))
        try await TestPool.running(pool) {
            let files = try FileManager.default.contentsOfDirectory(at: BundledFiles.migrationsDirectory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "sql" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
                .map { (name: $0.lastPathComponent, sql: try String(contentsOf: $0, encoding: .utf8)) }
            let before = files.filter { $0.name < first }
            XCTAssertLessThan(before.count, files.count)
            try await Migrator(pool: pool, migrations: before).migrate()
            try await pool.withConnection { try await setup($0) }
            try await Migrator(pool: pool, migrations: files).migrate()
            try await check(pool)
        }
        try await TestDatabase.drop(name)
    }

    func testProposalsStoredBeforeRenderedRepresentationsKeepTheirVersionAndGainIt() async throws {
        try await migrating(before: "0006") { connection in
            try await connection.execute("""
                INSERT INTO calls (code, definition, deadline) VALUES ('OLD-1', '{"code": "OLD-1"}', '2021-06-30T22:00:00Z');
                """)
            try await connection.execute("""
                INSERT INTO organisations (legal_name, kind, non_profit, country, document)
                VALUES ('Org', 'ngo', true, 'PE', '{"legalName": "Org"}')
                """)
            try await connection.execute("""
                INSERT INTO proposals (call_id, lead_organisation_id, document)
                SELECT c.id, o.id, '{"title": "Kept"}' FROM calls c, organisations o
                """)
            try await connection.execute("UPDATE proposals SET document = '{\"title\": \"Kept twice\"}'")
        } then: { pool in
            let (version, representation) = try await pool.withConnection { connection in
                let row = try await connection.query("SELECT version, representation FROM proposals").first!
                return (try row.decode(Int.self, column: "version"), try row.decode(String.self, column: "representation"))
            }
            XCTAssertEqual(version, 2, "rendering is not a change")
            let json = try JSONSerialization.jsonObject(with: Data(representation.utf8)) as? [String: Any]
            XCTAssertEqual(json?["title"] as? String, "Kept twice")
            XCTAssertEqual(json?["version"] as? Int, 2)
            XCTAssertEqual(json?["status"] as? String, "draft")
        }
    }

    func testOrganisationsRegisteredTwiceBeforeNumbersWereUniqueAreKeptForTheSecretariat() async throws {
        try await migrating(before: "0007") { connection in
            for (name, number) in [("First", "20.601.234-567"), ("Again", "20601234567"), ("Other", "123")] {
                try await connection.execute("""
                    INSERT INTO organisations (legal_name, kind, non_profit, country, document)
                    VALUES (\(name), 'ngo', true, 'PE', jsonb_build_object('legalName', \(name),
                            'registration', jsonb_build_object('number', \(number), 'country', 'PE')))
                    """)
            }
        } then: { pool in
            let (versions, duplicates, again) = try await pool.withConnection { connection in
                let rows = try await connection.query("SELECT id, version, registration_duplicate FROM organisations ORDER BY seq")
                return (try rows.map { try $0.decode(Int.self, column: "version") },
                        try rows.map { try $0.decode(Bool.self, column: "registration_duplicate") },
                        try rows[1].decode(UUID.self, column: "id"))
            }
            XCTAssertEqual(versions, [1, 1, 1], "marking duplicates is not a change")
            XCTAssertEqual(duplicates, [false, true, false])
            @Sendable func register(_ number: String) async throws -> Int {
                let document = #"{"legalName": "Again", "registration": {"number": "NUMBER", "country": "PE"}}"#
                return try await pool.withConnection { connection in
                    try await OrganisationRepository.update(
                        connection, id: again, document: document.replacingOccurrences(of: "NUMBER", with: number),
                        legalName: "Again", kind: "ngo", nonProfit: true, country: "PE", dueDiligence: "pending",
                        registration: ("PE", number))
                }.version
            }
            // The duplicate still changes while it keeps its number; once it moved to another, it cannot come back.
            let kept = try await register("20601234567")
            XCTAssertEqual(kept, 2)
            _ = try await register("999")
            await XCTAssertThrowsErrorAsync { _ = try await register("20601234567") }
        }
    }
}

/// Refusal warnings: the first of a kind, then one per interval saying how many were not logged.
final class RefusalWarningsTests: XCTestCase {
    func testOneWarningOfAKindPerIntervalCountingTheOthers() {
        let warnings = RefusalWarnings(interval: .seconds(10))
        let start = ContinuousClock.now
        XCTAssertEqual(warnings.admit("busy", now: start), 0)
        XCTAssertNil(warnings.admit("busy", now: start + .seconds(1)))
        XCTAssertNil(warnings.admit("busy", now: start + .seconds(9)))
        XCTAssertEqual(warnings.admit("unreachable", now: start + .seconds(9)), 0, "another kind is counted apart")
        XCTAssertEqual(warnings.admit("busy", now: start + .seconds(10)), 2)
        XCTAssertNil(warnings.admit("busy", now: start + .seconds(11)))
        XCTAssertEqual(warnings.admit("busy", now: start + .seconds(25)), 1)
    }
}

/// What a client is told when the database failed under its request.
final class DatabaseProblemTests: XCTestCase {
    func testALostCommitSaysTheChangeMayHaveBeenMade() throws {
        var lost = DatabaseError(kind: .connection, message: "the server did not answer within 35 s")
        XCTAssertEqual(lost.clientProblem?.detail, .databaseUnreachableTryAgain)
        lost.commitOutcomeUnknown = true
        let problem = try XCTUnwrap(lost.clientProblem)
        XCTAssertEqual(problem.kind, .serviceUnavailable)
        XCTAssertEqual(problem.detail, .changeMayHaveBeenMade)
        XCTAssertTrue(problem.detail?.text(in: .en).contains("Idempotency-Key") == true)
    }
}
