import Database
import Foundation
import Testing

/// The project's own migrations (`sql/`) on databases that already hold data: nothing stored is lost or
/// changes meaning.
@Suite("Schema migrations on stored data")
struct SchemaMigrationTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sql")

    /// `sql/0009`: an organisation changed before the migration keeps its version, and the view without due
    /// diligence starts from it (the tags applicants hold stay valid); afterwards only changes of the rest of
    /// the record move that view's version and last change.
    @Test func anOrganisationsPublicVersionStartsFromItsVersion() async throws {
        try await withTestDatabase { db in
            let all = try Migrator(pool: db.pool, directory: Self.directory).migrations
            _ = try await Migrator(pool: db.pool, migrations: all.filter { $0.version < 9 }).migrate()
            try await db.pool.withConnection { c in
                try await c.execute("""
                    INSERT INTO organisations (legal_name, kind, non_profit, country, document)
                    VALUES ('Uno', 'ngo', true, 'PE', '{"legalName": "Uno", "kind": "ngo", "nonProfit": true, "country": "PE"}')
                    """)
                try await c.execute("UPDATE organisations SET document = document || '{\"website\": \"https://uno.example\"}'")
                try await c.execute("""
                    UPDATE organisations SET due_diligence = 'flagged',
                        document = document || '{"dueDiligence": {"status": "flagged", "note": "No such registry entry."}}'
                    """)
            }
            _ = try await Migrator(pool: db.pool, migrations: all).migrate()

            struct Versions: Equatable {
                var version: Int
                var publicVersion: Int
                var publicIsLastChange: Bool
            }
            func versions() async throws -> Versions {
                let row = try await db.pool.withConnection { c in
                    try await c.query("""
                        SELECT version, public_version, public_updated_at = updated_at AS same FROM organisations
                        """)[0]
                }
                return Versions(
                    version: try row.decode(Int.self, column: "version"),
                    publicVersion: try row.decode(Int.self, column: "public_version"),
                    publicIsLastChange: try row.decode(Bool.self, column: "same"))
            }
            #expect(try await versions() == Versions(version: 3, publicVersion: 3, publicIsLastChange: true))

            try await db.pool.withConnection { c in
                try await c.execute("""
                    UPDATE organisations SET document = document || '{"dueDiligence": {"status": "flagged", "note": "Checked again."}}'
                    """)
            }
            #expect(try await versions() == Versions(version: 4, publicVersion: 3, publicIsLastChange: false))
            try await db.pool.withConnection { c in
                try await c.execute("UPDATE organisations SET document = document || '{\"website\": \"https://uno.example/es\"}'")
            }
            #expect(try await versions() == Versions(version: 5, publicVersion: 4, publicIsLastChange: true))
        }
    }
    /// `sql/0013`: a document stored compressed before the migration is stored again uncompressed, its
    /// bytes the same, so that downloads read it a slice at a time without decompressing it each time.
    @Test func aDocumentStoredCompressedIsStoredAgainUncompressed() async throws {
        try await withTestDatabase { db in
            let all = try Migrator(pool: db.pool, directory: Self.directory).migrations
            _ = try await Migrator(pool: db.pool, migrations: all.filter { $0.version < 13 }).migrate()
            let text = Data(String(repeating: "Carta de apoyo. ", count: 20_000).utf8)
            func stored() async throws -> (compression: String?, digest: String) {
                let row = try await db.pool.withConnection { c in
                    try await c.query("""
                        SELECT pg_column_compression(content) AS compression, encode(sha256(content), 'hex') AS digest
                        FROM proposal_documents
                        """)[0]
                }
                return (try row.decode(String?.self, column: "compression"), try row.decode(String.self, column: "digest"))
            }
            try await db.pool.withTransaction { c in
                // The document alone: its proposal's foreign key is not what this migration is about.
                try await c.execute("SET LOCAL session_replication_role = replica")
                try await c.execute("""
                    INSERT INTO proposal_documents (proposal_id, filename, content_type, size_bytes, sha256, content)
                    VALUES (gen_random_uuid(), 'carta.txt', 'text/plain', \(text.count), encode(sha256(\(text)), 'hex'), \(text))
                    """)
            }
            let before = try await stored()
            #expect(before.compression != nil)
            _ = try await Migrator(pool: db.pool, migrations: all).migrate()
            let after = try await stored()
            #expect(after.compression == nil)
            #expect(after.digest == before.digest)
        }
    }
}
