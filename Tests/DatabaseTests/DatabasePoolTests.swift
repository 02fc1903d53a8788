import Database
import Dispatch
import Foundation
import Testing

@Suite("Connection pool")
struct DatabasePoolTests {
    /// A server that stops answering (here its backend is stopped with SIGSTOP: the statement timeout,
    /// the server's to enforce, never fires) is given up after the response timeout, and the pool
    /// serves again with a new connection.
    @Test func aServerThatStopsAnsweringIsGivenUpAfterTheResponseTimeout() async throws {
        try await withTestDatabase(poolSize: 1, configure: { $0.responseTimeout = .seconds(1) }) { db in
            let pid = try await db.pool.withConnection { try await $0.scalar(Int32.self, "SELECT pg_backend_pid()") }
            guard kill(pid, SIGSTOP) == 0 else {
                Issue.record("cannot stop the backend (errno \(errno)): the test needs to signal the cluster's processes")
                return
            }
            defer { kill(pid, SIGCONT) }
            let started = ContinuousClock.now
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withConnection { try await $0.scalar(Int32.self, "SELECT 1") }
            }
            let waited = ContinuousClock.now - started
            #expect(error?.isConnectionFailure == true)
            #expect(waited >= .milliseconds(900) && waited < .seconds(5), "gave up after \(waited)")
            kill(pid, SIGCONT)
            #expect(try await db.pool.withConnection { try await $0.scalar(Int32.self, "SELECT 2") } == 2)
        }
    }

    /// A server that stops answering once a COMMIT was sent may still commit (here it does, once
    /// resumed): the error says the outcome is unknown, unlike one before the COMMIT.
    @Test func aCommitLeftUnansweredIsReportedAsOfUnknownOutcome() async throws {
        try await withTestDatabase(poolSize: 1, configure: { $0.responseTimeout = .seconds(1) }) { db in
            try await db.pool.withConnection { c in try await c.execute("CREATE TABLE t (n int)") }
            let pid = try await db.pool.withConnection { try await $0.scalar(Int32.self, "SELECT pg_backend_pid()") }
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withTransaction { c in
                    try await c.execute("INSERT INTO t VALUES (\(Int32(1)))")
                    // The COMMIT goes out to a backend that does not answer.
                    kill(pid, SIGSTOP)
                }
            }
            kill(pid, SIGCONT)
            #expect(error?.isConnectionFailure == true)
            #expect(error?.commitOutcomeUnknown == true)
            // And it did commit, once resumed.
            var committed = 0
            for _ in 0..<50 where committed == 0 {
                committed = try await db.pool.withConnection { try await $0.scalar(Int.self, "SELECT count(*)::int8 FROM t") }
                if committed == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(committed == 1)

            // Lost before the COMMIT went out: nothing was committed, and the error says no more.
            let next = try await db.pool.withConnection { try await $0.scalar(Int32.self, "SELECT pg_backend_pid()") }
            let before = await #expect(throws: DatabaseError.self) {
                try await db.pool.withTransaction { c in
                    kill(next, SIGSTOP)
                    try await c.execute("INSERT INTO t VALUES (\(Int32(2)))")
                }
            }
            kill(next, SIGCONT)
            #expect(before?.isConnectionFailure == true)
            #expect(before?.commitOutcomeUnknown == false)
        }
    }

    @Test func exhaustedPoolTimesOutWithAClearError() async throws {
        try await withTestDatabase(poolSize: 1, configure: { $0.acquireTimeout = .milliseconds(300) }) { db in
            let holding = Flag()
            let release = Flag()
            async let held: Int = db.pool.withConnection { c in
                holding.set()
                try await release.wait()
                return try await c.scalar(Int.self, "SELECT 1::int8")
            }
            try await holding.wait()
            let start = ContinuousClock.now
            await #expect(throws: PoolError.acquireTimeout) {
                try await db.pool.withConnection { c in try await c.scalar(Int.self, "SELECT 2::int8") }
            }
            let waited = ContinuousClock.now - start
            #expect(waited >= .milliseconds(250))
            #expect(waited < .seconds(5))
            #expect(PoolError.acquireTimeout.description.contains("timed out"))
            release.set()
            #expect(try await held == 1)
            // Once the connection is back, requests succeed again.
            #expect(try await db.pool.withConnection { c in try await c.scalar(Int.self, "SELECT 3::int8") } == 3)
        }
    }

    @Test func waitersGetConnectionsAsTheyAreReleased() async throws {
        try await withTestDatabase(poolSize: 2) { db in
            let inFlight = Counter()
            let maxSeen = Counter()
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await db.pool.withConnection { c in
                            let now = inFlight.increment()
                            while maxSeen.current < now { maxSeen.increment() }
                            defer { inFlight.increment(by: -1) }
                            return try await c.scalar(Int.self, "SELECT \(index) FROM pg_sleep(0.01)")
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let backends = try await db.pool.withConnection { c in
                try await c.scalar(Int.self, "SELECT count(*)::int8 FROM pg_stat_activity WHERE datname = current_database()")
            }
            #expect(results.sorted() == Array(0..<20))
            #expect(maxSeen.current <= 2)
            #expect(backends <= 2)
        }
    }

    @Test func everyWaiterTimesOutOnItsOwnAndAServedOneDoesNot() async throws {
        try await withTestDatabase(poolSize: 1, configure: { $0.acquireTimeout = .milliseconds(400) }) { db in
            let pool = db.pool
            let holding = Flag()
            let release = Flag()
            async let held: Int = pool.withConnection { c in
                holding.set()
                try await release.wait()
                return try await c.scalar(Int.self, "SELECT 1::int8")
            }
            try await holding.wait()
            let start = ContinuousClock.now
            // Three waiters, started 100 ms apart: each fails about 400 ms after it began waiting.
            let waited = try await withThrowingTaskGroup(of: Duration.self) { group in
                for index in 0..<3 {
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(100 * index))
                        let began = ContinuousClock.now
                        await #expect(throws: PoolError.acquireTimeout) {
                            try await pool.withConnection { c in try await c.scalar(Int.self, "SELECT 2::int8") }
                        }
                        return ContinuousClock.now - began
                    }
                }
                var all: [Duration] = []
                for try await duration in group { all.append(duration) }
                return all
            }
            #expect(waited.count == 3)
            #expect(waited.allSatisfy { $0 >= .milliseconds(350) && $0 < .seconds(3) }, "\(waited)")
            #expect(ContinuousClock.now - start < .seconds(4))
            // A waiter that gets the connection before its deadline is served, not failed.
            async let served: Int = pool.withConnection { c in try await c.scalar(Int.self, "SELECT 3::int8") }
            try await Task.sleep(for: .milliseconds(100))
            release.set()
            #expect(try await held == 1)
            #expect(try await served == 3)
        }
    }

    @Test func terminatedBackendIsReplacedForTheNextRequest() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            let admin = try TestCluster.adminPool()
            let before = try await db.pool.withConnection { c in try await c.scalar(Int32.self, "SELECT pg_backend_pid()") }
            let terminated = try await admin.withConnection { c in
                try await c.scalar(Bool.self, "SELECT pg_terminate_backend(\(before), 5000)")
            }
            #expect(terminated)
            let after = try await db.pool.withConnection { c in try await c.scalar(Int32.self, "SELECT pg_backend_pid()") }
            #expect(after != before)
        }
    }

    @Test func connectionBrokenDuringTheBodyFailsThenIsReplaced() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            let before = try await db.pool.withConnection { c in try await c.scalar(Int32.self, "SELECT pg_backend_pid()") }
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withConnection { c in try await c.execute("SELECT pg_terminate_backend(pg_backend_pid())") }
            }
            #expect(error?.isConnectionFailure == true)
            let after = try await db.pool.withConnection { c in try await c.scalar(Int32.self, "SELECT pg_backend_pid()") }
            #expect(after != before)
        }
    }

    /// Whether a probe connection (outside the pool, short connect timeout) answers.
    func probeAnswers(_ pool: DatabasePool) async -> Bool {
        (try? await pool.withProbeConnection { try await $0.scalar(Int32.self, "SELECT 1") == 1 }) ?? false
    }

    @Test func aProbeConnectionReportsReadiness() async throws {
        try await withTestDatabase { db in
            #expect(await probeAnswers(db.pool))
        }
        var configuration = DatabasePool.Configuration(conninfo: "host=/nonexistent-convoca-socket-dir port=1", size: 1)
        configuration.connectTimeout = .seconds(2)
        let down = DatabasePool(configuration: configuration)
        let start = ContinuousClock.now
        #expect(await probeAnswers(down) == false)
        #expect(ContinuousClock.now - start < .seconds(3))
        await down.shutdown()
    }

    @Test func shutdownWaitsForLeasesThenRefusesWork() async throws {
        try await withTestDatabase(poolSize: 2) { db in
            let pool = DatabasePool(configuration: db.configuration)
            _ = try await pool.withConnection { c in try await c.scalar(Int.self, "SELECT 1::int8") }
            let started = Flag()
            let finished = Flag()
            async let lease: Int = pool.withConnection { c in
                started.set()
                let value = try await c.scalar(Int.self, "SELECT 7::int8 FROM pg_sleep(0.3)")
                finished.set()
                return value
            }
            try await started.wait()
            await pool.shutdown()
            // shutdown returned only after the lent connection came back.
            try await finished.wait(timeout: .zero)
            #expect(try await lease == 7)
            await #expect(throws: PoolError.shutdown) {
                try await pool.withConnection { c in try await c.scalar(Int.self, "SELECT 1::int8") }
            }
            #expect(await probeAnswers(pool) == false)
            await pool.shutdown()
            // Every connection was closed: only the test's own pool remains (backends exit asynchronously).
            var remaining = 0
            for _ in 0..<100 {
                remaining = try await db.pool.withConnection { c in
                    try await c.scalar(Int.self, "SELECT count(*)::int8 FROM pg_stat_activity WHERE datname = current_database()")
                }
                if remaining == 1 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(remaining == 1)
        }
    }

    @Test func runReturnsWhenCancelled() async throws {
        try await withTestDatabase { db in
            let pool = DatabasePool(configuration: db.configuration)
            let service = Task { try await pool.run() }
            #expect(try await pool.withConnection { c in try await c.scalar(Int.self, "SELECT 1::int8") } == 1)
            service.cancel()
            try await service.value
            await #expect(throws: PoolError.shutdown) {
                try await pool.withConnection { c in try await c.scalar(Int.self, "SELECT 1::int8") }
            }
        }
    }

    /// A task cancelled while its statement runs (a shutdown past its grace cancels the requests
    /// left) stops waiting for the answer at once, rather than at the response timeout: the
    /// connection is given up, as for a server that stopped answering, and the pool serves on.
    @Test func aStatementWaitEndsWhenItsTaskIsCancelled() async throws {
        try await withTestDatabase(poolSize: 1, configure: { $0.responseTimeout = .seconds(30) }) { db in
            let waiting = Task {
                try await db.pool.withConnection { try await $0.scalar(Int32.self, "SELECT 1 FROM pg_sleep(4)") }
            }
            try await Task.sleep(for: .milliseconds(300))
            let cancelled = ContinuousClock.now
            waiting.cancel()
            let error = await #expect(throws: DatabaseError.self) { try await waiting.value }
            let waited = ContinuousClock.now - cancelled
            #expect(error?.isConnectionFailure == true)
            #expect(waited < .seconds(2), "gave up \(waited) after the cancellation")
            #expect(try await db.pool.withConnection { try await $0.scalar(Int32.self, "SELECT 2") } == 2)
        }
    }

    @Test func cancelledWaiterLeavesThePoolUsable() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            let holding = Flag()
            let release = Flag()
            async let held: Void = db.pool.withConnection { _ in
                holding.set()
                try await release.wait()
            }
            try await holding.wait()
            let waiter = Task { try await db.pool.withConnection { c in try await c.scalar(Int.self, "SELECT 1::int8") } }
            try await Task.sleep(for: .milliseconds(50))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            release.set()
            try await held
            #expect(try await db.pool.withConnection { c in try await c.scalar(Int.self, "SELECT 2::int8") } == 2)
        }
    }

    @Test func poolDroppedWithoutShutdownClosesItsConnections() async throws {
        try await withTestDatabase { db in
            var configuration = db.configuration
            configuration.parameters["application_name"] = "dropped pool"
            var pool: DatabasePool? = DatabasePool(configuration: configuration)
            weak let dropped = pool
            let one = try await pool!.withConnection { c in try await c.scalar(Int.self, "SELECT 1::int8") }
            pool = nil
            #expect(one == 1)
            #expect(dropped == nil)
            var remaining = -1
            for _ in 0..<100 {
                remaining = try await db.pool.withConnection { c in
                    try await c.scalar(Int.self, "SELECT count(*)::int8 FROM pg_stat_activity WHERE application_name = 'dropped pool'")
                }
                if remaining == 0 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(remaining == 0)
        }
    }

    @Test func waitingForTheServerBlocksNoThread() async throws {
        // Four statements sleep on the server; with blocking calls they would hold the machine's
        // few cooperative threads, and the probe below could not run until they finished.
        try await withTestDatabase(poolSize: 4) { db in
            let pool = db.pool
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask { _ = try await pool.withConnection { c in try await c.execute("SELECT pg_sleep(1.5)") } }
                }
                try await Task.sleep(for: .milliseconds(200))
                let start = ContinuousClock.now
                let probe = await Task.detached { ContinuousClock.now }.value
                #expect(probe - start < .milliseconds(500))
                try await group.waitForAll()
            }
        }
    }

    @Test func tasksOnALoopRunTheirStatementsOnItsThread() async throws {
        try await withTestDatabase(poolSize: 2) { db in
            let pool = db.pool
            let loop = DatabaseEventLoop.shared[0]
            let results = try await withThrowingTaskGroup(of: ([String], Int).self) { group in
                for value in 0..<8 {
                    group.addTask(executorPreference: loop) {
                        try await pool.withConnection { connection in
                            let before = currentThreadName()
                            let n = try await connection.query("SELECT \(value)::int8 + 1 AS n").first!.decode(Int.self, column: "n")
                            // Resumed where it started: the answer was handled by the loop's own thread.
                            return ([before, currentThreadName()], n)
                        }
                    }
                }
                var collected: [([String], Int)] = []
                for try await result in group { collected.append(result) }
                return collected
            }
            #expect(results.allSatisfy { $0.0 == ["convoca-db-0", "convoca-db-0"] }, "\(results)")
            #expect(results.map(\.1).sorted() == Array(1...8))
        }
    }

    @Test func aServerThatNeverAnswersTimesOutWhileConnecting() async throws {
        // A TCP port that accepts connections (the kernel completes the handshake) and never speaks.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        #expect(bound)
        let port = UInt16(bigEndian: address.sin_port)
        let pool = DatabasePool(configuration: .init(
            conninfo: "host=127.0.0.1 port=\(port) user=nobody dbname=nothing sslmode=disable connect_timeout=2", size: 1))
        let start = ContinuousClock.now
        let error = await #expect(throws: DatabaseError.self) {
            try await pool.withConnection { c in try await c.execute("SELECT 1") }
        }
        let waited = ContinuousClock.now - start
        #expect(error?.isConnectionFailure == true)
        #expect(error?.message.contains("timeout") == true)
        #expect(waited >= .milliseconds(1900))
        #expect(waited < .seconds(4))
        await pool.shutdown()
    }
}

