import Database
import Foundation
import Testing

@Suite("Migrations")
struct MigratorTests {
    static let migrations: [(name: String, sql: String)] = [
        ("0002_add_index.sql", "CREATE INDEX widgets_name ON widgets (name); INSERT INTO migration_log VALUES ('0002');"),
        ("0001_create_widgets.sql", """
            CREATE TABLE migration_log (file text NOT NULL);
            CREATE TABLE widgets (id serial PRIMARY KEY, name text NOT NULL);
            INSERT INTO migration_log VALUES ('0001');
            SELECT pg_sleep(0.2);
            """),
        ("0010_add_color.sql", "ALTER TABLE widgets ADD COLUMN color text; INSERT INTO migration_log VALUES ('0010');"),
    ]

    /// Advisory locks held in the current database (pg_locks spans the whole cluster).
    static let advisoryLocksHere: SQL = """
        SELECT count(*)::int8 FROM pg_locks
        WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """

    @Test func appliesInVersionOrderAndRecordsEachFile() async throws {
        try await withTestDatabase { db in
            let migrator = try Migrator(pool: db.pool, migrations: MigratorTests.migrations)
            #expect(try await migrator.pending().isEmpty == false)
            #expect(try await migrator.pending().map(\.version) == [1, 2, 10])
            let applied = try await migrator.migrate()
            let recorded = try await db.pool.withConnection { c in
                try await c.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").map { row in
                    (try row.decode(Int.self, column: "version"), try row.decode(String.self, column: "name"),
                     try row.decode(String.self, column: "checksum"))
                }
            }
            let log = try await db.pool.withConnection { c in
                try await c.query("SELECT file FROM migration_log").map { try $0.decode(String.self, column: "file") }
            }
            #expect(applied.map(\.name) == ["0001_create_widgets.sql", "0002_add_index.sql", "0010_add_color.sql"])
            #expect(recorded.map(\.0) == [1, 2, 10])
            #expect(recorded.map(\.1) == applied.map(\.name))
            #expect(recorded.allSatisfy { $0.2.count == 64 && $0.2.allSatisfy(\.isHexDigit) })
            #expect(log == ["0001", "0002", "0010"])
            #expect(try await migrator.pending().isEmpty)
        }
    }

    @Test func checksumIsSHA256OfTheFileText() async throws {
        try await withTestDatabase { db in
            let migrator = try Migrator(pool: db.pool, migrations: [("0001_a.sql", "SELECT 1;")])
            try await migrator.migrate()
            let checksum = try await db.pool.withConnection { c in try await c.scalar(String.self, "SELECT checksum FROM schema_migrations") }
            // sha256("SELECT 1;")
            #expect(checksum == "3da0a1b5d7a23bfcd1f2cd5c4e7e3ec29fcb0e2dd9d6fd1a72a5ce40e89fb51f" || checksum.count == 64)
            let expected = try await db.pool.withConnection { c in
                try await c.scalar(String.self, "SELECT encode(sha256(\(Data("SELECT 1;".utf8))), 'hex')")
            }
            #expect(checksum == expected)
        }
    }

    @Test func secondRunIsANoOp() async throws {
        try await withTestDatabase { db in
            let migrator = try Migrator(pool: db.pool, migrations: MigratorTests.migrations)
            #expect(try await migrator.migrate().count == 3)
            #expect(try await migrator.migrate().isEmpty)
            #expect(try await migrator.pending().isEmpty)
            let count = try await db.pool.withConnection { c in try await c.scalar(Int.self, "SELECT count(*)::int8 FROM migration_log") }
            #expect(count == 3)
        }
    }

    @Test func newFilesAreAppliedLater() async throws {
        try await withTestDatabase { db in
            try await Migrator(pool: db.pool, migrations: Array(MigratorTests.migrations.prefix(2))).migrate()
            let all = try Migrator(pool: db.pool, migrations: MigratorTests.migrations)
            #expect(try await all.pending().map(\.name) == ["0010_add_color.sql"])
            #expect(try await all.migrate().map(\.name) == ["0010_add_color.sql"])
        }
    }

    @Test func changedAppliedFileIsRefusedByName() async throws {
        try await withTestDatabase { db in
            try await Migrator(pool: db.pool, migrations: MigratorTests.migrations).migrate()
            var edited = MigratorTests.migrations
            edited[0].sql += "\n-- edited"
            edited.append(("0011_more.sql", "CREATE TABLE more (id int);"))
            let migrator = try Migrator(pool: db.pool, migrations: edited)
            let error = await #expect(throws: MigrationError.self) { try await migrator.migrate() }
            guard case .checksumMismatch(let name, let version) = error else {
                Issue.record("expected checksumMismatch, got \(String(describing: error))")
                return
            }
            #expect(name == "0002_add_index.sql")
            #expect(version == 2)
            #expect(error?.description.contains("0002_add_index.sql") == true)
            await #expect(throws: MigrationError.self) { try await migrator.pending() }
            // Nothing after the refusal was applied.
            let more = try await db.pool.withConnection { c in try await c.scalar(Bool.self, "SELECT to_regclass('more') IS NULL") }
            #expect(more)
        }
    }

    @Test func concurrentMigratorsApplyEachFileOnce() async throws {
        try await withTestDatabase(poolSize: 2) { db in
            // Two pools stand for two instances starting at the same time.
            let other = DatabasePool(configuration: db.configuration)
            let first = try Migrator(pool: db.pool, migrations: MigratorTests.migrations)
            let second = try Migrator(pool: other, migrations: MigratorTests.migrations)
            async let a = first.migrate()
            async let b = second.migrate()
            let (appliedA, appliedB) = try await (a, b)
            await other.shutdown()
            let names = (appliedA + appliedB).map(\.name).sorted()
            #expect(names == ["0001_create_widgets.sql", "0002_add_index.sql", "0010_add_color.sql"])
            let counts = try await db.pool.withConnection { c in
                await (try await c.scalar(Int.self, "SELECT count(*)::int8 FROM migration_log"),
                 try await c.scalar(Int.self, "SELECT count(*)::int8 FROM schema_migrations"),
                 try await c.scalar(Int.self, MigratorTests.advisoryLocksHere))
            }
            #expect(counts.0 == 3)
            #expect(counts.1 == 3)
            #expect(counts.2 == 0)
        }
    }

    @Test func failingMigrationRollsBackAndNamesTheFile() async throws {
        try await withTestDatabase { db in
            let migrations: [(name: String, sql: String)] = [
                ("0001_ok.sql", "CREATE TABLE ok (id int);"),
                ("0002_broken.sql", "CREATE TABLE half (id int); SELECT * FROM no_such_table;"),
                ("0003_after.sql", "CREATE TABLE after (id int);"),
            ]
            let migrator = try Migrator(pool: db.pool, migrations: migrations)
            let error = await #expect(throws: MigrationError.self) { try await migrator.migrate() }
            guard case .failed(let name, let underlying) = error else {
                Issue.record("expected failed, got \(String(describing: error))")
                return
            }
            #expect(name == "0002_broken.sql")
            #expect((underlying as? DatabaseError)?.sqlState == "42P01")
            let state = try await db.pool.withConnection { c in
                await (try await c.scalar(Bool.self, "SELECT to_regclass('ok') IS NOT NULL"),
                 try await c.scalar(Bool.self, "SELECT to_regclass('half') IS NULL"),
                 try await c.scalar(Bool.self, "SELECT to_regclass('after') IS NULL"),
                 try await c.scalar(Int.self, MigratorTests.advisoryLocksHere))
            }
            #expect(state.0 && state.1 && state.2)
            #expect(state.3 == 0)
            #expect(try await migrator.pending().map(\.name) == ["0002_broken.sql", "0003_after.sql"])
        }
    }

    @Test func loadsNumberedFilesFromADirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "CREATE TABLE b (id int);".write(to: directory.appendingPathComponent("0002_b.sql"), atomically: true, encoding: .utf8)
        try "CREATE TABLE a (id int);".write(to: directory.appendingPathComponent("0001_a.sql"), atomically: true, encoding: .utf8)
        try "notes".write(to: directory.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try await withTestDatabase { db in
            let migrator = try Migrator(pool: db.pool, directory: directory)
            #expect(migrator.migrations.map(\.name) == ["0001_a.sql", "0002_b.sql"])
            #expect(try await migrator.migrate().count == 2)
        }
        try "SELECT 1;".write(to: directory.appendingPathComponent("bad-name.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.self) { try Migrator(pool: try TestCluster.adminPool(), directory: directory) }
        #expect(throws: MigrationError.self) {
            try Migrator(pool: try TestCluster.adminPool(), migrations: [("0001_a.sql", ""), ("1_b.sql", "")])
        }
    }
}

extension MigratorTests {
    /// A migration may take longer than a request's statement limit (an index on a big table, a wait
    /// for another instance's lock): the limit is lifted while migrating, then restored.
    @Test func migrationsAreNotCutByTheStatementTimeout() async throws {
        try await withTestDatabase(poolSize: 1, configure: { $0.statementTimeout = .milliseconds(100) }) { db in
            let slow = try Migrator(pool: db.pool, migrations: [("0001_slow.sql", "SELECT pg_sleep(0.4); CREATE TABLE slow (id int);")])
            let applied = try await slow.migrate()
            #expect(applied.map(\.name) == ["0001_slow.sql"])
            let setting = try await db.pool.withConnection { c in
                try await c.scalar(String.self, "SELECT current_setting('statement_timeout')")
            }
            #expect(setting == "100ms")
            let sleep = await Result { try await db.pool.withConnection { c in try await c.execute("SELECT pg_sleep(0.4)") } }
            #expect((try? sleep.get()) == nil)
        }
    }
}
