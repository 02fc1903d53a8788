import Foundation

/// Who is calling: the credential's id, its role and, for applicants, the organisations it acts for.
public struct Principal: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable, Codable {
        case admin, applicant, platform, reviewer, finance, reporting
    }

    /// nil for the bootstrap admin token from the environment.
    public var tokenID: UUID?
    public var role: Role
    public var organisationIDs: [UUID]

    public init(tokenID: UUID?, role: Role, organisationIDs: [UUID] = []) {
        self.tokenID = tokenID
        self.role = role
        self.organisationIDs = organisationIDs
    }

    /// How audit records and idempotency keys name the caller.
    var actorKey: String { tokenID.map { "token:\($0.lowercasedString)" } ?? "admin-token" }

    /// Whether this caller acts for the organisation (admins and the platform act for every one).
    func actsFor(organisation id: UUID) -> Bool {
        switch role {
        case .admin, .platform: true
        case .applicant: organisationIDs.contains(id)
        case .reviewer, .finance, .reporting: false
        }
    }

    /// Roles that read every record of a kind (object-level scoping does not apply to them).
    var readsAll: Bool { role == .admin || role == .platform || role == .reporting }

    /// Whether this caller may read the organisation's record (`GET /v1/organisations/{id}`; others answer 404).
    func mayRead(organisation id: UUID) -> Bool { readsAll || actsFor(organisation: id) }

    /// Roles that see an organisation's due-diligence status: the secretariat, and reporting tools (without its
    /// note). Applicants, the platform and the others never learn it, from any answer.
    var seesDueDiligence: Bool { role == .admin || role == .reporting }
}

extension RequestScope {
    @TaskLocal public static var principal: Principal?
}

extension Principal {
    /// The caller of the current request; operations behind authentication always have one.
    static var current: Principal {
        get throws(Problem) {
            guard let principal = RequestScope.principal else {
                throw Authenticator.unauthorized
            }
            return principal
        }
    }
}
