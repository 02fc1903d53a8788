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

    func list(page request: PageRequest) async throws -> (items: [Call], next: String?) {
        let after = try request.after()
        let limit = try request.limit()
        let rows = try await pool.withSettledPage { connection in
            try await CallRepository.list(connection, after: after, limit: limit + 1)
        }
        let (page, next) = try request.page(rows, limit: limit) { row in row.seq }
        return (try page.map { try Representation.decode(Call.self, from: $0.json) }, next)
    }

    func update(_ reference: String, patch: JSONValue, preconditions: EntityTag.Preconditions) async throws -> Call {
        let actor = AuditActor.current
        _ = try Principal.current
        let json = try await pool.withTransaction { connection in
            guard let (id, current) = try await CallRepository.find(connection, reference, forUpdate: true) else {
                throw Problem.notFound(.noSuch(.call, reference))
            }
            try preconditions.requireForChange(current: EntityTag.of(version: current.version), ifMatchRequired: true)
            let before = try Representation.inputPart(of: current.json)
            // A patch that changes nothing is no change: same version, no audit event.
            guard let input = try Representation.decodePatched(
                Components.Schemas.CallInput.self, schema: "CallInput", patch: patch, onto: before, now: Date())
            else { return current.json }
            try CallValidation.validate(input)
            try await Self.requireSubmissionsStillHold(
                connection, callID: id, from: try Representation.decode(Components.Schemas.CallInput.self, from: before.jsonText), to: input)
            let definition = try Representation.json(input)
            let row = try await CallRepository.update(
                connection, id: id, code: input.code, definition: definition, deadline: input.deadline)
            try await audit.record(
                connection, actor: actor, action: "call.updated", entity: "call", id: id.lowercasedString,
                changes: .updated(before: current.json, after: row.json))
            return row.json
        }
        return try Representation.decode(Call.self, from: json)
    }

    /// Proposals submitted to a call were checked against it: a change may not take away what they
    /// use (question, solution type, target group, country, language, stage, the lead's kind), move the window so that they
    /// fall outside it, or change the code their receipts carry. Refused with 409, a pointer for each.
    static func requireSubmissionsStillHold(
        _ connection: Connection, callID: UUID, from old: Components.Schemas.CallInput, to new: Components.Schemas.CallInput
    ) async throws {
        func removed(_ old: [String], _ new: [String]) -> Set<String> { Set(old).subtracting(new) }
        let dropped: [(pointer: String, column: String, values: Set<String>)] = [
            ("/questions", "questions", removed(old.questions.map(\.id), new.questions.map(\.id))),
            ("/solutionTypes", "solution_types", removed(old.solutionTypes.map(\.id), new.solutionTypes.map(\.id))),
            ("/targetGroups", "target_groups", removed(old.targetGroups.map(\.id), new.targetGroups.map(\.id))),
            ("/eligibleCountries", "countries", removed(old.eligibleCountries, new.eligibleCountries)),
            ("/languages", "languages", removed(old.languages.map(\.rawValue), new.languages.map(\.rawValue))),
            // Absent means "any": only a list that was given and loses a value can take one away.
            ("/stages", "stages", removed((old.stages ?? Components.Schemas.Stage.allCases).map(\.rawValue),
                                          (new.stages ?? Components.Schemas.Stage.allCases).map(\.rawValue))),
            ("/organisationKinds", "kinds", removed((old.organisationKinds ?? Components.Schemas.OrganisationKind.allCases).map(\.rawValue),
                                                    (new.organisationKinds ?? Components.Schemas.OrganisationKind.allCases).map(\.rawValue))),
        ]
        guard old.code != new.code || old.deadline != new.deadline || old.opensAt != new.opensAt
            || dropped.contains(where: { !$0.values.isEmpty })
        else { return }
        let row = try await connection.query("""
            WITH submitted AS (SELECT * FROM proposals WHERE call_id = \(callID) AND status = 'submitted')
            SELECT (SELECT count(*) FROM proposals WHERE call_id = \(callID) AND receipt_number IS NOT NULL) AS receipts,
                   ARRAY(SELECT DISTINCT unnest(question_ids) FROM submitted) AS questions,
                   ARRAY(SELECT DISTINCT unnest(solution_type_ids) FROM submitted) AS solution_types,
                   ARRAY(SELECT DISTINCT unnest(target_groups) FROM submitted) AS target_groups,
                   ARRAY(SELECT DISTINCT unnest(countries) FROM submitted) AS countries,
                   ARRAY(SELECT DISTINCT language FROM submitted WHERE language IS NOT NULL) AS languages,
                   ARRAY(SELECT DISTINCT document->>'stage' FROM submitted WHERE document->>'stage' IS NOT NULL) AS stages,
                   ARRAY(SELECT DISTINCT o.kind FROM submitted JOIN organisations o ON o.id = submitted.lead_organisation_id) AS kinds,
                   (SELECT min(submitted_at) FROM submitted) AS earliest, (SELECT max(submitted_at) FROM submitted) AS latest
            """).first!
        var errors: [Problem.FieldError] = []
        if old.code != new.code, try row.decode(Int.self, column: "receipts") > 0 {
            errors.append(.init(pointer: "/code", detail: .codeHasReceipts))
        }
        for (pointer, column, values) in dropped where !values.isEmpty {
            let used = values.intersection(try row.decode([String].self, column: column))
            if !used.isEmpty { errors.append(.init(pointer: pointer, detail: .stillUsedBySubmissions(Array(used)))) }
        }
        if let latest = try row.decode(Date?.self, column: "latest"), new.deadline <= latest {
            errors.append(.init(pointer: "/deadline", detail: .mustStayAfterSubmissions(Representation.instant(latest))))
        }
        if let earliest = try row.decode(Date?.self, column: "earliest"), new.opensAt > earliest {
            errors.append(.init(pointer: "/opensAt", detail: .mustStayBeforeSubmissions(Representation.instant(earliest))))
        }
        guard errors.isEmpty else { throw Problem(.conflict, detail: .callChangeBreaksSubmissions, errors: errors) }
    }
}
