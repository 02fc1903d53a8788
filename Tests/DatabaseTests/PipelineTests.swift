@testable import Database
import Testing

/// Transactions send BEGIN with their first statement, and queued statements with the next
/// statement or the COMMIT, in one pipelined round trip.
@Suite("Pipelined transactions")
struct PipelineTests {
    /// Round trips the pool's only connection made while `body` ran.
    func roundTrips(_ db: TestDatabase, _ body: () async throws -> Void) async throws -> Int {
        let before = try await db.pool.withConnection { $0.roundTrips }
        try await body()
        return try await db.pool.withConnection { $0.roundTrips } - before
    }

    func numbers(_ db: TestDatabase) async throws -> [Int32] {
        try await db.pool.withConnection { c in
            try await c.query("SELECT n FROM t ORDER BY n").map { try $0.decode(Int32.self, column: "n") }
        }
    }

    @Test func oneStatementAndOneQueuedCostTwoRoundTrips() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            try await db.pool.withConnection { c in try await c.execute("CREATE TABLE t (n int)") }
            let trips = try await roundTrips(db) {
                try await db.pool.withTransaction { c in
                    // Neither statement was prepared before: the preparations travel in the same pipelines.
                    try await c.execute("INSERT INTO t VALUES (\(Int32(1)))")
                    try await c.queue("INSERT INTO t (n) SELECT \(Int32(2))")
                }
            }
            #expect(trips == 2)  // BEGIN + INSERT, then INSERT + COMMIT
            #expect(try await numbers(db) == [1, 2])
            // Prepared in the pipeline and cached: the next run reuses the statements.
            let prepared = try await db.pool.withConnection { c in
                try await c.scalar(Int.self, "SELECT count(*)::int8 FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO t%'")
            }
            #expect(prepared == 2)
        }
    }

    @Test func transactionThatSendsNothingCostsNothing() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            var value = 0
            let trips = try await roundTrips(db) {
                value = try await db.pool.withTransaction { _ in 42 }
            }
            #expect(value == 42 && trips == 0)
        }
    }

    @Test func failedQueuedStatementFailsTheCommitAndStoresNothing() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            try await db.pool.withConnection { c in try await c.execute("CREATE TABLE t (n int PRIMARY KEY)") }
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withTransaction { c in
                    try await c.execute("INSERT INTO t VALUES (\(Int32(1)))")
                    try await c.queue("INSERT INTO t VALUES (\(Int32(1)))")
                }
            }
            #expect(error?.sqlState == "23505")
            #expect(error?.constraint == "t_pkey")
            // The error names the statement that failed, not the COMMIT it travelled with.
            #expect(error?.query?.hasPrefix("INSERT INTO t") == true)
            #expect(try await numbers(db) == [])
            let status = try await db.pool.withConnection { c in c.transactionStatus }
            #expect(status == .idle)
        }
    }

    @Test func failedQueuedStatementIsThrownByTheNextStatement() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            try await db.pool.withConnection { c in try await c.execute("CREATE TABLE t (n int PRIMARY KEY)") }
            try await db.pool.withConnection { c in try await c.execute("INSERT INTO t VALUES (\(Int32(7)))") }
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withTransaction { c in
                    try await c.queue("INSERT INTO t VALUES (\(Int32(7)))")
                    do {
                        _ = try await c.query("SELECT n FROM t")
                        Issue.record("the SELECT should have thrown the queued INSERT's failure")
                    } catch let error as DatabaseError {
                        #expect(error.sqlState == "23505")
                    }
                    // Swallowed: the transaction still cannot commit.
                }
            }
            #expect(error?.sqlState == "25P02")
            #expect(try await numbers(db) == [7])
        }
    }

    @Test func firstStatementFailureLeavesTheConnectionUsable() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            try await db.pool.withConnection { c in try await c.execute("CREATE TABLE t (n int)") }
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withTransaction { c in
                    try await c.queue("INSERT INTO t VALUES (\(Int32(1)))")
                    _ = try await c.query("SELECT 1 / \(Int32(0)) AS x")
                }
            }
            #expect(error?.sqlState == "22012")
            #expect(try await numbers(db) == [])
            let answer = try await db.pool.withConnection { c in try await c.scalar(Int32.self, "SELECT \(Int32(5)) + 1") }
            #expect(answer == 6)
        }
    }

    @Test func refusedQueuedValueSendsNothing() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            try await db.pool.withConnection { c in try await c.execute("CREATE TABLE t (n int, s text)") }
            let before = try await db.pool.withConnection { $0.roundTrips }
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withTransaction { c in
                    try await c.queue("INSERT INTO t VALUES (\(Int32(1)), \("a\u{0}b"))")
                }
            }
            #expect(error?.kind == .client)
            let after = try await db.pool.withConnection { c in (c.roundTrips, c.transactionStatus) }
            // Refused before anything was sent: not even BEGIN or ROLLBACK reached the server.
            #expect(after.0 == before && after.1 == .idle)
            #expect(try await numbers(db) == [])
        }
    }

    @Test func aTransactionInsideAnotherOnTheSameConnectionIsRefused() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            try await db.pool.withConnection { c in try await c.execute("CREATE TABLE t (n int)") }
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withConnection { c in
                    try await c.transaction(isolation: .readCommitted) { c in
                        try await c.execute("INSERT INTO t VALUES (\(Int32(1)))")
                        try await c.transaction(isolation: .readCommitted) { _ in }
                    }
                }
            }
            #expect(error?.kind == .client)
            #expect(try await numbers(db) == [])
        }
    }

    @Test func queueOutsideATransactionRunsAtOnce() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            try await db.pool.withConnection { c in
                try await c.execute("CREATE TABLE t (n int)")
                try await c.queue("INSERT INTO t VALUES (\(Int32(3)))")
            }
            #expect(try await numbers(db) == [3])
        }
    }

    @Test func largeValuesTravelThroughThePipeline() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            try await db.pool.withConnection { c in try await c.execute("CREATE TABLE big (s text)") }
            let value = String(repeating: "0123456789abcdef", count: 3 * 65_536)  // 3 MiB
            let length = try await db.pool.withTransaction { c in
                try await c.queue("INSERT INTO big VALUES (\(value))")
                try await c.queue("INSERT INTO big VALUES (\(value))")
                return try await c.scalar(Int.self, "SELECT sum(length(s))::int8 FROM big")
            }
            #expect(length == 2 * value.utf8.count)
        }
    }

    @Test func statementsOfTheirOwnRunInOneRoundTripEachInItsOwnTransaction() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            var results: [QueryResult] = []
            let trips = try await roundTrips(db) {
                results = try await db.pool.withConnection { c in
                    try await c.queryEach([
                        "SELECT pg_current_xact_id()::text AS xid, pg_advisory_xact_lock(\(Int64(42))) IS NULL AS locked",
                        """
                        SELECT pg_current_xact_id()::text AS xid, count(*)::int8 AS held FROM pg_locks
                        WHERE locktype = 'advisory' AND pid = pg_backend_pid()
                        """,
                    ])
                }
            }
            #expect(trips == 1)
            #expect(results.count == 2)
            // Another transaction, and the first one's lock was let go when it ended.
            #expect(try results[0][0].decode(String.self, column: "xid") != results[1][0].decode(String.self, column: "xid"))
            #expect(try results[1][0].decode(Int.self, column: "held") == 0)
        }
    }

    @Test func aFailedStatementOfItsOwnDoesNotStopTheNextButIsThrown() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            try await db.pool.withConnection { c in try await c.execute("CREATE TABLE t (n int PRIMARY KEY)") }
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withConnection { c in
                    _ = try await c.queryEach(["SELECT 1 / \(Int32(0)) AS n", "INSERT INTO t VALUES (\(Int32(7)))"])
                }
            }
            #expect(error?.sqlState == "22012")
            // The second ran in a transaction of its own, which the first one's failure did not abort.
            #expect(try await numbers(db) == [7])
            await #expect(throws: DatabaseError.self) {
                try await db.pool.withTransaction { c in _ = try await c.queryEach(["SELECT 1 AS n"]) }
            }
        }
    }
}
