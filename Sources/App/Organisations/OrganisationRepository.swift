import Database
import Foundation

/// SQL for organisations; the stored document is the API input, the representation adds what the service keeps.
enum OrganisationRepository {
    struct Row: Sendable {
        var id: UUID
        var json: String
        var seq: Int64
        var version: Int
        /// The version and last change of the record without its due diligence (`sql/0009`): what roles that
        /// may not see due diligence are shown, so that the secretariat's work on it does not show through.
        var publicVersion: Int
        var publicUpdatedAt: String
    }

    static let representation = SQL(unsafeRaw: """
        id, (document || jsonb_build_object('id', id, 'version', version,
            'createdAt', \(SQLInstant.render("created_at")), 'updatedAt', \(SQLInstant.render("updated_at"))))::text AS json,
        seq, version, public_version, \(SQLInstant.render("public_updated_at")) AS public_updated_at
        """)

    struct Filter: Sendable {
        var kind: String?
        var country: String?
        var dueDiligence: String?
        var updatedSince: Date?
        /// Whether `updatedSince` reads the last change of the record without its due diligence.
        var updatedSinceWithoutDueDiligence = false
        /// nil: every organisation; otherwise only these.
        var onlyIDs: [UUID]?
    }

    /// The registration a document names, for the refusal of a second organisation under it.
    typealias Registration = (country: String, number: String)

    static func insert(_ connection: Connection, document: String, legalName: String, kind: String, nonProfit: Bool,
                       country: String, dueDiligence: String, registration: Registration?) async throws -> Row {
        try await refusingTakenRegistration(registration) {
            try await decodeRow(connection.query("""
                INSERT INTO organisations (legal_name, kind, non_profit, country, due_diligence, document)
                VALUES (\(legalName), \(kind), \(nonProfit), \(country), \(dueDiligence), \(JSONB(document)))
                RETURNING \(representation)
                """).first!)
        }
    }

    static func update(_ connection: Connection, id: UUID, document: String, legalName: String, kind: String,
                       nonProfit: Bool, country: String, dueDiligence: String, registration: Registration?) async throws -> Row {
        try await refusingTakenRegistration(registration) {
            try await decodeRow(connection.query("""
                UPDATE organisations SET legal_name = \(legalName), kind = \(kind), non_profit = \(nonProfit),
                    country = \(country), due_diligence = \(dueDiligence), document = \(JSONB(document)),
                    registration_duplicate = registration_duplicate
                        AND registration_key IS NOT DISTINCT FROM organisation_registration_key(\(JSONB(document)))
                WHERE id = \(id) RETURNING \(representation)
                """).first!)
        }
    }

    /// One organisation per national registration (the unique index of `sql/0007`): a second is a 409.
    private static func refusingTakenRegistration(_ registration: Registration?, _ write: () async throws -> Row) async throws -> Row {
        do {
            return try await write()
        } catch let error as DatabaseError where error.isUniqueViolation && error.constraint == "organisations_registration" {
            throw Problem(
                .conflict, detail: .registrationTaken(country: registration?.country ?? "", number: registration?.number ?? ""),
                errors: [.init(pointer: "/registration/number", detail: .isTaken)])
        }
    }

    static func find(_ connection: Connection, id: UUID, forUpdate: Bool = false) async throws -> Row? {
        let lock = SQL(unsafeRaw: forUpdate ? "FOR UPDATE" : "")
        return try await connection.query("SELECT \(representation) FROM organisations WHERE id = \(id) \(lock)")
            .first.map(decodeRow)
    }

    /// Which of these ids exist.
    static func existing(_ connection: Connection, ids: [UUID]) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        return Set(try await connection.query("SELECT id FROM organisations WHERE id = ANY(\(ids))").map {
            try $0.decode(UUID.self, column: "id")
        })
    }

    static func list(_ connection: Connection, filter: Filter, after seq: Int64, limit: Int) async throws -> [Row] {
        var sql: SQL = "SELECT \(representation) FROM organisations WHERE seq > \(seq)"
        if let kind = filter.kind { sql += " AND kind = \(kind)" }
        if let country = filter.country { sql += " AND country = \(country)" }
        if let dueDiligence = filter.dueDiligence { sql += " AND due_diligence = \(dueDiligence)" }
        if let since = filter.updatedSince {
            sql += filter.updatedSinceWithoutDueDiligence ? " AND public_updated_at >= \(since)" : " AND updated_at >= \(since)"
        }
        if let ids = filter.onlyIDs { sql += " AND id = ANY(\(ids))" }
        sql += " ORDER BY seq LIMIT \(limit)"
        return try await connection.keysetPage(of: .organisations, sql, fetching: limit).map(decodeRow)
    }

    static func decodeRow(_ row: Database.Row) throws -> Row {
        Row(id: try row.decode(UUID.self, column: "id"), json: try row.decode(String.self, column: "json"),
            seq: try row.decode(Int64.self, column: "seq"), version: try row.decode(Int.self, column: "version"),
            publicVersion: try row.decode(Int.self, column: "public_version"),
            publicUpdatedAt: try row.decode(String.self, column: "public_updated_at"))
    }
}
