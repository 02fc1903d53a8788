import Foundation

/// Applies numbered migrations in order, each in its own transaction, recorded in `schema_migrations`.
///
/// A session-level advisory lock serializes migrators, so instances starting together apply
/// each migration once. A recorded migration whose SHA-256 (computed by PostgreSQL's sha256())
/// changed makes `migrate()` and `pending()` throw `MigrationError.checksumMismatch` naming the file.
/// Migration files must not contain transaction control or statements that refuse to run in a
/// transaction (CREATE INDEX CONCURRENTLY).
public struct Migrator: Sendable {
    /// Advisory lock key shared by every instance of the application ("convoca" in ASCII).
    public static let defaultLockKey: Int64 = 0x63_6F_6E_76_6F_63_61

    /// The migrations, sorted by version.
    public let migrations: [Migration]
    private let pool: DatabasePool
    private let lockKey: Int64

    /// Throws `MigrationError.duplicateVersion` when two migrations share a number.
    public init(pool: DatabasePool, migrations: [Migration], lockKey: Int64 = Migrator.defaultLockKey) throws {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.version == next.version {
            throw MigrationError.duplicateVersion(next.version, previous.name, next.name)
        }
        self.migrations = sorted
        self.pool = pool
        self.lockKey = lockKey
    }

    /// Migrations given as (file name, SQL text) pairs.
    public init(pool: DatabasePool, migrations: [(name: String, sql: String)], lockKey: Int64 = Migrator.defaultLockKey) throws {
        try self.init(pool: pool, migrations: migrations.map { try Migration(name: $0.name, sql: $0.sql) }, lockKey: lockKey)
    }

    /// Every `*.sql` file of a directory (UTF-8); other files are ignored.
    public init(pool: DatabasePool, directory: URL, lockKey: Int64 = Migrator.defaultLockKey) throws {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
        let migrations = try files.map { url in
            try Migration(name: url.lastPathComponent, sql: String(contentsOf: url, encoding: .utf8))
        }
        try self.init(pool: pool, migrations: migrations, lockKey: lockKey)
    }

    /// Applies the pending migrations and returns them, in order.
    @discardableResult
    public func migrate() async throws -> [Migration] {
        let migrations = migrations
        let lockKey = lockKey
        return try await pool.withConnection { connection in try await connection.withoutResponseTimeout { connection in
            // Waiting for another instance and building indexes may take longer than a request's
            // statement timeout: lifted for this session while it migrates, then restored.
            let timeout = try await connection.query("SELECT current_setting('statement_timeout') AS value")[0]
                .decode(String.self, column: "value")
            _ = try await connection.query("SELECT set_config('statement_timeout', '0', false)")
            // Waits (without blocking a thread) while another instance migrates.
            _ = try await connection.query("SELECT pg_advisory_lock(\(lockKey))")
            do {
                let applied = try await Migrator.applyPending(migrations, on: connection)
                _ = try await connection.query("SELECT pg_advisory_unlock(\(lockKey))")
                _ = try await connection.query("SELECT set_config('statement_timeout', \(timeout), false)")
                return applied
            } catch {
                // The lock is per session and the connection goes back to the pool: always release it.
                if connection.isUsable {
                    _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))")
                    _ = try? await connection.query("SELECT set_config('statement_timeout', \(timeout), false)")
                }
                throw error
            }
        } }
    }

    /// Migrations not yet applied; throws if an applied one changed. Cheap enough for a readiness probe.
    public func pending() async throws -> [Migration] {
        try await pool.withConnection { connection in try await pending(on: connection) }
    }

    /// Migrations not yet applied, read on `connection`; throws if an applied one changed.
    public func pending(on connection: Connection) async throws -> [Migration] {
        let present = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
        guard try present[0].decode(Bool.self, column: "present") else { return migrations }
        let applied = try await Migrator.appliedChecksums(on: connection)
        try await Migrator.verify(migrations, applied: applied, on: connection)
        return migrations.filter { applied[$0.version] == nil }
    }


    private static func applyPending(_ migrations: [Migration], on connection: Connection) async throws -> [Migration] {
        try await connection.execute(unsafeRawMultiStatement: """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version bigint PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let applied = try await appliedChecksums(on: connection)
        let checksums = try await verify(migrations, applied: applied, on: connection)
        var done: [Migration] = []
        for (migration, checksum) in zip(migrations, checksums) where applied[migration.version] == nil {
            do {
                try await connection.transaction(isolation: .readCommitted) { connection in
                    try await connection.execute(unsafeRawMultiStatement: migration.sql)
                    try await connection.execute("""
                        INSERT INTO schema_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(checksum))
                        """)
                }
            } catch {
                throw MigrationError.failed(name: migration.name, underlying: error)
            }
            done.append(migration)
        }
        return done
    }

    private static func appliedChecksums(on connection: Connection) async throws -> [Int: String] {
        var applied: [Int: String] = [:]
        for row in try await connection.query("SELECT version, checksum FROM schema_migrations") {
            applied[try row.decode(Int.self, column: "version")] = try row.decode(String.self, column: "checksum")
        }
        return applied
    }

    /// Computes every checksum in one round trip and compares those already applied.
    @discardableResult
    private static func verify(_ migrations: [Migration], applied: [Int: String], on connection: Connection) async throws -> [String] {
        let texts = migrations.map(\.sql)
        let checksums = try await connection.query("""
            SELECT encode(sha256(convert_to(t, 'UTF8')), 'hex') AS checksum
            FROM unnest(\(texts)) WITH ORDINALITY AS m(t, n) ORDER BY n
            """).map { try $0.decode(String.self, column: "checksum") }
        for (migration, checksum) in zip(migrations, checksums) {
            if let recorded = applied[migration.version], recorded != checksum {
                throw MigrationError.checksumMismatch(name: migration.name, version: migration.version)
            }
        }
        return checksums
    }
}
