import Database
import Foundation

/// SQL for proposals; the stored document is the API input, the representation adds status and receipt.
enum ProposalRepository {
    struct Row: Sendable {
        var id: UUID
        var json: String
        var seq: Int64
        var version: Int
        var status: String
        var callID: UUID
        var leadOrganisationID: UUID
    }

    /// The representation is rendered by PostgreSQL when the row is written (`render_proposal()` in
    /// sql/0006), so reads send stored text.
    static let representation = SQL(unsafeRaw: """
        id, call_id, lead_organisation_id, status, seq, version, representation AS json
        """)

    /// Who may see a proposal: nil is everyone; otherwise proposals led by or partnering these organisations.
    struct Visibility: Sendable {
        var organisationIDs: [UUID]?
        var none = false
    }

    struct Filter: Sendable {
        var callID: UUID?
        var status: String?
        var country: String?
        var language: String?
        var questionID: String?
        var solutionTypeID: String?
        var targetGroup: String?
        var leadOrganisationID: UUID?
        var updatedSince: Date?
    }

    struct Columns: Sendable {
        var document: String
        var leadOrganisationID: UUID
        var language: String?
        var countries: [String]
        var questionIDs: [String]
        var solutionTypeIDs: [String]
        var targetGroups: [String]
        var partnerIDs: [UUID]
    }

    enum Creation {
        case created(Row)
        case noCall
        /// Some organisation does not exist; these do.
        case missingOrganisations(existing: Set<UUID>)
    }

    /// Inserts a draft for the call with this id or code, only if the call and every organisation
    /// exist, and says which of those failed otherwise: one statement, one round trip.
    static func insertIfReferencesExist(
        _ connection: Connection, callReference: String, organisationIDs: [UUID], _ c: Columns
    ) async throws -> Creation {
        let callFilter: SQL = UUID(exactly: callReference).map { "id = \($0)" } ?? "code = \(callReference)"
        let expected = Set(organisationIDs).count
        let row = try await connection.query("""
            WITH target AS (SELECT id FROM calls WHERE \(callFilter)),
            known AS (SELECT id FROM organisations WHERE id = ANY(\(organisationIDs))),
            inserted AS (
                INSERT INTO proposals (call_id, lead_organisation_id, language, countries, question_ids, solution_type_ids,
                                       target_groups, partner_ids, document)
                SELECT target.id, \(c.leadOrganisationID), \(c.language), \(c.countries), \(c.questionIDs),
                       \(c.solutionTypeIDs), \(c.targetGroups), \(c.partnerIDs), \(JSONB(c.document))
                FROM target
                WHERE (SELECT count(*) FROM known) = \(expected)
                RETURNING \(representation)
            )
            SELECT (SELECT id FROM target) AS target_id, ARRAY(SELECT id FROM known) AS known_ids, inserted.*
            FROM (VALUES (1)) AS one LEFT JOIN inserted ON true
            """).first!
        guard try row.decode(UUID?.self, column: "target_id") != nil else { return .noCall }
        guard try row.decode(UUID?.self, column: "id") != nil else {
            return .missingOrganisations(existing: Set(try row.decode([UUID].self, column: "known_ids")))
        }
        return .created(try decodeRow(row))
    }

    static func update(_ connection: Connection, id: UUID, _ c: Columns) async throws -> Row {
        try await decodeRow(connection.query("""
            UPDATE proposals SET lead_organisation_id = \(c.leadOrganisationID), language = \(c.language),
                countries = \(c.countries), question_ids = \(c.questionIDs), solution_type_ids = \(c.solutionTypeIDs),
                target_groups = \(c.targetGroups), partner_ids = \(c.partnerIDs), document = \(JSONB(c.document))
            WHERE id = \(id) RETURNING \(representation)
            """).first!)
    }

    static func markSubmitted(_ connection: Connection, id: UUID, receipt: String, at instant: Date, rulesetVersion: Int? = nil)
        async throws -> Row
    {
        try await decodeRow(connection.query("""
            UPDATE proposals SET status = 'submitted', receipt_number = \(receipt), submitted_at = \(instant),
                ruleset_version = \(rulesetVersion)
            WHERE id = \(id) RETURNING \(representation)
            """).first!)
    }

    static func markWithdrawn(_ connection: Connection, id: UUID, at instant: Date) async throws -> Row {
        try await decodeRow(connection.query("""
            UPDATE proposals SET status = 'withdrawn', withdrawn_at = \(instant)
            WHERE id = \(id) RETURNING \(representation)
            """).first!)
    }

    static func find(_ connection: Connection, id: UUID, visibility: Visibility, forUpdate: Bool = false) async throws -> Row? {
        guard !visibility.none else { return nil }
        var sql: SQL = "SELECT \(representation) FROM proposals WHERE id = \(id)"
        sql += visible(visibility)
        if forUpdate { sql += " FOR UPDATE" }
        return try await connection.query(sql).first.map(decodeRow)
    }

    /// The proposals of these ids that exist, whoever may see them (for callers that may see every proposal).
    static func findAll(_ connection: Connection, ids: [UUID]) async throws -> [UUID: Row] {
        // One parameter per id, not `id = ANY($1)`: PostgreSQL prices a generic plan for an array as ten
        // elements, so it would plan every statement anew; with `IN ($1, …, $n)` it keeps one plan per count.
        let list = ids.map { "\($0)" as SQL }.joined(separator: ", ")
        var rows: [UUID: Row] = [:]
        for row in try await connection.query("SELECT \(representation) FROM proposals WHERE id IN (\(list))") {
            let decoded = try decodeRow(row)
            rows[decoded.id] = decoded
        }
        return rows
    }

    static func list(_ connection: Connection, filter f: Filter, visibility: Visibility, after seq: Int64, limit: Int) async throws -> [Row] {
        guard !visibility.none else { return [] }
        var sql: SQL = "SELECT \(representation) FROM proposals WHERE seq > \(seq)"
        sql += visible(visibility)
        if let v = f.callID { sql += " AND call_id = \(v)" }
        if let v = f.status { sql += " AND status = \(v)" }
        if let v = f.country { sql += " AND countries @> ARRAY[\(v)]::text[]" }
        if let v = f.language { sql += " AND language = \(v)" }
        if let v = f.questionID { sql += " AND question_ids @> ARRAY[\(v)]::text[]" }
        if let v = f.solutionTypeID { sql += " AND solution_type_ids @> ARRAY[\(v)]::text[]" }
        if let v = f.targetGroup { sql += " AND target_groups @> ARRAY[\(v)]::text[]" }
        if let v = f.leadOrganisationID { sql += " AND lead_organisation_id = \(v)" }
        if let v = f.updatedSince { sql += " AND updated_at >= \(v)" }
        sql += " ORDER BY seq LIMIT \(limit)"
        return try await connection.keysetPage(of: .proposals, sql, fetching: limit).map(decodeRow)
    }

    private static func visible(_ visibility: Visibility) -> SQL {
        guard let ids = visibility.organisationIDs else { return "" }
        return " AND (lead_organisation_id = ANY(\(ids)) OR partner_ids && \(ids))"
    }

    static func decodeRow(_ row: Database.Row) throws -> Row {
        Row(id: try row.decode(UUID.self, column: "id"), json: try row.decode(String.self, column: "json"),
            seq: try row.decode(Int64.self, column: "seq"), version: try row.decode(Int.self, column: "version"),
            status: try row.decode(String.self, column: "status"), callID: try row.decode(UUID.self, column: "call_id"),
            leadOrganisationID: try row.decode(UUID.self, column: "lead_organisation_id"))
    }
}
