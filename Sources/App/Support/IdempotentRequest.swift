import Database
import Foundation

/// POSTs that carry an `Idempotency-Key`: the work and the record of its answer commit together, so a
/// repeat (even one racing the first) replays the stored answer instead of doing the work again.
struct IdempotentRequest: Sendable {
    /// An answer as stored: its status, JSON body, and the language of its texts when it has any.
    struct Answer: Sendable {
        var status: Int
        var body: String
        var language: Language?
    }

    static let retention = "24 hours"

    let key: String?
    let principal: String
    let operation: String
    /// What identifies "the same request": operation, target and body, hashed by PostgreSQL.
    let fingerprint: String
    /// A raw body (an uploaded document), hashed after `fingerprint`; empty for JSON requests.
    let content: Data

    /// `key` is the header as the generated stubs decoded it; the key is the header as it arrived, so
    /// that `%` is a character of it like any other.
    init(key decoded: String?, principal: Principal, operation: String, target: String, body: String, content: Data = Data()) throws(Problem) {
        let key = RequestScope.raw(.idempotencyKey, else: decoded)
        if let key {
            guard (1...200).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7e })
            else {
                throw Problem.validation([.init(pointer: "Idempotency-Key", detail: .idempotencyKeyFormat)])
            }
        }
        self.key = key
        self.principal = principal.actorKey
        self.operation = operation
        self.fingerprint = operation + "\n" + target + "\n" + body
        self.content = key == nil ? Data() : content
    }

    /// Runs `work` in a transaction (or replays its first answer).
    ///
    /// Creations and state changes are reads and writes by key, so their statements reuse generic
    /// plans: the draft INSERT (organisations found by `id = ANY($n)`) was planned anew on every
    /// run otherwise, a quarter of PostgreSQL's time per creation.
    func run(_ pool: DatabasePool, _ work: @escaping @Sendable (Connection) async throws -> Answer) async throws -> Answer {
        guard let key else { return try await pool.withTransaction(plans: .generic) { try await work($0) } }
        let principal = self.principal, operation = self.operation, fingerprint = self.fingerprint, content = self.content
        return try await pool.withTransaction(plans: .generic) { connection in
            // Queued: it travels with BEGIN and the claim below in one round trip.
            try await connection.queue("""
                DELETE FROM idempotency_keys
                WHERE principal = \(principal) AND key = \(key) AND created_at < now() - \(Self.retention)::interval
                """)
            // A racing twin blocks here until the first commits, then finds the row taken.
            let claimed = try await connection.query("""
                INSERT INTO idempotency_keys (principal, key, operation, request_hash, status, body)
                VALUES (\(principal), \(key), \(operation), encode(sha256(convert_to(\(fingerprint), 'UTF8') || \(content)), 'hex'), 0, '')
                ON CONFLICT (principal, key) DO NOTHING
                RETURNING 1
                """)
            if claimed.count == 1 {
                let answer = try await work(connection)
                try await connection.queue("""
                    UPDATE idempotency_keys
                    SET status = \(answer.status), body = convert_to(\(answer.body), 'UTF8'), language = \(answer.language?.rawValue)
                    WHERE principal = \(principal) AND key = \(key)
                    """)
                return answer
            }
            let rows = try await connection.query("""
                SELECT request_hash = encode(sha256(convert_to(\(fingerprint), 'UTF8') || \(content)), 'hex') AS same,
                       status, convert_from(body, 'UTF8') AS body, language
                FROM idempotency_keys WHERE principal = \(principal) AND key = \(key)
                """)
            guard let row = rows.first else { throw Problem(.conflict, detail: .idempotencyKeyInUse) }
            guard try row.decode(Bool.self, column: "same") else {
                throw Problem(
                    .unprocessable,
                    detail: .idempotencyKeyReused,
                    errors: [.init(pointer: "Idempotency-Key", detail: .idempotencyKeyUsedElsewhere)])
            }
            return Answer(
                status: try row.decode(Int.self, column: "status"), body: try row.decode(String.self, column: "body"),
                language: try row.decode(String?.self, column: "language").flatMap(Language.init(rawValue:)))
        }
    }
}
