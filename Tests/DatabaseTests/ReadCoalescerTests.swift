import Database
import Foundation
import Testing

@Suite("Coalesced reads")
struct ReadCoalescerTests {
    /// A table of 200 rows (`id` → `id * 10`), and a coalescer over it that counts its statements.
    private func withNumbers(
        poolSize: Int = 2, batchesPerLoop: Int = 1, maxBatch: Int = 64,
        _ body: (TestDatabase, ReadCoalescer<Int, Int>, Counter) async throws -> Void
    ) async throws {
        try await withTestDatabase(poolSize: poolSize) { db in
            try await db.pool.withConnection { c in
                try await c.execute("CREATE TABLE numbers (id int8 PRIMARY KEY, value int8 NOT NULL)")
                try await c.execute("INSERT INTO numbers SELECT n, n * 10 FROM generate_series(1, 200) AS n")
            }
            let statements = Counter()
            let pool = db.pool
            let reads = ReadCoalescer<Int, Int>(batchesPerLoop: batchesPerLoop, maxBatch: maxBatch) { keys in
                statements.increment()
                return try await pool.withConnection { c in
                    var found: [Int: Int] = [:]
                    for row in try await c.query("SELECT id, value FROM numbers WHERE id = ANY(\(keys))") {
                        found[try row.decode(Int.self, column: "id")] = try row.decode(Int.self, column: "value")
                    }
                    return found
                }
            }
            try await body(db, reads, statements)
        }
    }

    @Test func everyReadGetsItsOwnRecordWhenManyShareStatements() async throws {
        try await withNumbers { _, reads, statements in
            // Keys 1…250, some twice, some without a record, all at once from many tasks and both loops.
            let keys = Array(1...250) + Array(1...50)
            let answers = try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
                for (index, key) in keys.enumerated() {
                    group.addTask(executorPreference: DatabaseEventLoop.shared[index % DatabaseEventLoop.shared.count]) {
                        (key, try await reads.read(key))
                    }
                }
                return try await group.reduce(into: [(Int, Int?)]()) { $0.append($1) }
            }
            #expect(answers.count == keys.count)
            for (key, value) in answers {
                #expect(value == (key <= 200 ? key * 10 : nil), "key \(key)")
            }
            // With one batch in flight per loop, reads that arrive meanwhile share the next statement.
            #expect(statements.current < keys.count)
        }
    }

    @Test func aReadAloneRunsAtOnceAndSeesWhatWasWrittenBeforeIt() async throws {
        try await withNumbers { db, reads, statements in
            #expect(try await reads.read(7) == 70)
            #expect(statements.current == 1)
            try await db.pool.withConnection { c in try await c.execute("UPDATE numbers SET value = 1 WHERE id = 7") }
            #expect(try await reads.read(7) == 1)
            #expect(try await reads.read(999) == nil)
            #expect(statements.current == 3)
        }
    }

    @Test func aFailedStatementFailsEveryReadInItAndTheNextReadsStillRun() async throws {
        try await withNumbers(maxBatch: 8) { db, reads, _ in
            try await db.pool.withConnection { c in try await c.execute("ALTER TABLE numbers RENAME TO gone") }
            let failures = await withTaskGroup(of: Bool.self) { group in
                for key in 1...40 {
                    group.addTask {
                        do {
                            _ = try await reads.read(key)
                            return false
                        } catch let error as DatabaseError {
                            return error.sqlState == "42P01"
                        } catch {
                            return false
                        }
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(failures == 40)
            try await db.pool.withConnection { c in try await c.execute("ALTER TABLE gone RENAME TO numbers") }
            #expect(try await reads.read(3) == 30)
        }
    }
}

@Suite("Coalesced reads, cancelled")
struct ReadCoalescerCancellationTests {
    /// A read is cancelled while it waits for the batch in front of it; it then runs the next batch, for
    /// itself and the reads behind it, and finds no free connection: it gets the cancellation, and the reads
    /// in its batch, which were not cancelled, are read again and answered.
    @Test func aCancelledBatchReaderDoesNotFailTheOthers() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            let pool = db.pool
            let firstHasTheConnection = Flag()
            let reads = ReadCoalescer<Int, Int>(batchesPerLoop: 1) { keys in
                try await pool.withConnection { c in
                    // The first batch holds the only connection a while.
                    if keys.contains(1) {
                        firstHasTheConnection.set()
                        try await c.execute("SELECT pg_sleep(0.3)")
                    }
                    var found: [Int: Int] = [:]
                    for row in try await c.query("SELECT n FROM generate_series(1, 100) AS n WHERE n = ANY(\(keys))") {
                        let n = try row.decode(Int.self, column: "n")
                        found[n] = n * 10
                    }
                    return found
                }
            }
            let loop = DatabaseEventLoop.shared[0]
            let first = Task(executorPreference: loop) { try await reads.read(1) }
            try await firstHasTheConnection.wait()
            // Waits behind the first batch; it will be cancelled before its turn comes.
            let cancelled = Task(executorPreference: loop) { try await reads.read(2) }
            try await Task.sleep(for: .milliseconds(20))
            let others = Task(executorPreference: loop) {
                try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
                    for key in [3, 4] { group.addTask(executorPreference: loop) { (key, try await reads.read(key)) } }
                    return try await group.reduce(into: [Int: Int?]()) { $0[$1.0] = $1.1 }
                }
            }
            // Takes the connection as the first batch lets it go, and keeps it until told.
            let release = Flag()
            let holder = Task { try await pool.withConnection { _ in try await release.wait(timeout: .seconds(30)) } }
            try await Task.sleep(for: .milliseconds(50))
            cancelled.cancel()
            #expect(try await first.value == 10)
            await #expect(throws: CancellationError.self) { try await cancelled.value }
            release.set()
            try await holder.value
            #expect(try await others.value == [3: 30, 4: 40])
        }
    }
}
