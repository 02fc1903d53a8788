import Logging
import ServiceLifecycle
import Synchronization

/// A bounded pool of libpq connections, run as a ServiceLifecycle `Service`.
///
/// No libpq call blocks a thread: connections are opened and used in libpq's non-blocking mode
/// and wait for the server on a `DatabaseEventLoop` (see there), never on Swift's cooperative
/// pool. (Only a host name in the conninfo makes libpq resolve it, briefly, on the loop's thread.)
/// Connections are opened lazily up to `size`; callers beyond that wait up to `acquireTimeout`,
/// then get `PoolError.acquireTimeout`.
///
/// Broken connections: an idle connection is checked right before it is lent — with one
/// non-blocking read when it sat idle longer than `checkAfterIdle`, when its loop saw the server
/// send something meanwhile, or when the caller runs off its loop; with a round trip after
/// `validateAfterIdle`. If the server dropped it (restart, `pg_terminate_backend`) it is discarded
/// and the request transparently gets another one. That is the only retry: once the body has sent
/// a statement, a connection failure is thrown, because the statement may have run; the broken
/// connection is discarded, so the next request succeeds.
///
/// Run it in a `ServiceGroup`, or call `shutdown()` when done: shutdown stops lending, waits for
/// lent connections to come back and closes every connection exactly once.
public final class DatabasePool: Service, Sendable {
    /// Connection string, limits and timeouts of a pool.
    public struct Configuration: Sendable {
        /// Anything libpq accepts: a URI (`postgresql://…`) or `key=value` conninfo (TLS, multi-host, service).
        public var conninfo: String
        /// Most connections open at once.
        public var size: Int
        /// How long a request may wait for a free connection.
        public var acquireTimeout: Duration
        /// libpq's connect_timeout (whole seconds, at least 2); a connect_timeout in `conninfo` wins.
        public var connectTimeout: Duration
        /// An idle connection unused for longer than this is checked with a round trip before reuse.
        public var validateAfterIdle: Duration
        /// An idle connection unused for longer than this is checked for a server hang-up (one
        /// non-blocking read) before reuse. Sooner, only when its loop saw input arrive while idle,
        /// or the caller runs off its loop.
        public var checkAfterIdle: Duration
        /// Prepared statements kept per connection (0 disables the cache).
        public var statementCacheCapacity: Int
        /// Attempts of a transaction that keeps failing with 40001/40P01.
        public var maxTransactionAttempts: Int
        /// Sent as fallback_application_name; an application_name in `conninfo` wins.
        public var applicationName: String?
        /// Extra libpq keywords applied after `conninfo`, overriding it (e.g. "dbname").
        public var parameters: [String: String]
        /// Longest a statement may run before PostgreSQL cancels it (SQLSTATE 57014); nil leaves the
        /// server's setting. Migrations lift it while they run.
        public var statementTimeout: Duration?
        /// Longest a connection waits for the server to answer before it is given up (a stopped server,
        /// or one cut off without the connection closing, is otherwise waited for without end); nil:
        /// the statement timeout and 5 s more, or no limit without a statement timeout.
        public var responseTimeout: Duration?

        /// The limit a connection applies: `responseTimeout`, else the statement timeout and 5 s more.
        var effectiveResponseTimeout: Duration? { responseTimeout ?? statementTimeout.map { $0 + .seconds(5) } }

        /// The other settings start at: 30 s idle validation, 256 cached statements, 5 transaction attempts.
        public init(
            conninfo: String,
            size: Int = 4,
            acquireTimeout: Duration = .seconds(5),
            connectTimeout: Duration = .seconds(5)
        ) {
            self.conninfo = conninfo
            self.size = size
            self.acquireTimeout = acquireTimeout
            self.connectTimeout = connectTimeout
            self.validateAfterIdle = .seconds(30)
            self.checkAfterIdle = .seconds(1)
            self.statementCacheCapacity = 256
            self.maxTransactionAttempts = 5
            self.applicationName = nil
            self.parameters = [:]
            self.statementTimeout = nil
            self.responseTimeout = nil
        }
    }

    /// The configuration the pool was created with.
    public let configuration: Configuration
    private let logger: Logger
    private let state = Mutex(State())

    /// Creates the pool; connections are opened on first use.
    public init(configuration: Configuration, logger: Logger = Logger(label: "convoca.database")) {
        precondition(configuration.size >= 1, "pool size must be at least 1")
        self.configuration = configuration
        self.logger = logger
    }

