import Database
import Foundation
import HTTPTypes

/// Turns an `Authorization: Bearer …` header into a principal; every failure looks the same to the caller.
struct Authenticator: Sendable {
    let pool: DatabasePool
    let adminToken: String?
    let rateLimiter: RateLimiter
    /// Counts failures for the audit trail (one event per minute window, not one per request).
    let failures: AuthFailureLog?
    /// Look-ups of secrets that arrive together share one statement (every request makes one).
    private let tokens: ReadCoalescer<String, Token>

    /// A live token, as a look-up finds it.
    struct Token: Sendable {
        let principal: Principal
        /// Its last use was recorded more than a minute ago (or never): this use is recorded.
        let lastUseStale: Bool
    }

    init(pool: DatabasePool, adminToken: String?, rateLimiter: RateLimiter, failures: AuthFailureLog? = nil) {
        self.pool = pool
        self.adminToken = adminToken
        self.rateLimiter = rateLimiter
        self.failures = failures
        // One batch in flight per loop, as for proposals (`ProposalService.reads`).
        tokens = ReadCoalescer(batchesPerLoop: 1, maxBatch: 16) { secrets in
            try await pool.withConnection { connection in try await Self.find(connection, secrets: secrets) }
        }
    }

    /// The live tokens among these secrets, found by their SHA-256 (computed by PostgreSQL). One parameter
    /// per secret, so that PostgreSQL keeps one plan per count (see `ProposalRepository.findAll`).
    static func find(_ connection: Connection, secrets: [String]) async throws -> [String: Token] {
        let values = secrets.map { "(\($0)::text)" as SQL }.joined(separator: ", ")
        var found: [String: Token] = [:]
        for row in try await connection.query("""
            SELECT k.secret, t.id, t.role, t.organisation_ids,
                (t.last_used_at IS NULL OR t.last_used_at < now() - interval '60 seconds') AS stale
            FROM (VALUES \(values)) AS k (secret) JOIN api_tokens t ON t.secret_hash = sha256(convert_to(k.secret, 'UTF8'))
            WHERE t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
            """) {
            guard let role = Principal.Role(rawValue: try row.decode(String.self, column: "role")) else { continue }
            found[try row.decode(String.self, column: "secret")] = Token(
                principal: Principal(
                    tokenID: try row.decode(UUID.self, column: "id"), role: role,
                    organisationIDs: try row.decode([UUID].self, column: "organisation_ids")),
                lastUseStale: try row.decode(Bool.self, column: "stale"))
        }
        return found
    }

    static let unauthorized = Problem(
        .unauthorized, detail: .bearerTokenRequired, headers: [.wwwAuthenticate: "Bearer"])

    func authenticate(_ header: String?) async throws -> Principal {
        guard let secret = Self.bearerSecret(header) else {
            await failures?.record(header == nil ? .missing : .invalid)
            throw Self.unauthorized
        }
        if let adminToken, Self.constantTimeEqual(secret, adminToken) {
            return Principal(tokenID: nil, role: .admin)
        }
        let token = try await tokens.read(secret)
        if let token, token.lastUseStale, let id = token.principal.tokenID {
            // About once a minute per token: when it was last used, for the secretariat's list of tokens.
            try await pool.withConnection { connection in
                try await connection.execute(
                    "UPDATE api_tokens SET last_used_at = now() WHERE id = \(id)"
                        + " AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')")
            }
        }
        let principal = token?.principal
        guard let principal else {
            await failures?.record(.invalid)
            throw Self.unauthorized
        }
        return principal
    }

    /// Per-credential rate limit.
    func admit(_ principal: Principal) throws(Problem) {
        if let wait = rateLimiter.take(principal.actorKey) {
            throw Problem(
                .tooManyRequests, detail: .tooManyRequests(retryAfter: wait),
                headers: [.retryAfter: String(wait)])
        }
    }

    static func bearerSecret(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        // Blanks around the secret are tolerated; the rest must be visible ASCII.
        let blank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var secret = parts[1].utf8[...]
        while let first = secret.first, blank(first) { secret = secret.dropFirst() }
        while let last = secret.last, blank(last) { secret = secret.dropLast() }
        guard (16...512).contains(secret.count), secret.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { return nil }
        return String(Substring(secret))
    }

    /// Compares without stopping at the first difference, so timing does not reveal a matching prefix.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}
