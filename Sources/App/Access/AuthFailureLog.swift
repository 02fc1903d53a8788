import Database
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Failed authentications leave a trace in the audit trail without letting a caller cause one write per
/// request: failures are counted in memory per minute window (of the server clock) and each window that saw
/// any becomes one `auth.failed` event with the counts.
///
/// A window is written by the first failure after it ended, or by the background task (a `Service`) that
/// looks every few seconds, or at shutdown — whichever comes first; the window is taken out of memory under
/// the lock before it is written, so it is written once.
final class AuthFailureLog: Service, Sendable {
    enum Reason: Sendable {
        /// No `Authorization` header, or not a bearer token of plausible shape.
        case missing
        /// A bearer token that is unknown, expired or revoked.
        case invalid
    }

    struct Window: Sendable, Equatable {
        var start: Date
        var missing = 0
        var invalid = 0
        var total: Int { missing + invalid }
    }

    static let windowSeconds: TimeInterval = 60

    let pool: DatabasePool
    let now: @Sendable () -> Date
    let logger: Logger
    let tick: Duration
    private let current = Mutex<Window?>(nil)

    init(pool: DatabasePool, now: @escaping @Sendable () -> Date, logger: Logger, tick: Duration = .seconds(10)) {
        self.pool = pool
        self.now = now
        self.logger = logger
        self.tick = tick
    }

    static func windowStart(_ instant: Date) -> Date {
        Date(timeIntervalSince1970: (instant.timeIntervalSince1970 / windowSeconds).rounded(.down) * windowSeconds)
    }

    /// Counts one failure; writes the previous window if this failure opened a new one.
    func record(_ reason: Reason) async {
        let start = Self.windowStart(now())
        let finished = current.withLock { window -> Window? in
            var ended: Window?
            if let open = window, open.start != start {
                ended = open
                window = nil
            }
            var counting = window ?? Window(start: start)
            switch reason {
            case .missing: counting.missing += 1
            case .invalid: counting.invalid += 1
            }
            window = counting
            return ended
        }
        if let finished { await write(finished) }
    }

    /// Writes the counted window if it has ended (or, at shutdown, whatever has been counted).
    func flush(force: Bool = false) async {
        let start = Self.windowStart(now())
        let finished = current.withLock { window -> Window? in
            guard let open = window, force || open.start != start else { return nil }
            window = nil
            return open
        }
        if let finished { await write(finished) }
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.tick) }
            await flush()
        }
        await flush(force: true)
    }

    private func write(_ window: Window) async {
        let end = window.start.addingTimeInterval(Self.windowSeconds)
        let changes = """
            {"failures":\(window.total),"missingCredential":\(window.missing),"invalidCredential":\(window.invalid),\
            "windowStart":"\(Representation.instant(window.start))","windowEnd":"\(Representation.instant(end))"}
            """
        do {
            try await pool.withConnection { connection in
                try await connection.execute("""
                    INSERT INTO audit_events (actor_role, action, entity_type, entity_id, changes)
                    VALUES ('system', 'auth.failed', 'authentication', \(Representation.instant(window.start)), \(JSONB(changes)))
                    """)
            }
        } catch {
            logger.warning(
                "could not record failed authentications",
                metadata: ["failures": "\(window.total)", "windowStart": "\(Representation.instant(window.start))",
                           "error": "\(String(reflecting: error))"])
        }
    }
}
