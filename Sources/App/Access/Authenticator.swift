import Database
import Foundation
import HTTPTypes

/// Turns an `Authorization: Bearer …` header into a principal; every failure looks the same to the caller.
struct Authenticator: Sendable {
    let pool: DatabasePool
    let adminToken: String?
    let rateLimiter: RateLimiter
    /// Counts failures for the audit trail (one event per minute window, not one per request).
    var failures: AuthFailureLog? = nil

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
        let principal = try await pool.withConnection { connection -> Principal? in
            let rows = try await connection.query("""
                WITH found AS (
                    SELECT id, role, organisation_ids, last_used_at FROM api_tokens
                    WHERE secret_hash = sha256(convert_to(\(secret), 'UTF8'))
                      AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
                ), touched AS (
                    UPDATE api_tokens SET last_used_at = now()
                    WHERE id IN (SELECT id FROM found WHERE last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')
                )
                SELECT id, role, organisation_ids FROM found
                """)
            guard let row = rows.first, let role = Principal.Role(rawValue: try row.decode(String.self, column: "role"))
            else { return nil }
            return Principal(
                tokenID: try row.decode(UUID.self, column: "id"), role: role,
                organisationIDs: try row.decode([UUID].self, column: "organisation_ids"))
        }
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
