import ConvocaAPI
import Database
import Foundation
import Rules

/// The submission lifecycle: draft → submitted (with a receipt, frozen) → withdrawn.
struct ProposalService: Sendable {
    let pool: DatabasePool
    let audit: AuditLog
    let now: @Sendable () -> Date
    /// Reads by id of callers that may see every proposal, answered together while others are in flight.
    let reads: ReadCoalescer<UUID, ProposalRepository.Row>

    init(pool: DatabasePool, audit: AuditLog, now: @escaping @Sendable () -> Date) {
        self.pool = pool
        self.audit = audit
        self.now = now
        // One batch in flight per loop: reads that arrive meanwhile wait for the next one, and share it. Measured
        // under load (GET by id, 16 connections): 2.1 reads a statement, against 1.3 with two batches per loop.
        reads = ReadCoalescer(batchesPerLoop: 1, maxBatch: 16) { ids in
            try await pool.withConnection { connection in try await ProposalRepository.findAll(connection, ids: ids) }
        }
    }

    typealias Proposal = Components.Schemas.Proposal
    typealias Input = Components.Schemas.ProposalInput

    /// A proposal as answered: the text PostgreSQL rendered (cut to the caller's view), the value it decodes to,
    /// and the entity tag of that text.
    struct Rendered: Sendable {
        let json: String
        let proposal: Proposal
        let tag: String

        init(json: String, for principal: Principal) throws {
            self.json = try ProposalService.view(json, for: principal)
            proposal = try Representation.decode(Proposal.self, from: self.json)
            tag = ProposalService.entityTag(version: proposal.version, for: principal)
        }
    }

    func create(callReference: String, _ input: Input, idempotencyKey: String?) async throws -> Rendered {
        let answer = try await createAnswer(callReference: callReference, input, idempotencyKey: idempotencyKey)
        return try Rendered(json: answer.body, for: Principal.current)
    }

    /// Creates a draft (or replays the answer to the same idempotent request): the status and the
    /// stored representation as PostgreSQL rendered it.
    func createAnswer(callReference: String, _ input: Input, idempotencyKey: String?) async throws -> IdempotentRequest.Answer {
        let actor = AuditActor.current
        let principal = try Principal.current
        let input = Self.canonical(input)
        let document = try Representation.json(input)
        // A new draft has no documents yet: any letter of support it names is not one of its own.
        let namesLetters = !Self.unattachedDocuments(input, attached: []).isEmpty
        let faults = ProposalValidation.faults(input, document: document)
        guard faults.isEmpty else {
            // The refusal also names the references that do not hold: every bad field at once.
            let wrong = try await pool.withConnection { connection in try await Self.wrongReferences(connection, nil, input) }
            throw Problem.validation(faults + wrong)
        }
        let lead = UUID(exactly: input.leadOrganisationId)!
        guard principal.actsFor(organisation: lead) else {
            throw Problem(.forbidden, detail: .credentialNotForLead,
                          errors: [.init(pointer: "/leadOrganisationId", detail: .notAnOrganisationYouActFor)])
        }
        let request = try IdempotentRequest(
            key: idempotencyKey, principal: principal, operation: "createProposal",
            target: "/v1/calls/\(callReference)/proposals", body: document)
        let organisations = Self.organisationIDs(input)
        return try await request.run(pool) { connection in
            if namesLetters {
                // Refused whatever else holds: the organisations are looked up apart, so that the refusal
                // names every reference that does not hold, not only the letters.
                guard try await CallRepository.id(connection, callReference) != nil else {
                    throw Problem.notFound(.noSuch(.call, callReference))
                }
                throw Problem.validation(try await Self.wrongReferences(connection, nil, input))
            }
            // One round trip: the call and the organisations are looked up by the INSERT itself.
            let row: ProposalRepository.Row
            switch try await ProposalRepository.insertIfReferencesExist(
                connection, callReference: callReference, organisationIDs: organisations,
                Self.columns(input, document: document))
            {
            case .noCall:
                throw Problem.notFound(.noSuch(.call, callReference))
            case .missingOrganisations(let existing):
                let missing = Self.missingOrganisations(input, existing: existing)
                guard missing.isEmpty else { throw Problem.validation(missing) }
                // Each was found when counted apart: one vanished in between; refuse as missing.
                throw Problem.validation([.init(pointer: "/leadOrganisationId", detail: .notARegisteredOrganisation)])
            case .created(let created):
                row = created
            }
            try await audit.record(connection, actor: actor, action: "proposal.created", entity: "proposal",
                             id: row.id.lowercasedString, changes: .created(row.json))
            return .init(status: 201, body: row.json)
        }
    }

