import Database
import Dispatch
import Testing

@Suite("Transactions")
struct TransactionTests {
    struct Boom: Error {}

    @Test func commitsOnSuccessAndRollsBackOnThrow() async throws {
        try await withTestDatabase { db in
            try await db.pool.withConnection { c in try await c.execute("CREATE TABLE t (n int)") }
            let returned = try await db.pool.withTransaction { c in
                try await c.execute("INSERT INTO t VALUES (\(Int32(1)))")
                return "done"
            }
            await #expect(throws: Boom.self) {
                try await db.pool.withTransaction { c in
                    try await c.execute("INSERT INTO t VALUES (\(Int32(2)))")
                    throw Boom()
                }
            }
            let rows = try await db.pool.withConnection { c in
                try await c.query("SELECT n FROM t ORDER BY n").map { try $0.decode(Int32.self, column: "n") }
            }
            #expect(returned == "done")
            #expect(rows == [1])
        }
    }

    @Test func swallowedStatementErrorStillFailsTheCommit() async throws {
        try await withTestDatabase { db in
            try await db.pool.withConnection { c in try await c.execute("CREATE TABLE t (n int PRIMARY KEY)") }
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withTransaction { c in
                    try await c.execute("INSERT INTO t VALUES (1)")
                    _ = try? await c.execute("INSERT INTO t VALUES (1)")
                }
            }
            #expect(error?.sqlState == "25P02")
            let count = try await db.pool.withConnection { c in try await c.scalar(Int.self, "SELECT count(*)::int8 FROM t") }
            #expect(count == 0)
        }
    }

    @Test func isolationLevelIsApplied() async throws {
        try await withTestDatabase { db in
            let levels = try await [IsolationLevel.readCommitted, .repeatableRead, .serializable].asyncMap { level in
                try await db.pool.withTransaction(isolation: level) { c in
                    try await c.scalar(String.self, "SELECT current_setting('transaction_isolation')")
                }
            }
            #expect(levels == ["read committed", "repeatable read", "serializable"])
        }
    }

    @Test func genericPlansHoldForTheTransactionOnly() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            try await db.pool.withConnection { c in
                try await c.execute("CREATE TABLE t (id int PRIMARY KEY)")
                try await c.execute("INSERT INTO t SELECT generate_series(1, 1000)")
                try await c.execute("ANALYZE t")
            }
            // `= ANY($1)` is the shape PostgreSQL keeps planning anew under its own choice.
            let statement = "SELECT count(*)::int8 AS n FROM t WHERE id = ANY($1)"
            func plans() async throws -> (generic: Int, custom: Int) {
                try await db.pool.withConnection { c in
                    let row = try await c.query("""
                        SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = \(statement)
                        """).first!
                    return (try row.decode(Int.self, column: "generic_plans"), try row.decode(Int.self, column: "custom_plans"))
                }
            }
            for _ in 0..<8 {
                let n = try await db.pool.withTransaction { c in
                    try await c.scalar(Int.self, "SELECT count(*)::int8 AS n FROM t WHERE id = ANY(\([Int32(1), 2]))")
                }
                #expect(n == 2)
            }
            let chosen = try await plans()
            #expect(chosen.generic == 0 && chosen.custom == 8)

            for _ in 0..<3 {
                let (n, mode) = try await db.pool.withTransaction(plans: .generic) { c in
                    (try await c.scalar(Int.self, "SELECT count(*)::int8 AS n FROM t WHERE id = ANY(\([Int32(3)]))"),
                     try await c.scalar(String.self, "SELECT current_setting('plan_cache_mode')"))
                }
                #expect(n == 1 && mode == "force_generic_plan")
            }
            let forced = try await plans()
            #expect(forced.generic == 3 && forced.custom == 8)
            // SET LOCAL: the next transaction on the same connection is back to PostgreSQL's choice.
            let after = try await db.pool.withTransaction { c in
                try await c.scalar(String.self, "SELECT current_setting('plan_cache_mode')")
            }
            #expect(after == "auto")
        }
    }

    @Test func transactionLeftOpenInWithConnectionIsRolledBack() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            try await db.pool.withConnection { c in
                try await c.execute("CREATE TABLE t (n int)")
                try await c.execute("BEGIN")
                try await c.execute("INSERT INTO t VALUES (1)")
            }
            let count = try await db.pool.withConnection { c in try await c.scalar(Int.self, "SELECT count(*)::int8 FROM t") }
            #expect(count == 0)
        }
    }

    @Test func serializationFailureRetriesTheWholeClosure() async throws {
        try await withTestDatabase { db in
            try await db.pool.withConnection { c in
                try await c.execute(unsafeRawMultiStatement: """
                    CREATE TABLE mytab (class int NOT NULL, value int NOT NULL);
                    INSERT INTO mytab VALUES (1, 10), (1, 20), (2, 100), (2, 200);
                    """)
            }
            let runsA = Counter()
            let runsB = Counter()
            let aRead = Flag()
            let bRead = Flag()
            // Classic write skew: each reads one class and inserts into the other.
            async let first: Int = db.pool.withTransaction(isolation: .serializable) { c in
                let run = runsA.increment()
                let sum = try await c.scalar(Int.self, "SELECT sum(value)::int8 FROM mytab WHERE class = 1")
                if run == 1 {
                    aRead.set()
                    try await bRead.wait()
                }
                try await c.execute("INSERT INTO mytab VALUES (2, \(Int32(sum)))")
                return sum
            }
            async let second: Int = db.pool.withTransaction(isolation: .serializable) { c in
                let run = runsB.increment()
                let sum = try await c.scalar(Int.self, "SELECT sum(value)::int8 FROM mytab WHERE class = 2")
                if run == 1 {
                    bRead.set()
                    try await aRead.wait()
                }
                try await c.execute("INSERT INTO mytab VALUES (1, \(Int32(sum)))")
                return sum
            }
            let sums = try await (first, second)
            let rows = try await db.pool.withConnection { c in try await c.scalar(Int.self, "SELECT count(*)::int8 FROM mytab") }
            // At least one body ran again after 40001, and both committed.
            #expect(runsA.current + runsB.current >= 3)
            #expect(rows == 6)
            // The outcome equals one of the two serial orders: A then B, or B then A.
            #expect((sums.0 == 30 && sums.1 == 330) || (sums.0 == 330 && sums.1 == 300))
        }
    }

    @Test func deadlockRetriesTheWholeClosure() async throws {
        try await withTestDatabase { db in
            try await db.pool.withConnection { c in
                try await c.execute(unsafeRawMultiStatement: "CREATE TABLE locks (id int PRIMARY KEY, n int); INSERT INTO locks VALUES (1, 0), (2, 0);")
            }
            let runsA = Counter()
            let runsB = Counter()
            let aLocked = DispatchSemaphore(value: 0)
            let bLocked = DispatchSemaphore(value: 0)
            async let first: Void = db.pool.withTransaction { c in
                let run = runsA.increment()
                try await c.execute("UPDATE locks SET n = n + 1 WHERE id = \(Int32(1))")
                if run == 1 {
                    aLocked.signal()
                    _ = bLocked.wait(timeout: .now() + 10)
                }
                try await c.execute("UPDATE locks SET n = n + 1 WHERE id = \(Int32(2))")
            }
            async let second: Void = db.pool.withTransaction { c in
                let run = runsB.increment()
                try await c.execute("UPDATE locks SET n = n + 1 WHERE id = \(Int32(2))")
                if run == 1 {
                    bLocked.signal()
                    _ = aLocked.wait(timeout: .now() + 10)
                }
                try await c.execute("UPDATE locks SET n = n + 1 WHERE id = \(Int32(1))")
            }
            _ = try await (first, second)
            let totals = try await db.pool.withConnection { c in
                try await c.query("SELECT n FROM locks ORDER BY id").map { try $0.decode(Int32.self, column: "n") }
            }
            // The deadlock victim ran again; both committed.
            #expect(runsA.current + runsB.current >= 3)
            #expect(totals == [2, 2])
        }
    }

    @Test func retriesAreBounded() async throws {
        try await withTestDatabase(configure: { $0.maxTransactionAttempts = 3 }) { db in
            let runs = Counter()
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withTransaction { c in
                    runs.increment()
                    // Raise a serialization failure on every attempt.
                    try await c.execute(unsafeRawMultiStatement: "DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = 'serialization_failure'; END $$")
                }
            }
            #expect(error?.isSerializationFailure == true)
            #expect(runs.current == 3)
        }
    }

    /// A transaction reported as failed did not commit, and one reported as committed did, while
    /// backends are terminated under it. A backend terminated after its COMMIT was answered (the
    /// FATAL comes where the pipeline's Sync was due) committed: that is a success, the connection
    /// being discarded afterwards.
    @Test func aTransactionReportedFailedNeverCommittedWhileBackendsAreTerminated() async throws {
        try await withTestDatabase(poolSize: 4) { db in
            try await db.pool.withConnection { c in try await c.execute("CREATE TABLE t (n int PRIMARY KEY)") }
            let killer = try TestCluster.adminPool()
            // Transactions run until the terminations have interrupted some of them (or 20 s have passed):
            // on a busy machine a fixed number of them may all fall between two terminations.
            let failures = Counter(), killerDone = Counter()
            let outcomes = try await withThrowingTaskGroup(of: [(Int32, Bool)].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var outcomes: [(Int32, Bool)] = []
                        var i = 0
                        while killerDone.current == 0 {
                            let n = Int32(worker * 1_000_000 + i)
                            i += 1
                            do {
                                try await db.pool.withTransaction { c in
                                    try await c.execute("INSERT INTO t VALUES (\(n))")
                                    try await c.queue("SELECT \(n) AS n")
                                }
                                outcomes.append((n, true))
                            } catch {
                                failures.increment()
                                outcomes.append((n, false))
                            }
                        }
                        return outcomes
                    }
                }
                group.addTask {
                    defer { killerDone.increment() }
                    let deadline = ContinuousClock.now + .seconds(20)
                    var rounds = 0
                    while rounds < 100 || (failures.current < 8 && ContinuousClock.now < deadline) {
                        try await killer.withConnection { c in
                            _ = try await c.query("""
                                SELECT count(pg_terminate_backend(pid))::int8 AS n FROM pg_stat_activity
                                WHERE datname = \(db.name) AND pid <> pg_backend_pid()
                                """)
                        }
                        rounds += 1
                        try await Task.sleep(for: .milliseconds(15))
                    }
                    return []
                }
                return try await group.reduce(into: [(Int32, Bool)]()) { $0 += $1 }
            }
            let stored = Set(try await db.pool.withConnection { c in
                try await c.query("SELECT n FROM t").map { try $0.decode(Int32.self, column: "n") }
            })
            let failedButStored = outcomes.filter { !$0.1 && stored.contains($0.0) }.map(\.0)
            let committedButMissing = outcomes.filter { $0.1 && !stored.contains($0.0) }.map(\.0)
            #expect(failedButStored.isEmpty, "reported failed, yet committed: \(failedButStored)")
            #expect(committedButMissing.isEmpty, "reported committed, yet missing: \(committedButMissing)")
            #expect(outcomes.contains { !$0.1 }, "no transaction was interrupted: the test proved nothing")
        }
    }
}

extension Array where Element: Sendable {
    func asyncMap<Mapped>(_ transform: (Element) async throws -> Mapped) async rethrows -> [Mapped] {
        var results: [Mapped] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