/// The kernel's name of the thread running the caller (synchronous, so async code may ask).
private func currentThreadName() -> String {
    ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
}

@Suite("Statement timeout")
struct StatementTimeoutTests {
    /// A statement that runs too long is cancelled by PostgreSQL with 57014, the connection stays usable,
    /// and what the statement's transaction did is rolled back.
    @Test func aStatementOverTheLimitIsCancelledAndNothingStays() async throws {
        try await withTestDatabase(poolSize: 1, configure: { $0.statementTimeout = .milliseconds(200) }) { db in
            try await db.pool.withConnection { c in _ = try await c.execute("CREATE TABLE marks (n int)") }
            let started = ContinuousClock.now
            do {
                try await db.pool.withTransaction { c in
                    _ = try await c.execute("INSERT INTO marks VALUES (1)")
                    _ = try await c.execute("SELECT pg_sleep(3)")
                }
                Issue.record("the sleep was not cancelled")
            } catch let error as DatabaseError {
                #expect(error.isQueryCanceled)
            }
            #expect(ContinuousClock.now - started < .seconds(2))
            let (count, setting) = try await db.pool.withConnection { c in
                (try await c.scalar(Int.self, "SELECT count(*)::int8 FROM marks"),
                 try await c.scalar(String.self, "SELECT current_setting('statement_timeout')"))
            }
            #expect(count == 0)
            #expect(setting == "200ms")
        }
    }

    @Test func withoutALimitTheServerSettingStays() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            let setting = try await db.pool.withConnection { c in try await c.scalar(String.self, "SELECT current_setting('statement_timeout')") }
            #expect(setting == "0")
        }
    }
}
