import Database
import Testing

@Suite("Prepared statement cache")
struct PreparedStatementTests {
    @Test func sameTextIsPreparedOnceAndReused() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            var results: [Int] = []
            for value in 0..<10 {
                results.append(try await db.pool.withConnection { c in try await c.scalar(Int.self, "SELECT \(value) + 1 AS v") })
            }
            let prepared = try await db.pool.withConnection { c in
                try await c.scalar(Int.self, "SELECT count(*)::int8 FROM pg_prepared_statements WHERE statement = \("SELECT $1 + 1 AS v")")
            }
            #expect(results == Array(1...10))
            #expect(prepared == 1)
        }
    }

    @Test func leastRecentlyUsedStatementsAreEvictedAndDeallocated() async throws {
        try await withTestDatabase(poolSize: 1, configure: { $0.statementCacheCapacity = 3 }) { db in
            let counts = try await db.pool.withConnection { c in
                for index in 0..<8 {
                    _ = try await c.query("SELECT \(index) AS v, \(unsafeRaw: String(index)) AS k")
                }
                let total = try await c.scalar(Int.self, "SELECT count(*)::int8 FROM pg_prepared_statements")
                // Still usable after eviction: the evicted text is prepared again.
                let again = try await c.scalar(Int.self, "SELECT \(5) AS v, 0 AS k")
                return (total, again)
            }
            #expect(counts.0 <= 3)
            #expect(counts.1 == 5)
        }
    }

    @Test func deallocatedStatementsAreTransparentlyPreparedAgain() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            let values = try await db.pool.withConnection { c in
                let first = try await c.scalar(Int.self, "SELECT \(1) * 2")
                try await c.execute(unsafeRawMultiStatement: "DEALLOCATE ALL")
                let second = try await c.scalar(Int.self, "SELECT \(2) * 2")
                return [first, second]
            }
            #expect(values == [2, 4])
        }
    }

    @Test func schemaChangesDoNotBreakCachedStatements() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            let columns = try await db.pool.withConnection { c in
                try await c.execute("CREATE TABLE t (a int)")
                _ = try await c.query("SELECT * FROM t")
                try await c.execute("ALTER TABLE t ADD COLUMN b int")
                return try await c.query("SELECT * FROM t").columnNames
            }
            #expect(columns == ["a", "b"])
        }
    }

    @Test func cacheCanBeDisabled() async throws {
        try await withTestDatabase(poolSize: 1, configure: { $0.statementCacheCapacity = 0 }) { db in
            let result = try await db.pool.withConnection { c in
                let values = try await (0..<3).asyncMap { try await c.scalar(Int.self, "SELECT \($0) + 1") }
                return await (values, try await c.scalar(Int.self, "SELECT count(*)::int8 FROM pg_prepared_statements"))
            }
            #expect(result.0 == [1, 2, 3])
            #expect(result.1 == 0)
        }
    }
}