    func get(_ id: String) async throws -> Rendered {
        try Rendered(json: try await stored(id).json, for: Principal.current)
    }

    /// The stored representation as PostgreSQL renders it, cut to the caller's view, and its entity tag
    /// (the fast read path sends it as is).
    func representation(_ id: String) async throws -> (json: String, tag: String) {
        let principal = try Principal.current
        let row = try await stored(id)
        return (try Self.view(row.json, for: principal), Self.entityTag(version: row.version, for: principal))
    }

    private func stored(_ id: String) async throws -> ProposalRepository.Row {
        let visibility = try Self.visibility()
        guard let uuid = UUID(exactly: id) else { throw Problem.notFound(.noSuch(.proposal, id)) }
        let row: ProposalRepository.Row?
        if visibility.organisationIDs == nil, !visibility.none {
            // Every proposal is visible to the caller: the read may share a statement with others.
            row = try await reads.read(uuid)
        } else {
            row = try await pool.withConnection { connection in
                try await ProposalRepository.find(connection, id: uuid, visibility: visibility)
            }
        }
        guard let row else { throw Problem.notFound(.noSuch(.proposal, id)) }
        return row
    }

    func list(filter: ProposalRepository.Filter, page request: PageRequest) async throws -> (items: [Proposal], next: String?) {
        let page = try await representations(filter: filter, page: request)
        return (try page.items.map { try Representation.decode(Proposal.self, from: $0) }, page.next)
    }

    /// A page of stored representations as PostgreSQL renders them.
    func representations(filter: ProposalRepository.Filter, page request: PageRequest) async throws -> (items: [String], next: String?) {
        let visibility = try Self.visibility()
        let after = try request.after()
        let limit = try request.limit()
        let rows = try await pool.withSettledPage { connection in
            try await ProposalRepository.list(connection, filter: filter, visibility: visibility, after: after, limit: limit + 1)
        }
        let (page, next) = try request.page(rows, limit: limit) { row in row.seq }
        let principal = try Principal.current
        return (try page.map { try Self.view($0.json, for: principal) }, next)
    }

    /// What this caller may see of a proposal: reporting tools get no personal contact data, so the
    /// project lead (a person with an e-mail the contract requires) is left out for them.
    static func view(_ json: String, for principal: Principal) throws -> String {
        guard viewName(for: principal) != nil else { return json }
        guard case .object(var fields) = try JSONValue(parsing: Array(json.utf8)) else { return json }
        fields.removeValue(forKey: "projectLead")
        return JSONValue.object(fields).jsonText
    }

    /// The name of the cut-down view this caller gets, nil for the whole record.
    static func viewName(for principal: Principal) -> String? { principal.role == .reporting ? "no-lead" : nil }

    /// The strong tag of the representation this caller gets of a version: another view, another tag.
    static func entityTag(version: Int, for principal: Principal) -> String {
        EntityTag.of(version: version, view: viewName(for: principal))
    }

