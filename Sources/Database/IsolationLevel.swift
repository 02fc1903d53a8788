/// Transaction isolation level for `DatabasePool.withTransaction`.
public enum IsolationLevel: Sendable, Hashable {
    case readCommitted
    case repeatableRead
    case serializable

    var sql: String {
        switch self {
        case .readCommitted: "READ COMMITTED"
        case .repeatableRead: "REPEATABLE READ"
        case .serializable: "SERIALIZABLE"
        }
    }
}

/// How statements in a transaction are planned (`DatabasePool.withTransaction`).
public enum StatementPlans: Sendable, Hashable {
    /// PostgreSQL's choice: its first five runs of a prepared statement are planned for their
    /// values, later ones reuse a generic plan only if its estimate is no worse.
    case serverChoice
    /// Every prepared statement runs its generic plan, planned once per connection
    /// (`SET LOCAL plan_cache_mode = force_generic_plan`). For transactions made of point reads
    /// and writes by key, whose best plan does not depend on the values: a statement such as
    /// `id = ANY($1)` otherwise gets planned again on every run because the planner guesses ten
    /// elements for an unknown array and prices the generic plan higher.
    case generic

    var sql: String? {
        switch self {
        case .serverChoice: nil
        case .generic: "SET LOCAL plan_cache_mode = force_generic_plan"
        }
    }
}
