import Database
import Foundation

/// SQL for calls. The API representation is assembled by PostgreSQL from the stored definition.
enum CallRepository {
    /// The representation, its position for paging, and its version.
    struct Row: Sendable {
        var json: String
        var seq: Int64
        var version: Int
    }

    static let representation = SQL(unsafeRaw: """
        (definition || jsonb_build_object('id', id, 'version', version,
            'createdAt', \(SQLInstant.render("created_at")), 'updatedAt', \(SQLInstant.render("updated_at"))))::text AS json,
        seq, version
        """)

    static func insert(_ connection: Connection, code: String, definition: String, deadline: Date) async throws -> Row {
        do {
            return try await one(connection.query("""
                INSERT INTO calls (code, definition, deadline) VALUES (\(code), \(JSONB(definition)), \(deadline))
                RETURNING \(representation)
                """))!
        } catch let error as DatabaseError where error.isUniqueViolation {
            throw Problem(.conflict, detail: .callCodeExists(code), errors: [.init(pointer: "/code", detail: .isTaken)])
        }
    }

    static func update(_ connection: Connection, id: UUID, code: String, definition: String, deadline: Date) async throws -> Row {
        do {
            return try await one(connection.query("""
                UPDATE calls SET code = \(code), definition = \(JSONB(definition)), deadline = \(deadline)
                WHERE id = \(id) RETURNING \(representation)
                """))!
        } catch let error as DatabaseError where error.isUniqueViolation {
            throw Problem(.conflict, detail: .callCodeExists(code), errors: [.init(pointer: "/code", detail: .isTaken)])
        }
    }

    /// How `forUpdate` locks a call for the rest of the transaction: against other changes (receipt
    /// numbers, ruleset versions, the definition), not against the creation of proposals in it, whose
    /// reference (a foreign key check, FOR KEY SHARE) needs only the row to stay. FOR UPDATE made every
    /// creation in a call wait for its submissions, and them for it. An UPDATE that changes the code
    /// (a key) takes the stronger lock itself.
    static let changeLock = SQL(unsafeRaw: "FOR NO KEY UPDATE")

    /// By id or by code; `forUpdate` locks the row (`changeLock`) for the rest of the transaction.
    static func find(_ connection: Connection, _ reference: String, forUpdate: Bool = false) async throws -> (id: UUID, row: Row)? {
        let lock = forUpdate ? changeLock : ""
        let filter: SQL = UUID(exactly: reference).map { "id = \($0)" } ?? "code = \(reference)"
        let rows = try await connection.query("SELECT id, \(representation) FROM calls WHERE \(filter) \(lock)")
        guard let row = rows.first else { return nil }
        return (try row.decode(UUID.self, column: "id"), try decodeRow(row))
    }

    /// Only the id, by id or by code (for callers that do not need the definition; it is large).
    static func id(_ connection: Connection, _ reference: String, forUpdate: Bool = false) async throws -> UUID? {
        let lock = forUpdate ? changeLock : ""
        let filter: SQL = UUID(exactly: reference).map { "id = \($0)" } ?? "code = \(reference)"
        return try await connection.query("SELECT id FROM calls WHERE \(filter) \(lock)").first?.decode(UUID.self, column: "id")
    }

    static func list(_ connection: Connection, after seq: Int64, limit: Int) async throws -> [Row] {
        try await connection.keysetPage(
            of: .calls, "SELECT \(representation) FROM calls WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)", fetching: limit
        ).map(decodeRow)
    }

    static func decodeRow(_ row: Database.Row) throws -> Row {
        Row(json: try row.decode(String.self, column: "json"), seq: try row.decode(Int64.self, column: "seq"),
            version: try row.decode(Int.self, column: "version"))
    }

    private static func one(_ result: QueryResult) throws -> Row? {
        try result.first.map(decodeRow)
    }
}