    func update(_ id: String, patch: JSONValue, preconditions: EntityTag.Preconditions) async throws -> Rendered {
        let actor = AuditActor.current
        let principal = try Principal.current
        let visibility = try Self.visibility()
        guard let uuid = UUID(exactly: id) else { throw Problem.notFound(.noSuch(.proposal, id)) }
        let json = try await pool.withTransaction { connection in
            let current = try await Self.lockForChange(connection, uuid, visibility: visibility, principal: principal)
            guard current.status == "draft" else {
                throw Problem(.conflict, detail: .onlyDraftsChange(status: current.status))
            }
            try preconditions.requireForChange(
                current: Self.entityTag(version: current.version, for: principal), ifMatchRequired: true)
            // A patch that changes nothing is no change: same version, no audit event.
            guard let patched = try Representation.decodePatched(
                Input.self, schema: "ProposalInput", patch: patch,
                onto: try Representation.inputPart(of: current.json, serviceKeys: Self.serviceKeys), now: now(), canonical: Self.canonical)
            else { return current.json }
            let input = Self.canonical(patched)
            let faults = ProposalValidation.faults(input)
            guard faults.isEmpty else {
                // The refusal also names the references that do not hold: every bad field at once.
                throw Problem.validation(faults + (try await Self.wrongReferences(connection, uuid, input)))
            }
            if let lead = UUID(exactly: input.leadOrganisationId), !principal.actsFor(organisation: lead) {
                throw Problem(.forbidden, detail: .credentialNotForLead,
                              errors: [.init(pointer: "/leadOrganisationId", detail: .notAnOrganisationYouActFor)])
            }
            let wrong = try await Self.wrongReferences(connection, uuid, input)
            guard wrong.isEmpty else { throw Problem.validation(wrong) }
            let row = try await ProposalRepository.update(
                connection, id: uuid, Self.columns(input, document: try Representation.json(input)))
            try await audit.record(connection, actor: actor, action: "proposal.updated", entity: "proposal",
                             id: uuid.lowercasedString, changes: .updated(before: current.json, after: row.json))
            return row.json
        }
        return try Rendered(json: json, for: principal)
    }

    func submit(_ id: String, idempotencyKey: String?, preconditions: EntityTag.Preconditions) async throws -> Rendered {
        let submitter = try Principal.current
        return try await transition(
            id, operation: "submitProposal", action: "submit", idempotencyKey: idempotencyKey, preconditions: preconditions,
            requireState: { current throws(Problem) in
                guard current.status == "draft" else { throw Problem(.conflict, detail: .onlyDraftsSubmit(status: current.status)) }
            }
        ) { connection, current, uuid, instant, actor in
            guard let (callID, callRow) = try await CallRepository.find(connection, current.callID.uuidString, forUpdate: true) else {
                throw Problem.notFound(.noCallForProposal(id))
            }
            let call = try Representation.decode(Components.Schemas.Call.self, from: callRow.json)
            let input = try Representation.decode(
                Input.self, from: try Representation.inputPart(of: current.json, serviceKeys: Self.serviceKeys).jsonText)
            var reasons = ProposalValidation.completeness(input, call: call, submittedAt: instant)
            reasons += Self.unattachedDocuments(input, attached: try await Self.attachedDocuments(connection, uuid, input))
            // The call's rules are evaluated even when fields are missing: the refusal lists every reason at once.
            let (failedRules, rulesetVersion) = try await SubmissionRules.failures(
                connection, proposal: try Representation.decode(Proposal.self, from: current.json), call: call, callID: callID,
                at: instant, submitter: submitter)
            guard reasons.isEmpty, failedRules.isEmpty else {
                if reasons.isEmpty, let rulesetVersion {
                    throw Problem(.unprocessable, detail: .submissionRulesFailed(failedRules.count, rulesetVersion: rulesetVersion),
                                  errors: failedRules)
                }
                throw Problem(.unprocessable, detail: .cannotSubmit(reasons: reasons.count + failedRules.count), errors: reasons + failedRules)
            }
            let sequence = try await connection.query("""
                UPDATE calls SET last_receipt = last_receipt + 1 WHERE id = \(callID) RETURNING last_receipt
                """).first!.decode(Int.self, column: "last_receipt")
            let number = call.code + "-" + String(repeating: "0", count: max(0, 6 - String(sequence).count)) + String(sequence)
            let row = try await ProposalRepository.markSubmitted(
                connection, id: uuid, receipt: number, at: instant, rulesetVersion: rulesetVersion)
            try await audit.record(connection, actor: actor, action: "proposal.submitted", entity: "proposal", id: uuid.lowercasedString,
                             changes: .fields(["status": (old: "draft", new: "submitted"), "receipt": (old: .null, new: .string(number)),
                                               "rulesetVersion": (old: .null, new: rulesetVersion.map { .number(Double($0)) } ?? .null)]))
            return row.json
        }
    }

