import Database
import Foundation
import Testing

@Suite("Row decoding")
struct DecodingTests {
    /// bytea's hex form is read digit by digit, in either case; any other byte, in either place of a
    /// pair, or a digit short, is malformed rather than read as some value.
    @Test func hexByteaIsReadStrictly() throws {
        func read(_ text: [UInt8]) throws -> Data {
            try text.withUnsafeBufferPointer { try Data(postgresText: $0, type: .bytea) }
        }
        #expect(try read(Array("\\x".utf8)) == Data())
        #expect(try read(Array("\\xDEADbeef0019".utf8)) == Data([0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x19]))
        let digits = Set("0123456789abcdefABCDEF".utf8)
        for byte in UInt8.min...UInt8.max where !digits.contains(byte) {
            for text in [Array("\\x00".utf8) + [byte, 0x61], Array("\\x00".utf8) + [0x61, byte], Array("\\x".utf8) + [byte, byte]] {
                #expect(throws: PostgresDecodingError.Reason.self) { try read(text) }
            }
        }
        for text in ["\\x0", "\\xabc", "x00", "\\y00", ""] {
            #expect(throws: PostgresDecodingError.Reason.self, "\(text)") { try read(Array(text.utf8)) }
        }
    }

    @Test func typeMismatchNamesTheColumn() async throws {
        try await withTestDatabase { db in
            let error = await #expect(throws: PostgresDecodingError.self) {
                try await db.pool.withConnection { c in
                    try await c.query("SELECT 'not a number'::text AS display_name")[0].decode(Int.self, column: "display_name")
                }
            }
            #expect(error?.column == "display_name")
            #expect(error?.postgresType == .text)
            #expect(error.map { "\($0)" }?.contains("display_name") == true)
            #expect(error.map { "\($0)" }?.contains("not a number") == false)
            guard case .typeMismatch = error?.reason else {
                Issue.record("expected typeMismatch, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func mismatchesAcrossTypes() async throws {
        try await withTestDatabase { db in
            let failures = try await db.pool.withConnection { c in
                let row = try await c.query("SELECT 1::int8 AS i, 'x'::text AS t, now() AS ts, 70000::int4 AS big")[0]
                var failures: [String] = []
                func expectFailure(_ body: () throws -> Any) {
                    do { _ = try body() } catch let error as PostgresDecodingError { failures.append(error.column) } catch {}
                }
                expectFailure { try row.decode(String.self, column: "i") }
                expectFailure { try row.decode(UUID.self, column: "t") }
                expectFailure { try row.decode(Bool.self, column: "i") }
                expectFailure { try row.decode(Int.self, column: "ts") }
                expectFailure { try row.decode(PGDate.self, column: "ts") }
                expectFailure { try row.decode(Int16.self, column: "big") }
                expectFailure { try row.decode([String].self, column: "t") }
                return failures
            }
            #expect(failures == ["i", "t", "i", "ts", "ts", "big", "t"])
        }
    }

    @Test func nullIntoNonOptionalNamesTheColumn() async throws {
        try await withTestDatabase { db in
            let error = await #expect(throws: PostgresDecodingError.self) {
                try await db.pool.withConnection { c in
                    try await c.query("SELECT NULL::uuid AS owner_id")[0].decode(UUID.self, column: "owner_id")
                }
            }
            #expect(error?.column == "owner_id")
            guard case .unexpectedNull = error?.reason else {
                Issue.record("expected unexpectedNull, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func missingColumnsAndIndexes() async throws {
        try await withTestDatabase { db in
            let errors = try await db.pool.withConnection { c in
                let row = try await c.query("SELECT 1::int8 AS a")[0]
                var columns: [String] = []
                do { _ = try row.decode(Int.self, column: "b") } catch let error as PostgresDecodingError { columns.append(error.column) }
                do { _ = try row.decode(Int.self, at: 3) } catch let error as PostgresDecodingError { columns.append(error.column) }
                // Names are exact: no case folding as PQfnumber would do.
                do { _ = try row.decode(Int.self, column: "A") } catch let error as PostgresDecodingError { columns.append(error.column) }
                return columns
            }
            #expect(errors == ["b", "#3", "A"])
        }
    }

    @Test func accessByNameAndIndex() async throws {
        try await withTestDatabase { db in
            let result = try await db.pool.withConnection { c in
                let rows = try await c.query("SELECT n AS num, n * 2 AS double FROM generate_series(1, 3) AS n")
                return (
                    rows.count, rows.columnNames,
                    try rows.map { try $0.decode(Int.self, column: "num") },
                    try rows.map { try $0.decode(Int.self, at: 1) }
                )
            }
            #expect(result.0 == 3)
            #expect(result.1 == ["num", "double"])
            #expect(result.2 == [1, 2, 3])
            #expect(result.3 == [2, 4, 6])
        }
    }

    @Test func rawTextAccessForHotPaths() async throws {
        try await withTestDatabase { db in
            let result = try await db.pool.withConnection { c in
                let row = try await c.query("SELECT 42::int8 AS n, NULL::text AS missing, '{\"a\": [1, 2]}'::jsonb AS doc")[0]
                let bytes = try row.withRawText(at: 0) { Array($0!) }
                let null = try row.withRawText(at: 1) { $0 == nil }
                return (bytes, null, try row.rawText(column: "doc"), try row.rawText(at: 1))
            }
            #expect(result.0 == Array("42".utf8))
            #expect(result.1)
            #expect(result.2 == "{\"a\": [1, 2]}")
            #expect(result.3 == nil)
        }
    }

    @Test func decodableRowsWithRowDecoder() async throws {
        enum Status: String, Decodable {
            case active, banned
        }
        struct Address: Decodable, Equatable {
            var city: String
        }
        struct User: Decodable, Equatable {
            var id: Int
            var displayName: String
            var nickname: String?
            var status: Status
            var address: Address
            var tags: [String]
            var score: Decimal
            var ratio: Float
            var level: UInt8
        }
        try await withTestDatabase { db in
            let users = try await db.pool.withConnection { c in
                try await c.query("""
                    SELECT 1::int8 AS id, 'Ada' AS display_name, NULL::text AS nickname, 'active' AS status,
                           '{"city": "London"}'::jsonb AS address, ARRAY['a', 'b'] AS tags, 9.75::numeric AS score,
                           0.5::float8 AS ratio, 7::int2 AS level
                    """).decode(User.self, decoder: RowDecoder(keyDecodingStrategy: .convertFromSnakeCase))
            }
            #expect(users == [User(
                id: 1, displayName: "Ada", nickname: nil, status: .active, address: Address(city: "London"),
                tags: ["a", "b"], score: decimal("9.75"), ratio: 0.5, level: 7
            )])
        }
    }

    @Test func rowDecoderReportsTheFailingColumn() async throws {
        struct Item: Decodable {
            var id: Int
            var name: String
        }
        try await withTestDatabase { db in
            let missing = await #expect(throws: PostgresDecodingError.self) {
                try await db.pool.withConnection { c in try await c.query("SELECT 1::int8 AS id").decode(Item.self) }
            }
            #expect(missing?.column == "name")
            let null = await #expect(throws: PostgresDecodingError.self) {
                try await db.pool.withConnection { c in try await c.query("SELECT 1::int8 AS id, NULL::text AS name").decode(Item.self) }
            }
            #expect(null?.column == "name")
            let single = try await db.pool.withConnection { c in try await c.query("SELECT 5::int8")[0].decode(Int.self) }
            #expect(single == 5)
        }
    }

    @Test func executeReportsAffectedRows() async throws {
        try await withTestDatabase { db in
            let counts = try await db.pool.withConnection { c in
                try await c.execute(unsafeRawMultiStatement: "CREATE TABLE t (n int); CREATE INDEX ON t (n);")
                let inserted = try await c.execute("INSERT INTO t SELECT generate_series(1, \(5))")
                let updated = try await c.execute("UPDATE t SET n = n + 1 WHERE n > \(2)")
                let deleted = try await c.execute("DELETE FROM t")
                let selected = try await c.query("SELECT 1 FROM generate_series(1, 4)").rowsAffected
                return [inserted, updated, deleted, selected]
            }
            #expect(counts == [5, 3, 5, 4])
        }
    }
}
