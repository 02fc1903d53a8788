import Crypto
import Database
import Foundation
import Synchronization

/// The key that seals list cursors (`PageRequest`), kept in the database (`service_secrets`) so that
/// every instance serving it, before and after a restart, reads the cursors any of them issued. The
/// first server that needs it makes it; each process reads it once.
final class CursorKey: Sendable {
    private let pool: DatabasePool
    private let cached = Mutex<SymmetricKey?>(nil)

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func current() async throws -> SymmetricKey {
        if let key = cached.withLock({ $0 }) { return key }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        // Two servers starting together may both propose one: the first stored wins, and both read it.
        let stored = try await pool.withConnection { connection in
            try await connection.query("""
                WITH proposed AS (
                    INSERT INTO service_secrets (name, secret) VALUES ('cursor', \(fresh))
                    ON CONFLICT (name) DO NOTHING RETURNING secret)
                SELECT secret FROM proposed UNION ALL SELECT secret FROM service_secrets WHERE name = 'cursor'
                """).first!.decode(Data.self, column: "secret")
        }
        let key = SymmetricKey(data: stored)
        cached.withLock { $0 = key }
        return key
    }
}
