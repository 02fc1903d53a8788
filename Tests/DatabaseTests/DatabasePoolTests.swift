import Database
import Dispatch
import Foundation
import Testing

@Suite("Connection pool")
struct DatabasePoolTests {
    @Test func exhaustedPoolTimesOutWithAClearError() async throws {
        try await withTestDatabase(poolSize: 1, configure: { $0.acquireTimeout = .milliseconds(300) }) { db in
            let holding = Flag()
            let release = DispatchSemaphore(value: 0)
            async let held: Int = db.pool.withConnection { c in
                holding.set()
                _ = release.wait(timeout: .now() + 10)
                return try c.scalar(Int.self, "SELECT 1::int8")
            }
            try await holding.wait()
            let start = ContinuousClock.now
            await #expect(throws: PoolError.acquireTimeout) {
                try await db.pool.withConnection { c in try c.scalar(Int.self, "SELECT 2::int8") }
            }
            let waited = ContinuousClock.now - start
            #expect(waited >= .milliseconds(250))
            #expect(waited < .seconds(5))
            #expect(PoolError.acquireTimeout.description.contains("timed out"))
            release.signal()
            #expect(try await held == 1)
            // Once the connection is back, requests succeed again.
            #expect(try await db.pool.withConnection { c in try c.scalar(Int.self, "SELECT 3::int8") } == 3)
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
                            return try c.scalar(Int.self, "SELECT \(index) FROM pg_sleep(0.01)")
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let backends = try await db.pool.withConnection { c in
                try c.scalar(Int.self, "SELECT count(*)::int8 FROM pg_stat_activity WHERE datname = current_database()")
            }
            #expect(results.sorted() == Array(0..<20))
            #expect(maxSeen.current <= 2)
            #expect(backends <= 2)
        }
    }

    @Test func terminatedBackendIsReplacedForTheNextRequest() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            let admin = try TestCluster.adminPool()
            let before = try await db.pool.withConnection { c in try c.scalar(Int32.self, "SELECT pg_backend_pid()") }
            let terminated = try await admin.withConnection { c in
                try c.scalar(Bool.self, "SELECT pg_terminate_backend(\(before), 5000)")
            }
            #expect(terminated)
            let after = try await db.pool.withConnection { c in try c.scalar(Int32.self, "SELECT pg_backend_pid()") }
            #expect(after != before)
        }
    }

    @Test func connectionBrokenDuringTheBodyFailsThenIsReplaced() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            let before = try await db.pool.withConnection { c in try c.scalar(Int32.self, "SELECT pg_backend_pid()") }
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withConnection { c in try c.execute("SELECT pg_terminate_backend(pg_backend_pid())") }
            }
            #expect(error?.isConnectionFailure == true)
            let after = try await db.pool.withConnection { c in try c.scalar(Int32.self, "SELECT pg_backend_pid()") }
            #expect(after != before)
        }
    }

    @Test func pingReportsReadiness() async throws {
        try await withTestDatabase { db in
            #expect(await db.pool.ping())
        }
        var configuration = DatabasePool.Configuration(conninfo: "host=/nonexistent-convoca-socket-dir port=1", size: 1)
        configuration.connectTimeout = .seconds(2)
        let down = DatabasePool(configuration: configuration)
        let start = ContinuousClock.now
        #expect(await down.ping() == false)
        #expect(ContinuousClock.now - start < .seconds(3))
        await down.shutdown()
    }

    @Test func shutdownWaitsForLeasesThenRefusesWork() async throws {
        try await withTestDatabase(poolSize: 2) { db in
            let pool = DatabasePool(configuration: db.configuration)
            _ = try await pool.withConnection { c in try c.scalar(Int.self, "SELECT 1::int8") }
            let started = Flag()
            let finished = Flag()
            async let lease: Int = pool.withConnection { c in
                started.set()
                let value = try c.scalar(Int.self, "SELECT 7::int8 FROM pg_sleep(0.3)")
                finished.set()
                return value
            }
            try await started.wait()
            await pool.shutdown()
            // shutdown returned only after the lent connection came back.
            try await finished.wait(timeout: .zero)
            #expect(try await lease == 7)
            await #expect(throws: PoolError.shutdown) {
                try await pool.withConnection { c in try c.scalar(Int.self, "SELECT 1::int8") }
            }
            #expect(await pool.ping() == false)
            await pool.shutdown()
            // Every connection was closed: only the test's own pool remains (backends exit asynchronously).
            var remaining = 0
            for _ in 0..<100 {
                remaining = try await db.pool.withConnection { c in
                    try c.scalar(Int.self, "SELECT count(*)::int8 FROM pg_stat_activity WHERE datname = current_database()")
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
            #expect(try await pool.withConnection { c in try c.scalar(Int.self, "SELECT 1::int8") } == 1)
            service.cancel()
            try await service.value
            await #expect(throws: PoolError.shutdown) {
                try await pool.withConnection { c in try c.scalar(Int.self, "SELECT 1::int8") }
            }
        }
    }

    @Test func cancelledWaiterLeavesThePoolUsable() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            let holding = Flag()
            let release = DispatchSemaphore(value: 0)
            async let held: Void = db.pool.withConnection { _ in
                holding.set()
                _ = release.wait(timeout: .now() + 10)
            }
            try await holding.wait()
            let waiter = Task { try await db.pool.withConnection { c in try c.scalar(Int.self, "SELECT 1::int8") } }
            try await Task.sleep(for: .milliseconds(50))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            release.signal()
            try await held
            #expect(try await db.pool.withConnection { c in try c.scalar(Int.self, "SELECT 2::int8") } == 2)
        }
    }

    @Test func poolDroppedWithoutShutdownClosesItsConnections() async throws {
        try await withTestDatabase { db in
            var configuration = db.configuration
            configuration.parameters["application_name"] = "dropped pool"
            var pool: DatabasePool? = DatabasePool(configuration: configuration)
            weak let dropped = pool
            let one = try await pool!.withConnection { c in try c.scalar(Int.self, "SELECT 1::int8") }
            pool = nil
            #expect(one == 1)
            #expect(dropped == nil)
            var remaining = -1
            for _ in 0..<100 {
                remaining = try await db.pool.withConnection { c in
                    try c.scalar(Int.self, "SELECT count(*)::int8 FROM pg_stat_activity WHERE application_name = 'dropped pool'")
                }
                if remaining == 0 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(remaining == 0)
        }
    }

    @Test func blockingWorkRunsOffTheCooperativePool() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            let threadName = try await db.pool.withConnection { _ in
                Thread.current.name ?? ""
            }
            // NIOThreadPool threads are named "TP-#n".
            #expect(threadName.hasPrefix("TP-#"))
        }
    }

    @Test func tasksOnThePoolsExecutorQueryInlineOnItsThreads() async throws {
        try await withTestDatabase(poolSize: 2) { db in
            let pool = db.pool
            let results = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for value in 0..<8 {
                    group.addTask(executorPreference: pool.executor) {
                        try await pool.withConnection { connection in
                            // Inline: the body runs on the executor's own thread, not a hand-off thread ("TP-#n").
                            (BlockingExecutor.isCurrentThreadBlockingCapable ? "executor" : currentThreadName(),
                             try connection.query("SELECT \(value)::int8 + 1 AS n").first!.decode(Int.self, column: "n"))
                        }
                    }
                }
                var collected: [(String, Int)] = []
                for try await result in group { collected.append(result) }
                return collected
            }
            #expect(results.allSatisfy { $0.0 == "executor" })
            #expect(results.map(\.1).sorted() == Array(1...8))
            #expect(BlockingExecutor.isCurrentThreadBlockingCapable == false)
        }
    }

    @Test func idleExecutorThreadsEndAndStartAgainOnDemand() async throws {
        let executor = BlockingExecutor(maximumThreads: 2, idleTimeout: 0.05)
        let first = await Task(executorPreference: executor) { BlockingExecutor.isCurrentThreadBlockingCapable }.value
        try await Task.sleep(for: .milliseconds(300))
        let again = await Task(executorPreference: executor) { BlockingExecutor.isCurrentThreadBlockingCapable }.value
        #expect(first)
        #expect(again)
    }
}

/// The name of the thread running the caller (synchronous, so async code may ask).
private func currentThreadName() -> String { Thread.current.name ?? "" }
