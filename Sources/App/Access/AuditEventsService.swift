import ConvocaAPI
import Database
import Foundation

/// Reading the audit trail (admins only; the contract says so). Paged by the event id, oldest first.
struct AuditEventsService: Sendable {
    let pool: DatabasePool

    typealias Event = Components.Schemas.AuditEvent

    struct Filter: Sendable {
        var entityType: String?
        var entityID: String?
        var actorTokenID: String?
        var action: String?
        var occurredFrom: Date?
        var occurredTo: Date?
    }

    func list(filter: Filter, page request: PageRequest) async throws -> (items: [Event], next: String?) {
        var actor: UUID?
        if let text = filter.actorTokenID {
            guard let id = UUID(exactly: text) else {
                throw Problem.validation([.init(pointer: "actorTokenId", detail: .notAUUID)])
            }
            actor = id
        }
        let after = try request.after()
        let limit = try request.limit()
        let rows = try await pool.withSettledPage { [actor] connection in
            try await AuditEventsRepository.list(connection, filter: filter, actor: actor, after: after, limit: limit + 1)
        }
        let (page, next) = try request.page(rows, limit: limit) { row in row.id }
        return (try page.map { try Representation.decode(Event.self, from: $0.json) }, next)
    }
}

/// SQL for the audit trail: PostgreSQL assembles each event's representation.
enum AuditEventsRepository {
    struct Row: Sendable {
        var id: Int64
        var json: String
    }

    static let representation = SQL(unsafeRaw: """
        id, jsonb_build_object(
            'id', id, 'occurredAt', \(SQLInstant.render("occurred_at")),
            'actor', jsonb_strip_nulls(jsonb_build_object('tokenId', actor_token_id, 'role', actor_role)),
            'action', action, 'entity', jsonb_build_object('type', entity_type, 'id', entity_id),
            'changes', changes, 'requestId', request_id)::text AS json
        """)

    static func list(
        _ connection: Connection, filter: AuditEventsService.Filter, actor: UUID?, after id: Int64, limit: Int
    ) async throws -> [Row] {
        var sql: SQL = "SELECT \(representation) FROM audit_events WHERE id > \(id)"
        if let entityType = filter.entityType { sql += " AND entity_type = \(entityType)" }
        // Ids are stored in lower case and read in either, as everywhere else.
        if let entityID = filter.entityID { sql += " AND entity_id = \(UUID(exactly: entityID) == nil ? entityID : entityID.lowercased())" }
        if let actor { sql += " AND actor_token_id = \(actor)" }
        if let action = filter.action { sql += " AND action = \(action)" }
        if let from = filter.occurredFrom { sql += " AND occurred_at >= \(from)" }
        if let to = filter.occurredTo { sql += " AND occurred_at < \(to)" }
        sql += " ORDER BY id LIMIT \(limit)"
        return try await connection.keysetPage(of: .auditEvents, sql, fetching: limit).map { row in
            Row(id: try row.decode(Int64.self, column: "id"), json: try row.decode(String.self, column: "json"))
        }
    }
}
