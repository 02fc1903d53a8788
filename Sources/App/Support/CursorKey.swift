import Crypto
import Database
import Foundation
import Synchronization

/// The keys that seal list cursors (`PageRequest`): one for the cipher, one that derives each cursor's
/// nonce from what it seals (so the same page always gets the same cursor).
struct CursorKeys: Sendable {
    let cipher: SymmetricKey
    let nonce: SymmetricKey

    /// Both derived (HKDF-SHA256) from the one secret kept.
    init(secret: SymmetricKey) {
        cipher = HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, info: Data("convoca cursor cipher".utf8), outputByteCount: 32)
        nonce = HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, info: Data("convoca cursor nonce".utf8), outputByteCount: 32)
    }
}

/// The secret that list cursors are sealed with, kept in the database (`service_secrets`) so that
/// every instance serving it, before and after a restart, reads the cursors any of them issued. The
/// first server that needs it makes it; each process reads it once.
final class CursorKey: Sendable {
    private let pool: DatabasePool
    private let cached = Mutex<CursorKeys?>(nil)

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func current() async throws -> CursorKeys {
        if let key = cached.withLock({ $0 }) { return key }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let stored = try await pool.withConnection { connection -> Data in
            let proposed = try await connection.query("""
                INSERT INTO service_secrets (name, secret) VALUES ('cursor', \(fresh))
                ON CONFLICT (name) DO NOTHING RETURNING secret
                """)
            if let row = proposed.first { return try row.decode(Data.self, column: "secret") }
            // One is stored already (or another server stored one while this statement waited for it,
            // which its snapshot could not see): a statement of its own reads it.
            guard let row = try await connection.query("SELECT secret FROM service_secrets WHERE name = 'cursor'").first
            else { throw Problem(.internalError) }
            return try row.decode(Data.self, column: "secret")
        }
        let keys = CursorKeys(secret: SymmetricKey(data: stored))
        cached.withLock { $0 = keys }
        return keys
    }
}
