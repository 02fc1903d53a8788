import ConvocaAPI
import Database
import Foundation
import Rules

/// Calls are data: admins define and change them, every authenticated caller reads them.
struct CallService: Sendable {
    let pool: DatabasePool
    let audit: AuditLog

    typealias Call = Components.Schemas.Call

    func create(_ input: Components.Schemas.CallInput, idempotencyKey: String?) async throws -> Call {
        let actor = AuditActor.current
        try CallValidation.validate(input)
        let principal = try Principal.current
        let definition = try Representation.json(input)
        let request = try IdempotentRequest(
            key: idempotencyKey, principal: principal, operation: "createCall", target: "/v1/calls", body: definition)
        let answer = try await request.run(pool) { connection in
            let row = try await CallRepository.insert(connection, code: input.code, definition: definition, deadline: input.deadline)
            let call = try Representation.decode(Call.self, from: row.json)
            try await audit.record(connection, actor: actor, action: "call.created", entity: "call", id: call.id, changes: .created(row.json))
            return .init(status: 201, body: row.json)
        }
        return try Representation.decode(Call.self, from: answer.body)
    }

    func get(_ reference: String) async throws -> Call {
        let found = try await pool.withConnection { connection in try await CallRepository.find(connection, reference) }
        guard let found else { throw Problem.notFound(.noSuch(.call, reference)) }
        return try Representation.decode(Call.self, from: found.row.json)
    }

    func list(cursor: String?, limit: Int?) async throws -> (items: [Call], next: String?) {
        let after = try PageCursor.decode(cursor)
        let limit = try PageCursor.limit(limit)
        let rows = try await pool.withConnection { connection in
            try await CallRepository.list(connection, after: after, limit: limit + 1)
        }
        let (page, next) = PageCursor.page(rows, limit: limit) { row in row.seq }
        return (try page.map { try Representation.decode(Call.self, from: $0.json) }, next)
    }

    func update(_ reference: String, patch: JSONValue, ifMatch: String?) async throws -> Call {
        let actor = AuditActor.current
        _ = try Principal.current
        let json = try await pool.withTransaction { connection in
            guard let (id, current) = try await CallRepository.find(connection, reference, forUpdate: true) else {
                throw Problem.notFound(.noSuch(.call, reference))
            }
            try EntityTag.requireMatch(ifMatch, version: current.version)
            let input = try Representation.decodePatched(
                Components.Schemas.CallInput.self, schema: "CallInput", patch: patch, onto: try Representation.inputPart(of: current.json))
            try CallValidation.validate(input)
            let definition = try Representation.json(input)
            let row = try await CallRepository.update(
                connection, id: id, code: input.code, definition: definition, deadline: input.deadline)
            try await audit.record(
                connection, actor: actor, action: "call.updated", entity: "call", id: id.uuidString.lowercased(),
                changes: .updated(before: current.json, after: row.json))
            return row.json
        }
        return try Representation.decode(Call.self, from: json)
    }
}