    func withdraw(_ id: String, idempotencyKey: String?, preconditions: EntityTag.Preconditions) async throws -> Rendered {
        try await transition(
            id, operation: "withdrawProposal", action: "withdraw", idempotencyKey: idempotencyKey, preconditions: preconditions,
            requireState: { current throws(Problem) in
                guard current.status == "draft" || current.status == "submitted" else {
                    throw Problem(.conflict, detail: .cannotWithdraw(status: current.status))
                }
            }
        ) { connection, current, uuid, instant, actor in
            let row = try await ProposalRepository.markWithdrawn(connection, id: uuid, at: instant)
            try await audit.record(connection, actor: actor, action: "proposal.withdrawn", entity: "proposal", id: uuid.lowercasedString,
                             changes: .fields(["status": (old: .string(current.status), new: "withdrawn")]))
            return row.json
        }
    }

    /// A state change of one proposal: locked, checked for who may change it, for its state and for the
    /// request's preconditions (under the lock, so no change slips in between), done in one transaction with
    /// its audit event, replayed for a repeated Idempotency-Key. `change` returns the new representation.
    private func transition(
        _ id: String, operation: String, action: String, idempotencyKey: String?, preconditions: EntityTag.Preconditions,
        requireState: @escaping @Sendable (ProposalRepository.Row) throws(Problem) -> Void,
        _ change: @escaping @Sendable (Connection, ProposalRepository.Row, UUID, Date, AuditActor) async throws -> String
    ) async throws -> Rendered {
        let actor = AuditActor.current
        let principal = try Principal.current
        let visibility = try Self.visibility()
        guard let uuid = UUID(exactly: id) else { throw Problem.notFound(.noSuch(.proposal, id)) }
        let request = try IdempotentRequest(
            key: idempotencyKey, principal: principal, operation: operation, target: "/v1/proposals/\(id)/\(action)", body: "")
        let now = self.now
        let answer = try await request.run(pool) { connection in
            let current = try await Self.lockForChange(connection, uuid, visibility: visibility, principal: principal)
            try requireState(current)
            try preconditions.requireForChange(
                current: Self.entityTag(version: current.version, for: principal), ifMatchRequired: false)
            // The instant is taken once the proposal is locked: a change that waited for the lock (an upload
            // committing meanwhile, or the deadline passing) is judged at the moment it happens.
            let instant = now()
            return await .init(status: 200, body: try change(connection, current, uuid, instant, actor))
        }
        return try Rendered(json: answer.body, for: principal)
    }

    // MARK: - Access

    /// Which proposals the caller may see at all (object-level access; others answer 404).
    static func visibility() throws(Problem) -> ProposalRepository.Visibility {
        let principal = try Principal.current
        switch principal.role {
        case .admin, .platform, .reporting: return .init(organisationIDs: nil)
        case .applicant: return .init(organisationIDs: principal.organisationIDs)
        // Reviewers see what is assigned to them; assignments arrive with the review work.
        case .reviewer, .finance: return .init(organisationIDs: nil, none: true)
        }
    }

    /// The proposal, locked, if the caller may change it: visible ones it cannot change answer 403.
    static func lockForChange(_ connection: Connection, _ id: UUID, visibility: ProposalRepository.Visibility,
                              principal: Principal) async throws -> ProposalRepository.Row {
        guard let row = try await ProposalRepository.find(connection, id: id, visibility: visibility, forUpdate: true) else {
            throw Problem.notFound(.noSuch(.proposal, id.lowercasedString))
        }
        guard principal.actsFor(organisation: row.leadOrganisationID) else {
            throw Problem(.forbidden, detail: .onlyLeadChangesProposal)
        }
        return row
    }

