import ConvocaAPI
import Database
import Foundation
import Rules

/// Applicant organisations: who may see and change which, and what each role may see of them.
struct OrganisationService: Sendable {
    /// As many organisations as an applicant token may act for (`TokenInput.organisationIds`' `maxItems`).
    static let maxOrganisationsPerToken = 100

    let pool: DatabasePool
    let audit: AuditLog
    let now: @Sendable () -> Date

    typealias Organisation = Components.Schemas.Organisation
    typealias Input = Components.Schemas.OrganisationInput

    func create(_ input: Input, idempotencyKey: String?) async throws -> Organisation {
        let actor = AuditActor.current
        let principal = try Principal.current
        if input.dueDiligence != nil && principal.role != .admin {
            throw Problem(.forbidden, detail: .onlySecretariatSetsDueDiligence,
                          errors: [.init(pointer: "/dueDiligence", detail: .mayNotBeSetByThisRole)])
        }
        try OrganisationValidation.validate(
            input, today: now(), dueDiligence: input.dueDiligence.map { .init(previous: nil, givenNote: $0.note) })
        let document = try Representation.json(input)
        let request = try IdempotentRequest(
            key: idempotencyKey, principal: principal, operation: "createOrganisation", target: "/v1/organisations",
            body: document)
        let answer = try await request.run(pool) { connection in
            let row = try await OrganisationRepository.insert(
                connection, document: document, legalName: input.legalName, kind: input.kind.rawValue,
                nonProfit: input.nonProfit, country: input.country,
                dueDiligence: input.dueDiligence?.status.rawValue ?? "pending", registration: Self.registration(input))
            if principal.role == .applicant, let tokenID = principal.tokenID {
                // An applicant acts for the organisations it registers, up to as many as a token may be issued
                // for: a credential gaining reach is audited on it, with the one organisation it gained.
                let grown = try await connection.query("""
                    UPDATE api_tokens SET organisation_ids = array_append(organisation_ids, \(row.id))
                    WHERE id = \(tokenID) AND cardinality(organisation_ids) < \(Self.maxOrganisationsPerToken)
                    RETURNING id
                    """)
                guard !grown.isEmpty else {
                    throw Problem(.conflict, detail: .credentialActsForTooMany(Self.maxOrganisationsPerToken))
                }
                try await audit.record(
                    connection, actor: actor, action: "token.organisation_added", entity: "token", id: tokenID.lowercasedString,
                    changes: .fields(["organisationId": (old: .null, new: .string(row.id.lowercasedString))]))
            }
            try await audit.record(connection, actor: actor, action: "organisation.created", entity: "organisation",
                             id: row.id.lowercasedString, changes: .created(row.json))
            return .init(status: 201, body: row.json)
        }
        return try view(answer.body, for: principal)
    }

    func get(_ id: String) async throws -> Organisation {
        let principal = try Principal.current
        guard let uuid = UUID(exactly: id), principal.mayRead(organisation: uuid) else {
            throw Problem.notFound(.noSuch(.organisation, id))
        }
        let row = try await pool.withConnection { connection in try await OrganisationRepository.find(connection, id: uuid) }
        guard let row else { throw Problem.notFound(.noSuch(.organisation, id)) }
        return try view(row, for: principal)
    }

    /// Filtering on a field sorts records by it: a role that may not see due diligence may not filter on it,
    /// whatever the value it gives (so a bad value is a 403 for it too, not a 400 listing the statuses).
    static func requireDueDiligenceFilter(by principal: Principal) throws(Problem) {
        guard principal.seesDueDiligence else {
            throw Problem(.forbidden, detail: .dueDiligenceNotFor(role: principal.role.rawValue),
                          errors: [.init(pointer: "dueDiligence", detail: .mayNotBeUsedByThisRole)])
        }
    }

    func list(filter: OrganisationRepository.Filter, page request: PageRequest) async throws -> (items: [Organisation], next: String?) {
        let principal = try Principal.current
        if filter.dueDiligence != nil { try Self.requireDueDiligenceFilter(by: principal) }
        var filter = filter
        if !principal.readsAll { filter.onlyIDs = principal.organisationIDs }
        filter.updatedSinceWithoutDueDiligence = !principal.seesDueDiligence
        let after = try request.after()
        let limit = try request.limit()
        let rows = try await pool.withSettledPage { [filter] connection in
            try await OrganisationRepository.list(connection, filter: filter, after: after, limit: limit + 1)
        }
        let (page, next) = try request.page(rows, limit: limit) { row in row.seq }
        return (try page.map { try view($0, for: principal) }, next)
    }

