import ConvocaAPI
import Database
import Foundation
import Rules

/// Issuing, listing and revoking API tokens. A secret exists in clear only in the answer that issues it.
struct TokensService: Sendable {
    let pool: DatabasePool
    let audit: AuditLog
    let now: @Sendable () -> Date

    typealias Token = Components.Schemas.Token
    typealias Input = Components.Schemas.TokenInput

    /// Every secret starts with this, so that leaked ones are easy to recognise (e.g. by secret scanners).
    static let secretPrefix = "cvk_"

    func issue(_ input: Input) async throws -> Components.Schemas.IssuedToken {
        let actor = AuditActor.current
        try Self.validate(input, now: now())
        let role = input.role.rawValue
        let ids = (input.organisationIds ?? []).compactMap(UUID.init(exactly:))

        let secret = Self.newSecret()
        let row = try await pool.withTransaction { [ids] connection in
            let existing = try await OrganisationRepository.existing(connection, ids: ids)
            var v = Validator()
            for (index, id) in ids.enumerated() where !existing.contains(id) {
                v.fail("/organisationIds/\(index)", .notARegisteredOrganisation)
            }
            try v.throwIfInvalid()
            let row = try await TokensRepository.insert(
                connection, name: input.name, role: role, organisationIDs: ids, secret: secret, expiresAt: input.expiresAt)
            // The representation holds no secret; `AuditLog` would redact a `token` field anyway.
            try await audit.record(connection, actor: actor, action: "token.issued", entity: "token",
                             id: row.id.lowercasedString, changes: .created(row.json))
            return row
        }
        let token = try Representation.decode(Token.self, from: row.json)
        return .init(
            id: token.id, name: token.name, role: token.role, organisationIds: token.organisationIds,
            expiresAt: token.expiresAt ?? input.expiresAt, createdAt: token.createdAt, token: secret)
    }

    func list(page request: PageRequest) async throws -> (items: [Token], next: String?) {
        let after = try request.after()
        let limit = try request.limit()
        let rows = try await pool.withSettledPage { connection in
            try await TokensRepository.list(connection, after: after, limit: limit + 1)
        }
        let (page, next) = try request.page(rows, limit: limit) { row in row.seq }
        return (try page.map { try Representation.decode(Token.self, from: $0.json) }, next)
    }

    /// What a token request must hold beyond the contract's shapes.
    static func validate(_ input: Input, now: Date) throws(Problem) {
        var v = Validator()
        v.text(input.name, "/name", required: true, max: 200)
        let given = input.organisationIds ?? []
        var ids: [UUID] = []
        for (index, text) in given.enumerated() {
            if let id = UUID(exactly: text) { ids.append(id) } else { v.fail("/organisationIds/\(index)", .notAUUID) }
        }
        v.unique(ids, "/organisationIds", what: .organisation)
        if input.role == .applicant {
            v.check(!given.isEmpty, "/organisationIds", .applicantTokenNeedsOrganisation)
        } else {
            v.check(given.isEmpty, "/organisationIds", .mustBeEmpty(forRole: input.role.rawValue))
        }
        v.check(input.expiresAt > now, "/expiresAt", .mustBeInFuture)
        ContractConstraints.shared.check(input, schema: "TokenInput", into: &v)
        try v.throwIfInvalid()
    }

    /// Revokes a token at once (the next request with it answers 401); revoking it again changes nothing.
    func revoke(_ id: String) async throws {
        let actor = AuditActor.current
        guard let uuid = UUID(exactly: id) else { throw Problem.notFound(.noSuch(.token, id)) }
        try await pool.withTransaction { connection in
            guard let row = try await TokensRepository.revoke(connection, id: uuid) else {
                if try await TokensRepository.exists(connection, id: uuid) { return }
                throw Problem.notFound(.noSuch(.token, id))
            }
            let revokedAt = try Self.field("revokedAt", of: row.json)
            try await audit.record(connection, actor: actor, action: "token.revoked", entity: "token", id: uuid.lowercasedString,
                             changes: .fields(["revokedAt": (old: .null, new: revokedAt)]))
        }
    }

    /// `cvk_` and 256 bits from the system's cryptographically secure generator, in base64url without padding.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return secretPrefix + base64
    }

    private static func field(_ name: String, of json: String) throws -> JSONValue {
        guard case .object(let fields) = try JSONValue(parsing: Array(json.utf8)) else { return .null }
        return fields[name] ?? .null
    }
}
