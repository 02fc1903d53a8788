import Database
import Logging
import ServiceLifecycle

/// Removes Idempotency-Key records past their retention, so the table holds about a day of POSTs.
struct IdempotencyKeyPurge: Service {
    let pool: DatabasePool
    let logger: Logger
    var interval: Duration = .seconds(3600)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { break }
            do {
                let removed = try await purgeOnce()
                if removed > 0 { logger.debug("expired idempotency keys removed", metadata: ["count": "\(removed)"]) }
            } catch {
                // The next round tries again; a database hiccup is no reason to stop the service.
                logger.warning("idempotency key purge failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One pass: every key older than the retention goes.
    @discardableResult
    func purgeOnce() async throws -> Int {
        try await pool.withConnection { connection in
            try await connection.execute("""
                DELETE FROM idempotency_keys WHERE created_at < now() - \(IdempotentRequest.retention)::interval
                """)
        }
    }
}
