import Database
import Logging

/// Whether the service can serve: the database answers quickly and every migration is applied.
struct ReadinessProbe: Sendable {
    let pool: DatabasePool
    let migrator: Migrator

    struct State: Sendable {
        var databaseReachable: Bool
        var schemaCurrent: Bool
        var isReady: Bool { databaseReachable && schemaCurrent }
    }

    func check() async -> State {
        guard await pool.ping() else { return State(databaseReachable: false, schemaCurrent: false) }
        let current = (try? await migrator.isCurrent()) ?? false
        return State(databaseReachable: true, schemaCurrent: current)
    }
}