    deinit {
        // Only reached without shutdown() when the pool was misused; free what can be freed without awaiting.
        let idle = state.withLock { state -> [PooledConnection]? in
            guard state.lifecycle != .closed else { return nil }
            state.lifecycle = .closed
            defer { state.idle = [] }
            return state.idle
        }
        guard let idle else { return }
        idle.forEach { $0.connection.close() }
    }

    // MARK: Public API

    /// Lends a connection to `body`.
    ///
    /// The connection never leaves the closure; a transaction left open by `body` is rolled back.
    /// Statements never block the calling thread: they are sent without blocking and awaited on a
    /// `DatabaseEventLoop` (the one running the caller, when the task prefers one).
    @discardableResult
    public func withConnection<Value>(_ body: (Connection) async throws -> Value) async throws -> Value {
        try await lease(body)
    }

    /// Runs `body` in a transaction: BEGIN, COMMIT, or ROLLBACK when it throws.
    ///
    /// On serialization failure (40001) or deadlock (40P01) the whole closure runs again, up to
    /// `maxTransactionAttempts` times with short jittered pauses, so it must not have other side effects.
    /// `plans: .generic` makes every statement in it reuse one generic plan (see `StatementPlans`).
    @discardableResult
    public func withTransaction<Value>(
        isolation: IsolationLevel = .readCommitted,
        plans: StatementPlans = .serverChoice,
        _ body: (Connection) async throws -> Value
    ) async throws -> Value {
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection in
                    try await connection.transaction(isolation: isolation, plans: plans, body)
                }
            } catch let error as DatabaseError
                where error.isTransientTransactionFailure && attempt < configuration.maxTransactionAttempts
            {
                logger.debug("retrying transaction", metadata: ["sqlstate": "\(error.sqlState ?? "")", "attempt": "\(attempt)"])
                // Exponential cap (10, 20, 40, … ms) with full jitter so colliding transactions drift apart.
                let cap = 10 << min(attempt - 1, 6)
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...cap)))
                attempt += 1
            }
        }
    }

    /// Runs `body` on a connection of its own, opened for it and closed after it, outside the pool: what
    /// it learns does not depend on how busy the pool is (a probe must not report a full pool as a
    /// database that cannot be reached). Throws `PoolError.shutdown` once the pool is shutting down.
    public func withProbeConnection<Value>(
        timeout: Duration = .seconds(2), _ body: (Connection) async throws -> Value
    ) async throws -> Value {
        guard state.withLock({ $0.lifecycle == .running }) else { throw PoolError.shutdown }
        let configuration = configuration
        // libpq rounds connect_timeout values below 2 up to 2.
        let seconds = max(2, Int(timeout.components.seconds))
        let connection = try await Connection.open(
            conninfo: configuration.conninfo,
            defaults: DatabasePool.defaults(configuration),
            overrides: DatabasePool.overrides(configuration) + [("connect_timeout", String(seconds))],
            statementCacheCapacity: 0,
            responseTimeout: timeout
        )
        defer { connection.close() }
        return try await body(connection)
    }

    /// Serves until the service group shuts down gracefully or is cancelled, then drains and closes.
    public func run() async throws {
        // Throws CancellationError on cancellation: either way the pool shuts down.
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Stops lending, fails waiting requests, waits for lent connections and closes all of them.
    /// Idempotent; later callers wait until the first shutdown has finished.
    public func shutdown() async {
        let (first, waiters, idle) = state.withLock { state -> (Bool, [Waiter], [PooledConnection]) in
            guard state.lifecycle == .running else { return (false, [], []) }
            state.lifecycle = .draining
            defer {
                state.waiters = []
                state.idle = []
            }
            return (true, state.waiters, state.idle)
        }
        guard first else {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let closed = state.withLock { state in
                    if state.lifecycle == .closed { return true }
                    state.closedWaiters.append(continuation)
                    return false
                }
                if closed { continuation.resume() }
            }
            return
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: PoolError.shutdown)
        }
        close(idle)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let drained = state.withLock { state in
                if state.open == 0 { return true }
                state.drainWaiter = continuation
                return false
            }
            if drained { continuation.resume() }
        }
        let closedWaiters = state.withLock { state in
            state.lifecycle = .closed
            defer { state.closedWaiters = [] }
            return state.closedWaiters
        }
        closedWaiters.forEach { $0.resume() }
        logger.debug("database pool shut down")
    }

    // MARK: Leasing

    private func lease<Value>(_ work: (Connection) async throws -> Value) async throws -> Value {
        let configuration = configuration
        var deadline: ContinuousClock.Instant?
        while true {
            let pooled: PooledConnection
            // Fast path without a suspension point: an idle connection or a free slot.
            let immediate = state.withLock { DatabasePool.grant(from: &$0, size: configuration.size) }
            let grant: Grant
            if let immediate {
                grant = try immediate.get()
            } else {
                let until = deadline ?? ContinuousClock.now.advanced(by: configuration.acquireTimeout)
                deadline = until
                grant = try await reserve(deadline: until)
            }
            switch grant {
            case .idle(let candidate):
                let idle = ContinuousClock.now - candidate.idleSince
                let check = idle > configuration.validateAfterIdle ? Check.roundTrip
                    : idle > configuration.checkAfterIdle || candidate.connection.mayHaveIdleInput ? .read : .none
                let alive = check == .none ? true : await candidate.connection.isAliveAfterIdle(roundTrip: check == .roundTrip)
                guard alive else {
                    logger.info("discarded a database connection that broke while idle")
                    candidate.connection.close()
                    slotFreed()
                    continue
                }
                pooled = candidate
            case .create:
                // Watched by the loop running the caller, so answers wake the thread that waits for them.
                let home = DatabaseEventLoop.current ?? DatabaseEventLoop.next()
                do {
                    pooled = PooledConnection(
                        try await Connection.open(
                            conninfo: configuration.conninfo,
                            defaults: DatabasePool.defaults(configuration),
                            overrides: DatabasePool.overrides(configuration),
                            statementCacheCapacity: configuration.statementCacheCapacity,
                            statementTimeout: configuration.statementTimeout,
                            responseTimeout: configuration.effectiveResponseTimeout,
                            home: home
                        )
                    )
                } catch {
                    slotFreed()
                    throw error
                }
            }
            let connection = pooled.connection
            let result: Result<Value, any Error>
            do {
                result = .success(try await work(connection))
            } catch {
                result = .failure(error)
            }
            if connection.isUsable, connection.transactionStatus != .idle {
                _ = try? await connection.simpleCommand("ROLLBACK")
            }
            if connection.isUsable, connection.transactionStatus == .idle {
                release(pooled)
            } else {
                logger.warning("discarded a database connection that broke while in use")
                connection.close()
                slotFreed()
            }
            return try result.get()
        }
    }

    private static func defaults(_ configuration: Configuration) -> [(String, String)] {
        let seconds = max(2, Int(configuration.connectTimeout.components.seconds))
        var defaults = [("connect_timeout", String(seconds))]
        if let name = configuration.applicationName { defaults.append(("fallback_application_name", name)) }
        return defaults
    }

    private static func overrides(_ configuration: Configuration) -> [(String, String)] {
        configuration.parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Waits for an idle connection or a free slot to open one, until `deadline`.
    private func reserve(deadline: ContinuousClock.Instant) async throws -> Grant {
        let size = configuration.size
        // The caller (`lease`) already tried without suspending; what frees up meanwhile is
        // granted below, under the same lock that registers the waiter.
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
                let (immediate, startReaper) = state.withLock { state -> (Result<Grant, any Error>?, Bool) in
                    if let grant = DatabasePool.grant(from: &state, size: size) { return (grant, false) }
                    if Task.isCancelled { return (.failure(CancellationError()), false) }
                    if ContinuousClock.now >= deadline { return (.failure(PoolError.acquireTimeout), false) }
                    state.waiters.append(Waiter(id: id, continuation: continuation, deadline: deadline))
                    defer { state.reaperRunning = true }
                    return (nil, !state.reaperRunning)
                }
                if let immediate {
                    continuation.resume(with: immediate)
                    return
                }
                if startReaper { Task { await self.reapExpiredWaiters() } }
            }
        } onCancel: {
            self.fail(waiter: id, with: CancellationError())
        }
    }

    /// What can be granted right now without waiting, if anything.
    private static func grant(from state: inout State, size: Int) -> Result<Grant, any Error>? {
        guard state.lifecycle == .running else { return .failure(PoolError.shutdown) }
        // Prefer a connection watched by the caller's loop: its answers then wake no other thread.
        if let current = DatabaseEventLoop.current,
            let index = state.idle.lastIndex(where: { $0.connection.home === current })
        {
            return .success(.idle(state.idle.remove(at: index)))
        }
        if let pooled = state.idle.popLast() { return .success(.idle(pooled)) }
        if state.open < size {
            state.open += 1
            return .success(.create)
        }
        return nil
    }

    private func fail(waiter id: Int, with error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Fails waiters whose acquire timeout ran out: one task per pool while anyone waits (not a
    /// timer per waiter, which cost a task and a dispatch timer on every wait of a busy pool).
    private func reapExpiredWaiters() async {
        while true {
            let next = state.withLock { state -> ContinuousClock.Instant? in
                guard state.lifecycle == .running, let earliest = state.waiters.map(\.deadline).min() else {
                    state.reaperRunning = false
                    return nil
                }
                return earliest
            }
            guard let next else { return }
            try? await Task.sleep(until: next, clock: .continuous)
            let now = ContinuousClock.now
            let expired = state.withLock { state -> [Waiter] in
                let expired = state.waiters.filter { $0.deadline <= now }
                state.waiters.removeAll { $0.deadline <= now }
                return expired
            }
            for waiter in expired { waiter.continuation.resume(throwing: PoolError.acquireTimeout) }
        }
    }

    /// Returns a healthy connection: to the longest waiter, to the idle list, or closed when draining.
    private func release(_ pooled: PooledConnection) {
        pooled.idleSince = .now
        let waiter = state.withLock { state -> Waiter?? in
            guard state.lifecycle == .running else { return .none }
            if !state.waiters.isEmpty { return .some(state.waiters.removeFirst()) }
            state.idle.append(pooled)
            return .some(nil)
        }
        switch waiter {
        case .none:
            close([pooled])
        case .some(.some(let waiter)):
            waiter.continuation.resume(returning: .idle(pooled))
        case .some(.none):
            break
        }
    }

    /// A connection slot became free (discarded or never opened): let a waiter open one.
    private func slotFreed() {
        let action = state.withLock { state -> SlotAction in
            if state.lifecycle == .running, !state.waiters.isEmpty {
                return .grant(state.waiters.removeFirst())
            }
            state.open -= 1
            if state.open == 0, let drainWaiter = state.drainWaiter {
                state.drainWaiter = nil
                return .drained(drainWaiter)
            }
            return .none
        }
        switch action {
        case .grant(let waiter):
            waiter.continuation.resume(returning: .create)
        case .drained(let continuation):
            continuation.resume()
        case .none:
            break
        }
    }

    /// PQfinish (which does not block: the sockets are non-blocking), then frees the slots.
    private func close(_ connections: [PooledConnection]) {
        guard !connections.isEmpty else { return }
        connections.forEach { $0.connection.close() }
        for _ in connections { slotFreed() }
    }
}

// MARK: - Pool state

/// A connection owned by the pool; the pool's lock hands it to exactly one lease at a time.
private final class PooledConnection: @unchecked Sendable {
    let connection: Connection
    var idleSince: ContinuousClock.Instant

    init(_ connection: Connection) {
        self.connection = connection
        idleSince = .now
    }
}

/// What a request is allowed to do: reuse an idle connection or open a new one.
private enum Grant: Sendable {
    case idle(PooledConnection)
    case create
}

/// How an idle connection is checked before it is lent.
private enum Check { case none, read, roundTrip }

private struct Waiter {
    let id: Int
    let continuation: CheckedContinuation<Grant, any Error>
    let deadline: ContinuousClock.Instant
}

private enum SlotAction {
    case grant(Waiter)
    case drained(CheckedContinuation<Void, Never>)
    case none
}

private struct State {
    enum Lifecycle { case running, draining, closed }
    var lifecycle = Lifecycle.running
    var idle: [PooledConnection] = []
    /// Idle, lent and being-opened connections.
    var open = 0
    var waiters: [Waiter] = []
    var nextWaiterID = 0
    /// Whether a task is failing waiters whose acquire timeout ran out.
    var reaperRunning = false
    var drainWaiter: CheckedContinuation<Void, Never>?
    var closedWaiters: [CheckedContinuation<Void, Never>] = []
}
