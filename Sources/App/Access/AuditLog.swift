import Database
import Foundation
import Rules

/// Who made a change, captured in the request's task before work moves to a database thread
/// (task-local values do not follow it there).
struct AuditActor: Sendable {
    var principal: Principal?
    var requestID: String?

    static var current: AuditActor { AuditActor(principal: RequestScope.principal, requestID: RequestScope.requestID) }
    static let system = AuditActor(principal: nil, requestID: nil)
}

/// Writes one audit event per change, in the transaction of the change itself.
struct AuditLog: Sendable {
    enum Changes {
        case created(String)
        case updated(before: String, after: String)
        case fields([String: (old: JSONValue, new: JSONValue)])
    }

    /// Fields never copied into the audit trail.
    static let redacted: Set<String> = ["token", "secret", "bytes", "content"]
    /// Bookkeeping that changes on every write and says nothing about the change.
    static let ignored: Set<String> = ["version", "updatedAt", "createdAt"]

    func record(
        _ connection: Connection, actor: AuditActor, action: String, entity: String, id: String, changes: Changes
    ) async throws {
        let diff = try Self.diff(changes)
        // Nobody reads its result: it travels with the next statement or the COMMIT, and its
        // failure fails the transaction it records.
        try await connection.queue("""
            INSERT INTO audit_events (actor_token_id, actor_role, action, entity_type, entity_id, changes, request_id)
            VALUES (\(actor.principal?.tokenID), \(actor.principal?.role.rawValue ?? "system"), \(action), \(entity), \(id),
                    \(JSONB(diff.jsonText)), \(actor.requestID))
            """)
    }

    /// `{field: {"old": …, "new": …}}` for the top-level fields that differ.
    static func diff(_ changes: Changes) throws -> JSONValue {
        var before: [String: JSONValue] = [:]
        var after: [String: JSONValue] = [:]
        switch changes {
        case .fields(let fields):
            return .object(fields.filter { !redacted.contains($0.key) }.mapValues {
                .object(["old": $0.old, "new": $0.new])
            })
        case .created(let json):
            if case .object(let fields) = try JSONValue(parsing: Array(json.utf8)) { after = fields }
        case .updated(let old, let new):
            if case .object(let fields) = try JSONValue(parsing: Array(old.utf8)) { before = fields }
            if case .object(let fields) = try JSONValue(parsing: Array(new.utf8)) { after = fields }
        }
        var result: [String: JSONValue] = [:]
        for key in Set(before.keys).union(after.keys) where !ignored.contains(key) && !redacted.contains(key) {
            let old = before[key] ?? .null, new = after[key] ?? .null
            if old != new { result[key] = .object(["old": old, "new": new]) }
        }
        return .object(result)
    }
}