    /// Ids as the service writes them (lower case), however the client wrote them: the stored document,
    /// filters and comparisons then see one spelling.
    static func canonical(_ input: Input) -> Input {
        var input = input
        input.leadOrganisationId = input.leadOrganisationId.lowercased()
        input.partners = input.partners?.map { partner in
            var partner = partner
            partner.organisationId = partner.organisationId.lowercased()
            return partner
        }
        input.stakeholderSupport = input.stakeholderSupport?.map { support in
            var support = support
            support.documentId = support.documentId?.lowercased()
            return support
        }
        return input
    }

    /// The ids of this proposal's documents, when the input names any (one query only then).
    static func attachedDocuments(_ connection: Connection, _ id: UUID, _ input: Input) async throws -> Set<UUID> {
        guard (input.stakeholderSupport ?? []).contains(where: { $0.documentId != nil }) else { return [] }
        return Set(try await connection.query("SELECT id FROM proposal_documents WHERE proposal_id = \(id)")
            .map { try $0.decode(UUID.self, column: "id") })
    }

    /// A letter of support names a document of this proposal, never another's (nor one that does not exist).
    static func unattachedDocuments(_ input: Input, attached: Set<UUID>) -> [Problem.FieldError] {
        (input.stakeholderSupport ?? []).enumerated().compactMap { index, support in
            guard let documentID = support.documentId, let uuid = UUID(exactly: documentID), !attached.contains(uuid) else { return nil }
            return .init(pointer: "/stakeholderSupport/\(index)/documentId", detail: .notADocumentOfThisProposal)
        }
    }

    /// The lead's and partners' ids (validated as UUIDs before this is called).
    static func organisationIDs(_ input: Input) -> [UUID] {
        ([input.leadOrganisationId] + (input.partners ?? []).map(\.organisationId)).compactMap(UUID.init(exactly:))
    }

    /// Every reference of a proposal that does not hold: organisations that are not registered and letters
    /// of support naming documents not attached to it (`id` nil: a proposal not yet stored, which has none).
    static func wrongReferences(_ connection: Connection, _ id: UUID?, _ input: Input) async throws -> [Problem.FieldError] {
        let existing = try await OrganisationRepository.existing(connection, ids: organisationIDs(input))
        var attached: Set<UUID> = []
        if let id { attached = try await attachedDocuments(connection, id, input) }
        return missingOrganisations(input, existing: existing) + unattachedDocuments(input, attached: attached)
    }

    /// The organisations a proposal names that are not registered, with a pointer to each (an id that is
    /// not a UUID is named for that by validation, not again here).
    static func missingOrganisations(_ input: Input, existing: Set<UUID>) -> [Problem.FieldError] {
        let named = [("/leadOrganisationId", input.leadOrganisationId)]
            + (input.partners ?? []).enumerated().map { ("/partners/\($0)/organisationId", $1.organisationId) }
        return named.compactMap { pointer, id in
            guard let uuid = UUID(exactly: id), !existing.contains(uuid) else { return nil }
            return .init(pointer: pointer, detail: .notARegisteredOrganisation)
        }
    }

    static func columns(_ input: Input, document: String) -> ProposalRepository.Columns {
        .init(
            document: document, leadOrganisationID: UUID(exactly: input.leadOrganisationId)!,
            language: input.language?.rawValue, countries: input.countries ?? [], questionIDs: input.questionIds ?? [],
            solutionTypeIDs: input.solutionTypeIds ?? [], targetGroups: input.targetGroups ?? [],
            partnerIDs: (input.partners ?? []).compactMap { UUID(exactly: $0.organisationId) })
    }

    /// What a stored proposal adds to its input document.
    static let serviceKeys = Representation.bookkeeping.union(["callId", "status", "receipt", "rulesetVersion"])
}
