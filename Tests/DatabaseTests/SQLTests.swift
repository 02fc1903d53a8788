import Database
import Foundation
import Testing

@Suite("SQL building")
struct SQLTests {
    @Test func interpolatedValuesBecomeNumberedParameters() {
        let email = "a@b.c"
        let sql: SQL = "SELECT * FROM users WHERE email = \(email) AND age > \(18) AND id = \(UUID())"
        #expect(sql.text == "SELECT * FROM users WHERE email = $1 AND age > $2 AND id = $3")
        #expect(sql.parameterCount == 3)
        #expect(sql.parameterTypes == [.text, .int8, .uuid])
    }

    @Test func literalsStayText() {
        let sql: SQL = "SELECT 1"
        #expect(sql.text == "SELECT 1")
        #expect(sql.parameterCount == 0)
    }

    @Test func fragmentsAreRenumberedWhenComposed() {
        let filter: SQL = "status = \("open") AND owner = \(7)"
        let sql: SQL = "SELECT * FROM t WHERE id > \(1) AND \(filter) LIMIT \(10)"
        #expect(sql.text == "SELECT * FROM t WHERE id > $1 AND status = $2 AND owner = $3 LIMIT $4")
        #expect(sql.parameterTypes == [.int8, .text, .int8, .int8])

        var appended: SQL = "SELECT \(1)"
        appended += " + \(2)"
        appended.append(" + \(3)")
        #expect(appended.text == "SELECT $1 + $2 + $3")

        let values = [1, 2, 3].map { value -> SQL in "(\(value), \("x"))" }
        let insert: SQL = "INSERT INTO t VALUES " + values.joined(separator: ", ")
        #expect(insert.text == "INSERT INTO t VALUES ($1, $2), ($3, $4), ($5, $6)")
    }

    @Test func rawTextOnlyThroughTheLoudlyNamedEscapeHatch() {
        let table = "users"
        let sql: SQL = "SELECT count(*) FROM \(unsafeRaw: table) WHERE name = \(table)"
        #expect(sql.text == "SELECT count(*) FROM users WHERE name = $1")
        #expect(SQL(unsafeRaw: "SELECT 1; SELECT 2").text == "SELECT 1; SELECT 2")
    }

    @Test func descriptionNeverShowsValues() {
        let secret = "hunter2-secret"
        let sql: SQL = "UPDATE users SET password = \(secret)"
        #expect(!sql.description.contains(secret))
        #expect(!"\(sql)".contains(secret))
        #expect(String(reflecting: sql).contains(secret))
    }
}

@Suite("Injection-shaped values")
struct InjectionTests {
    static let values = [
        "'", "''", "\"", ";", "\\", "\\'", "'; DROP TABLE x; --", "x'); DROP TABLE x; --", "$1", "$2::int",
        "$$", "$tag$ body $tag$", "' OR '1'='1", "-- comment", "/* comment */", "E'\\x41'", "\\x00ff",
        "%_", "{\"a\",NULL}", "NULL", "\u{202E}rtl", "emoji 🎉'; --",
    ]

    @Test func valuesRoundTripUnchangedAndTheTableSurvives() async throws {
        try await withTestDatabase { db in
            let result = try await db.pool.withConnection { c in
                try await c.execute("CREATE TABLE x (id serial PRIMARY KEY, v text NOT NULL)")
                var echoed: [String] = []
                var matches: [Int] = []
                for value in InjectionTests.values {
                    try await c.execute("INSERT INTO x (v) VALUES (\(value))")
                    await echoed.append(try await c.scalar(String.self, "SELECT \(value)"))
                    await matches.append(try await c.scalar(Int.self, "SELECT count(*)::int8 FROM x WHERE v = \(value)"))
                }
                let stored = try await c.query("SELECT v FROM x ORDER BY id").map { try $0.decode(String.self, column: "v") }
                let arrays = try await c.echo(InjectionTests.values, as: "text[]")
                let tables = try await c.scalar(Int.self, "SELECT count(*)::int8 FROM pg_tables WHERE tablename = 'x'")
                return (echoed, matches, stored, arrays, tables)
            }
            #expect(result.0 == InjectionTests.values)
            #expect(result.1.allSatisfy { $0 == 1 })
            #expect(result.2 == InjectionTests.values)
            #expect(result.3 == InjectionTests.values)
            #expect(result.4 == 1)
        }
    }

    @Test func nulByteInStringIsRejectedBeforeSending() async throws {
        try await withTestDatabase { db in
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withConnection { c in try await c.scalar(String.self, "SELECT \("a\u{0}b")") }
            }
            #expect(error?.kind == .client)
            // The connection is still fine afterwards.
            let one = try await db.pool.withConnection { c in try await c.scalar(Int.self, "SELECT 1::int8") }
            #expect(one == 1)
        }
    }
}
