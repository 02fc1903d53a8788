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

    /// Both on one connection of the probe's own, outside the pool: a full pool, or a connection lost
    /// while the schema was read, is no pending migration.
    func check() async -> State {
        do {
            return try await pool.withProbeConnection { connection in
                do {
                    return State(databaseReachable: true, schemaCurrent: try await migrator.pending(on: connection).isEmpty)
                } catch is MigrationError {
                    // An applied migration changed: the schema is not the one this server was built for.
                    return State(databaseReachable: true, schemaCurrent: false)
                }
            }
        } catch {
            return State(databaseReachable: false, schemaCurrent: false)
        }
    }
}
