import Database
import Foundation

/// SQL for ruleset versions and screening decisions.
enum RulesetRepository {
    /// A ruleset version: its representation (`Ruleset`) and the stored input document.
    struct Row: Sendable {
        var version: Int
        var json: String
        var document: String
    }

    static let representation = SQL(unsafeRaw: """
        r.version, r.document::text AS document,
        (r.document || jsonb_build_object('callId', r.call_id, 'callCode', c.code, 'version', r.version,
            'createdAt', \(SQLInstant.render("r.created_at"))))::text AS json
        """)

    /// Writes the next version under the call's row lock (taken by the caller), so versions never collide.
    static func insertNext(_ connection: Connection, callID: UUID, document: String) async throws -> Row {
        try await decodeRow(connection.query("""
            WITH inserted AS (
                INSERT INTO rulesets (call_id, version, document)
                SELECT \(callID), coalesce(max(version), 0) + 1, \(JSONB(document)) FROM rulesets WHERE call_id = \(callID)
                RETURNING *)
            SELECT \(representation) FROM inserted r JOIN calls c ON c.id = r.call_id
            """).first!)
    }

    static func current(_ connection: Connection, callID: UUID) async throws -> Row? {
        try await connection.query("""
            SELECT \(representation) FROM rulesets r JOIN calls c ON c.id = r.call_id
            WHERE r.call_id = \(callID) ORDER BY r.version DESC LIMIT 1
            """).first.map(decodeRow)
    }

    static func find(_ connection: Connection, callID: UUID, version: Int) async throws -> Row? {
        try await connection.query("""
            SELECT \(representation) FROM rulesets r JOIN calls c ON c.id = r.call_id
            WHERE r.call_id = \(callID) AND r.version = \(version)
            """).first.map(decodeRow)
    }

    static func list(_ connection: Connection, callID: UUID, afterVersion: Int64, limit: Int) async throws -> [Row] {
        try await connection.query("""
            SELECT \(representation) FROM rulesets r JOIN calls c ON c.id = r.call_id
            WHERE r.call_id = \(callID) AND r.version > \(afterVersion) ORDER BY r.version LIMIT \(limit)
            """).map(decodeRow)
    }

    static func decodeRow(_ row: Database.Row) throws -> Row {
        Row(version: try row.decode(Int.self, column: "version"), json: try row.decode(String.self, column: "json"),
            document: try row.decode(String.self, column: "document"))
    }

    // MARK: - Screenings

    struct Screening: Sendable {
        var kind: String
        var decision: String
        var rulesetVersion: Int?
        var results: String?
        var justification: String?
        var actorTokenID: UUID?
        var actorRole: String
        var decidedAt: Date
    }

    static func insertScreening(_ connection: Connection, proposalID: UUID, _ s: Screening) async throws {
        try await connection.execute("""
            INSERT INTO screenings (proposal_id, kind, decision, ruleset_version, results, justification,
                                    actor_token_id, actor_role, decided_at)
            VALUES (\(proposalID), \(s.kind), \(s.decision), \(s.rulesetVersion), \(s.results.map(JSONB.init)),
                    \(s.justification), \(s.actorTokenID), \(s.actorRole), \(s.decidedAt))
            """)
    }

    /// The latest evaluation and, when one was made after it, the latest override.
    static func currentScreening(_ connection: Connection, proposalID: UUID) async throws -> (evaluation: Screening, override: Screening?)? {
        let rows = try await connection.query("""
            SELECT kind, decision, ruleset_version, results::text AS results, justification, actor_token_id, actor_role,
                   decided_at
            FROM screenings
            WHERE proposal_id = \(proposalID)
              AND id >= (SELECT max(id) FROM screenings WHERE proposal_id = \(proposalID) AND kind = 'evaluation')
            ORDER BY id
            """)
        let screenings = try rows.map { row in
            Screening(
                kind: try row.decode(String.self, column: "kind"), decision: try row.decode(String.self, column: "decision"),
                rulesetVersion: try row.decode(Int?.self, column: "ruleset_version"),
                results: try row.decode(String?.self, column: "results"),
                justification: try row.decode(String?.self, column: "justification"),
                actorTokenID: try row.decode(UUID?.self, column: "actor_token_id"),
                actorRole: try row.decode(String.self, column: "actor_role"),
                decidedAt: try row.decode(Date.self, column: "decided_at"))
        }
        guard let evaluation = screenings.first else { return nil }
        return (evaluation, screenings.dropFirst().last)
    }
}