    func update(_ id: String, patch: JSONValue, preconditions: EntityTag.Preconditions) async throws -> Organisation {
        let actor = AuditActor.current
        let principal = try Principal.current
        guard let uuid = UUID(exactly: id), principal.actsFor(organisation: uuid) else {
            if let uuid = UUID(exactly: id), principal.readsAll || principal.organisationIDs.contains(uuid) {
                throw Problem(.forbidden, detail: .roleMayNotChangeOrganisations(principal.role.rawValue))
            }
            throw Problem.notFound(.noSuch(.organisation, id))
        }
        if case .object(let fields) = patch, fields["dueDiligence"] != nil, principal.role != .admin {
            throw Problem(.forbidden, detail: .onlySecretariatSetsDueDiligence,
                          errors: [.init(pointer: "/dueDiligence", detail: .mayNotBeSetByThisRole)])
        }
        let today = now()
        let row = try await pool.withTransaction { connection in
            guard let current = try await OrganisationRepository.find(connection, id: uuid, forUpdate: true) else {
                throw Problem.notFound(.noSuch(.organisation, id))
            }
            try preconditions.requireForChange(
                current: Self.entityTag(of: current, for: principal), ifMatchRequired: true)
            let previous = try Representation.inputPart(of: current.json)
            // A patch that changes nothing is no change: same version, no audit event.
            guard var input = try Representation.decodePatched(Input.self, schema: "OrganisationInput", patch: patch, onto: previous, now: today)
            else { return current }
            let merged = MergePatch.apply(patch, to: previous)
            try OrganisationValidation.validate(input, today: today, dueDiligence: Self.dueDiligenceChange(patch, previous: previous))
            if principal.role != .admin, input.dueDiligence?.status == .cleared, Self.changesVouchedFields(from: previous, to: merged) {
                // The clearance was for the record as it was; the audit event shows it reopened (its note stays there).
                input.dueDiligence = .init(status: .pending)
            }
            let row = try await OrganisationRepository.update(
                connection, id: uuid, document: try Representation.json(input), legalName: input.legalName,
                kind: input.kind.rawValue, nonProfit: input.nonProfit, country: input.country,
                dueDiligence: input.dueDiligence?.status.rawValue ?? "pending", registration: Self.registration(input))
            try await audit.record(connection, actor: actor, action: "organisation.updated", entity: "organisation",
                             id: uuid.lowercasedString, changes: .updated(before: current.json, after: row.json))
            return row
        }
        return try view(row, for: principal)
    }

    static func registration(_ input: Input) -> OrganisationRepository.Registration? {
        input.registration.map { ($0.country, $0.number) }
    }

    /// What a patch does to due diligence, when it names it (only the secretariat's may).
    static func dueDiligenceChange(_ patch: JSONValue, previous: JSONValue) -> OrganisationValidation.DueDiligenceChange? {
        guard case .object(let fields) = patch, let given = fields["dueDiligence"] else { return nil }
        var change = OrganisationValidation.DueDiligenceChange()
        if case .object(let before) = previous, case .object(let stored)? = before["dueDiligence"],
            case .string(let status)? = stored["status"]
        {
            change.previous = .init(rawValue: status)
            if case .string(let note)? = stored["note"] { change.previousNote = note }
        }
        if case .object(let members) = given, case .string(let note)? = members["note"] { change.givenNote = note }
        return change
    }

    /// What due diligence checks of an organisation: who it is, and what makes it eligible. A clearance no longer
    /// holds when one of them changes.
    static let vouchedFields = ["legalName", "kind", "nonProfit", "registration", "foundedOn", "contractualCapacity", "country"]

    static func changesVouchedFields(from previous: JSONValue, to merged: JSONValue) -> Bool {
        guard case .object(let before) = previous, case .object(let after) = merged else { return true }
        return vouchedFields.contains { before[$0] != after[$0] }
    }

    /// The name of the cut-down view this caller gets (`view`), nil for the whole record.
    static func viewName(for principal: Principal) -> String? {
        switch principal.role {
        case .admin: nil
        case .reporting: "no-contacts"
        default: "no-due-diligence"
        }
    }

    /// The strong tag of the representation this caller gets of a version: another view, another tag.
    static func entityTag(version: Int, for principal: Principal) -> String {
        EntityTag.of(version: version, view: viewName(for: principal))
    }

    static func entityTag(of organisation: Organisation) throws -> String {
        entityTag(version: organisation.version, for: try Principal.current)
    }

    /// The tag of the stored record as this caller sees it.
    static func entityTag(of row: OrganisationRepository.Row, for principal: Principal) -> String {
        entityTag(version: principal.seesDueDiligence ? row.version : row.publicVersion, for: principal)
    }

    /// What this caller may see of a stored record: without due diligence, its version and last change are
    /// those of the rest of the record.
    func view(_ row: OrganisationRepository.Row, for principal: Principal) throws -> Organisation {
        try view(row.json, for: principal, withoutDueDiligence: (row.publicVersion, row.publicUpdatedAt))
    }

    /// What this caller may see of an organisation (property-level access).
    /// `withoutDueDiligence`: the version and last change of the record without its due diligence, which the
    /// view without it shows (nil where they are the record's own: a record just created).
    func view(_ json: String, for principal: Principal, withoutDueDiligence: (version: Int, updatedAt: String)? = nil) throws -> Organisation {
        var value = try JSONValue(parsing: Array(json.utf8))
        if case .object(var fields) = value {
            // The cut follows the view's name, so that each view has its own tag.
            switch Self.viewName(for: principal) {
            case nil:
                break
            case "no-contacts":
                // Reporting tools see due-diligence outcomes but no personal contact data.
                fields.removeValue(forKey: "contacts")
                fields.removeValue(forKey: "references")
                if case .object(var dueDiligence)? = fields["dueDiligence"] {
                    dueDiligence.removeValue(forKey: "note")
                    fields["dueDiligence"] = .object(dueDiligence)
                }
            default:
                fields.removeValue(forKey: "dueDiligence")
                if let (version, updatedAt) = withoutDueDiligence {
                    fields["version"] = .number(Double(version))
                    fields["updatedAt"] = .string(updatedAt)
                }
            }
            value = .object(fields)
        }
        return try Representation.decode(Organisation.self, from: value.jsonText)
    }
}
