import Database
import Foundation

/// SQL for API tokens. The secret never comes back out: rows carry only its SHA-256, computed by PostgreSQL.
enum TokensRepository {
    struct Row: Sendable {
        var id: UUID
        var json: String
        var seq: Int64
    }

    /// The listed representation; `jsonb_strip_nulls` leaves out the instants a token does not have.
    static let representation = SQL(unsafeRaw: """
        id, seq, jsonb_strip_nulls(jsonb_build_object(
            'id', id, 'name', name, 'role', role, 'organisationIds', to_jsonb(organisation_ids),
            'expiresAt', \(SQLInstant.render("expires_at")), 'revokedAt', \(SQLInstant.render("revoked_at")),
            'lastUsedAt', \(SQLInstant.render("last_used_at")), 'createdAt', \(SQLInstant.render("created_at"))))::text AS json
        """)

    static func insert(
        _ connection: Connection, name: String, role: String, organisationIDs: [UUID], secret: String, expiresAt: Date
    ) async throws -> Row {
        try await decodeRow(connection.query("""
            INSERT INTO api_tokens (name, role, organisation_ids, secret_hash, expires_at)
            VALUES (\(name), \(role), \(organisationIDs), sha256(convert_to(\(secret), 'UTF8')), \(expiresAt))
            RETURNING \(representation)
            """).first!)
    }

    /// Revokes the token if it is not revoked yet; nil when nothing changed (unknown or already revoked).
    static func revoke(_ connection: Connection, id: UUID) async throws -> Row? {
        try await connection.query("""
            UPDATE api_tokens SET revoked_at = clock_timestamp() WHERE id = \(id) AND revoked_at IS NULL
            RETURNING \(representation)
            """).first.map(decodeRow)
    }

    static func exists(_ connection: Connection, id: UUID) async throws -> Bool {
        try await !connection.query("SELECT 1 AS one FROM api_tokens WHERE id = \(id)").isEmpty
    }

    static func list(_ connection: Connection, after seq: Int64, limit: Int) async throws -> [Row] {
        try await connection.keysetPage(
            of: .apiTokens, "SELECT \(representation) FROM api_tokens WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)", fetching: limit
        ).map(decodeRow)
    }

    static func decodeRow(_ row: Database.Row) throws -> Row {
        Row(id: try row.decode(UUID.self, column: "id"), json: try row.decode(String.self, column: "json"),
            seq: try row.decode(Int64.self, column: "seq"))
    }
}
