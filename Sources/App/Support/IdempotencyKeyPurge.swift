import Database
import Logging
import ServiceLifecycle

/// Removes Idempotency-Key records past their retention, so the table holds about a day of POSTs.
struct IdempotencyKeyPurge: Service {
    let pool: DatabasePool
    let logger: Logger
    var interval: Duration = .seconds(3600)
    /// Keys removed per statement: each statement stays short (well inside the statement timeout,
    /// and never holding many row locks), however many keys a busy day left.
    var batchSize = 10_000

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

    /// One pass: every key older than the retention goes, `batchSize` at a time, oldest first.
    @discardableResult
    func purgeOnce() async throws -> Int {
        var removed = 0
        while true {
            let batch = try await pool.withConnection { connection in
                try await connection.execute("""
                    DELETE FROM idempotency_keys WHERE (principal, key) IN (
                        SELECT principal, key FROM idempotency_keys
                        WHERE created_at < now() - \(IdempotentRequest.retention)::interval
                        ORDER BY created_at LIMIT \(batchSize))
                    """)
            }
            removed += batch
            if batch < batchSize { return removed }
        }
    }
}
