import Database
import Foundation
import Testing

@Suite("Type round trips")
struct TypeRoundTripTests {
    @Test func integersAtTheirBounds() async throws {
        try await withTestDatabase { db in
            let ints: [Int] = [.min, -1, 0, 1, .max]
            let int64s: [Int64] = [.min, .max]
            let int32s: [Int32] = [.min, -1, 0, .max]
            let int16s: [Int16] = [.min, -1, 0, .max]
            let result = try await db.pool.withConnection { c in
                (
                    try await ints.asyncMap { try await c.echo($0, as: "int8") },
                    try await int64s.asyncMap { try await c.echo($0, as: "int8") },
                    try await int32s.asyncMap { try await c.echo($0, as: "int4") },
                    try await int16s.asyncMap { try await c.echo($0, as: "int2") },
                    // Narrower columns widen into Int.
                    try await c.scalar(Int.self, "SELECT (-32768)::int2"),
                    try await c.scalar(Int.self, "SELECT 2147483647::int4"),
                    try await c.scalar(Int64.self, "SELECT '-9223372036854775808'::int8")
                )
            }
            #expect(result.0 == ints)
            #expect(result.1 == int64s)
            #expect(result.2 == int32s)
            #expect(result.3 == int16s)
            #expect(result.4 == -32768)
            #expect(result.5 == 2_147_483_647)
            #expect(result.6 == .min)
        }
    }

    @Test func boolsAndStrings() async throws {
        try await withTestDatabase { db in
            let strings = ["", "plain", "ünïcödé ✓ 日本語 🎉", String(repeating: "long ", count: 20_000), " padded ", "line\nbreak\ttab"]
            let result = try await db.pool.withConnection { c in
                (
                    try await [true, false].asyncMap { try await c.echo($0, as: "bool") },
                    try await strings.asyncMap { try await c.echo($0, as: "text") },
                    try await strings.asyncMap { try await c.scalar(String.self, "SELECT \($0)") },
                    try await c.scalar(String.self, "SELECT 'abc'::varchar(10)"),
                    try await c.scalar(String.self, "SELECT 'ab'::char(4)")
                )
            }
            #expect(result.0 == [true, false])
            #expect(result.1 == strings)
            #expect(result.2 == strings)
            #expect(result.3 == "abc")
            #expect(result.4 == "ab  ")
        }
    }

    @Test func doublesIncludingSpecialValues() async throws {
        try await withTestDatabase { db in
            let doubles: [Double] = [0, -0.0, 1.1, -2.5e-300, 1e300, Double.leastNonzeroMagnitude, .greatestFiniteMagnitude, .pi, .infinity, -.infinity]
            let result = try await db.pool.withConnection { c in
                (
                    try await doubles.asyncMap { try await c.echo($0, as: "float8") },
                    try await c.echo(Double.nan, as: "float8"),
                    try await c.scalar(Double.self, "SELECT 'NaN'::float8"),
                    try await c.scalar(Double.self, "SELECT '-Infinity'::float8"),
                    try await c.scalar(Double.self, "SELECT 1.5::float4"),
                    try await c.scalar(Double.self, "SELECT 0.1::float8 + 0.2::float8")
                )
            }
            #expect(result.0 == doubles)
            #expect(result.0[1].sign == .minus)
            #expect(result.1.isNaN)
            #expect(result.2.isNaN)
            #expect(result.3 == -.infinity)
            #expect(result.4 == 1.5)
            #expect(result.5 == 0.1 + 0.2)
        }
    }

    @Test func numericIsExact() async throws {
        try await withTestDatabase { db in
            let texts = [
                "0", "1", "-1", "0.000001", "-0.5",
                "12345678901234567890.123456789012345678",
                "-98765432109876543210987654321098765432",
                "99999999999999999999999999999999999999",
                "0.00000000000000000000000000000000000001",
                "3.14159265358979323846264338327950288",
            ]
            let values = texts.map(decimal)
            let result = try await db.pool.withConnection { c in
                (
                    try await values.asyncMap { try await c.echo($0, as: "numeric") },
                    // Round numbers longer than 38 digits still fit: trailing zeros become exponent.
                    try await c.scalar(Decimal.self, "SELECT 1e40::numeric"),
                    // Negative scale rounds to the left of the point (PostgreSQL 15+).
                    try await c.scalar(Decimal.self, "SELECT 123456789012345678901234567890123::numeric(40, -5)"),
                    try await c.scalar(Decimal.self, "SELECT -42.4200::numeric(10, 4)"),
                    try await c.scalar(Decimal.self, "SELECT 'NaN'::numeric"),
                    try await c.scalar(Decimal.self, "SELECT 7::int4"),
                    try await c.scalar(Double.self, "SELECT 2.5::numeric")
                )
            }
            #expect(result.0 == values)
            #expect(result.0.map(\.description) == values.map(\.description))
            #expect(result.1 == decimal("10000000000000000000000000000000000000000"))
            #expect(result.2 == decimal("123456789012345678901234567900000"))
            #expect(result.3 == decimal("-42.42"))
            #expect(result.4.isNaN)
            #expect(result.5 == 7)
            #expect(result.6 == 2.5)
        }
    }

    @Test func numericBeyondDecimalPrecisionThrowsInsteadOfRounding() async throws {
        try await withTestDatabase { db in
            let error = await #expect(throws: PostgresDecodingError.self) {
                try await db.pool.withConnection { c in
                    try await c.scalar(Decimal.self, "SELECT 1234567890123456789012345678901234567891::numeric AS big")
                }
            }
            #expect(error?.column == "big")
            guard case .outOfRange = error?.reason else {
                Issue.record("expected outOfRange, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func uuids() async throws {
        try await withTestDatabase { db in
            let values = [UUID(), UUID(uuidString: "00000000-0000-0000-0000-000000000000")!,
                          UUID(uuidString: "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")!]
            let result = try await db.pool.withConnection { c in
                (
                    try await values.asyncMap { try await c.echo($0, as: "uuid") },
                    try await c.scalar(UUID.self, "SELECT 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid")
                )
            }
            #expect(result.0 == values)
            #expect(result.1 == UUID(uuidString: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
        }
    }

    /// Instants written to the millisecond keep it, however far from 2001 (a Date's resolution there is
    /// coarser than a microsecond).
    @Test func farInstantsKeepTheirMilliseconds() async throws {
        try await withTestDatabase { db in
            let texts = ["9999-12-31 23:59:59.999", "5000-06-01 00:00:00.999", "2500-06-01 00:00:00.001", "0001-01-01 00:00:00.001",
                         "2026-11-27 19:00:00.785"]
            for text in texts {
                // Proleptic Gregorian days, as PostgreSQL counts them, then the time of day.
                let n = text.split(whereSeparator: { "- :.".contains($0) }).map { Int($0)! }
                let day = try #require(PGDate(year: n[0], month: n[1], day: n[2]))
                let milliseconds = (Int64(day.daysSince1970) * 86_400 + Int64(n[3] * 3600 + n[4] * 60 + n[5])) * 1000 + Int64(n[6])
                let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
                let stored = try await db.pool.withConnection { c in
                    try await c.scalar(String.self, "SELECT to_char(\(date)::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')")
                }
                #expect(stored == text + "000", "\(text)")
            }
        }
    }

    @Test func timestampsKeepMicroseconds() async throws {
        try await withTestDatabase { db in
            let micros: [Int64] = [
                0, 1, -1, 1_709_210_096_789_012, // 2024-02-29 12:34:56.789012
                -2_000_000_000_000_000, // 1906
                -100_000_000_000_000_000, // ~1200 BC
                -210_000_000_000_000_000, // ~4685 BC
                2_000_000_000_000_000_000, // ~65000 AD
            ]
            let dates = micros.map { date(unixMicroseconds: $0) }
            let result = try await db.pool.withConnection { c in
                (
                    try await dates.asyncMap { try await c.echo($0, as: "timestamptz") },
                    try await c.scalar(Date.self, "SELECT '2024-02-29 12:34:56.789012+00'::timestamptz"),
                    try await c.scalar(Date.self, "SELECT '2024-02-29 12:34:56.789012'::timestamp"),
                    try await c.scalar(Date.self, "SELECT '4713-01-01 00:00:00+00 BC'::timestamptz"),
                    try await c.scalar(Date.self, "SELECT '294276-12-31 23:59:59.999999+00'::timestamptz"),
                    try await c.scalar(String.self, "SELECT \(date(unixMicroseconds: 1_709_210_096_789_012))::text")
                )
            }
            #expect(result.0.map(unixMicroseconds) == micros)
            #expect(unixMicroseconds(result.1) == 1_709_210_096_789_012)
            #expect(unixMicroseconds(result.2) == 1_709_210_096_789_012)
            #expect(unixMicroseconds(result.3) == -210_863_520_000_000_000)
            // Beyond Int64 microseconds since 1970; a Double holds it to about 2 ms.
            #expect(abs(result.4.timeIntervalSince1970 - 9_224_318_016_000) < 0.005)
            #expect(result.5 == "2024-02-29 12:34:56.789012+00")
        }
    }

    @Test func timestamptzInOtherSessionTimeZones() async throws {
        try await withTestDatabase(poolSize: 1) { db in
            let result = try await db.pool.withConnection { c in
                try await c.execute("SET TIME ZONE 'Asia/Kolkata'")
                let kolkata = try await c.scalar(Date.self, "SELECT '2024-01-01 00:00:00+00'::timestamptz")
                let kolkataText = try await c.scalar(String.self, "SELECT '2024-01-01 00:00:00+00'::timestamptz::text")
                // Local mean time before 1901 has an offset with seconds: -03:30:52.
                try await c.execute("SET TIME ZONE 'America/St_Johns'")
                let stJohns = try await c.scalar(Date.self, "SELECT '1900-01-01 12:00:00+00'::timestamptz")
                try await c.execute("RESET TIME ZONE")
                return (kolkata, kolkataText, stJohns)
            }
            #expect(unixMicroseconds(result.0) == 1_704_067_200_000_000)
            #expect(result.1 == "2024-01-01 05:30:00+05:30")
            #expect(unixMicroseconds(result.2) == -2_208_945_600_000_000)
        }
    }

    @Test func datesFarPastAndFuture() async throws {
        try await withTestDatabase { db in
            let dates = [
                PGDate(year: 2024, month: 2, day: 29)!, PGDate(year: 1970, month: 1, day: 1)!,
                PGDate(year: 1, month: 1, day: 1)!, PGDate(year: 0, month: 12, day: 31)!,
                PGDate(year: -4712, month: 1, day: 1)!, PGDate(year: 5_874_897, month: 12, day: 31)!,
            ]
            let result = try await db.pool.withConnection { c in
                (
                    try await dates.asyncMap { try await c.echo($0, as: "date") },
                    try await dates.asyncMap { try await c.scalar(String.self, "SELECT \($0)::text") },
                    try await c.scalar(PGDate.self, "SELECT '4713-01-01 BC'::date"),
                    try await c.scalar(PGDate.self, "SELECT '0044-03-15 BC'::date")
                )
            }
            #expect(result.0 == dates)
            #expect(result.1 == ["2024-02-29", "1970-01-01", "0001-01-01", "0001-12-31 BC", "4713-01-01 BC", "5874897-12-31"])
            #expect(result.2 == PGDate(year: -4712, month: 1, day: 1))
            #expect(result.3.description == "-0043-03-15")
            #expect(PGDate(year: 2023, month: 2, day: 29) == nil)
            #expect(PGDate("2024-02-29") == PGDate(year: 2024, month: 2, day: 29))
        }
    }

    @Test func infiniteTimestampsThrowOutOfRange() async throws {
        try await withTestDatabase { db in
            let error = await #expect(throws: PostgresDecodingError.self) {
                try await db.pool.withConnection { c in try await c.scalar(Date.self, "SELECT 'infinity'::timestamptz AS at") }
            }
            #expect(error?.column == "at")
        }
    }

    @Test func byteaWithEveryByteValue() async throws {
        try await withTestDatabase { db in
            let all = Data((0...255).map { UInt8($0) })
            let result = try await db.pool.withConnection { c in
                await (
                    try await c.echo(all, as: "bytea"),
                    try await c.echo(Data(), as: "bytea"),
                    try await c.scalar(Int.self, "SELECT length(\(all))::int8"),
                    try await c.scalar(Data.self, "SELECT '\\xDEADbeef'::bytea")
                )
            }
            #expect(result.0 == all)
            #expect(result.1 == Data())
            #expect(result.2 == 256)
            #expect(result.3 == Data([0xDE, 0xAD, 0xBE, 0xEF]))
        }
    }

    @Test func valuesLargerThanTheSocketBuffersRoundTrip() async throws {
        // 3 MiB each way, many times a Unix socket's buffer: libpq cannot send it in one write nor
        // read it in one, so the statement waits for the socket to take more output and the answer
        // arrives over many reads.
        try await withTestDatabase { db in
            let big = Data(Array(repeating: Array(UInt8.min...UInt8.max), count: 12_288).joined())
            let text = String(repeating: "convoca ✓ ", count: 300_000)
            let result = try await db.pool.withConnection { c in
                await (
                    try await c.echo(big, as: "bytea"),
                    try await c.echo(text, as: "text"),
                    try await c.scalar(Int.self, "SELECT 1::int8")
                )
            }
            #expect(result.0 == big)
            #expect(result.1 == text)
            // The connection is in step afterwards: the next statement gets its own answer.
            #expect(result.2 == 1)
        }
    }

    @Test func textArraysWithAwkwardElements() async throws {
        try await withTestDatabase { db in
            let awkward = ["a", "", "NULL", "null", "with \"quotes\"", "comma,here", "back\\slash", "{braces}",
                           " spaced ", "semi;colon", "ünï ✓", "'single'", "tab\there"]
            let withNulls: [String?] = ["x", nil, "NULL", nil, ""]
            let result = try await db.pool.withConnection { c in
                await (
                    try await c.echo([String](), as: "text[]"),
                    try await c.echo(awkward, as: "text[]"),
                    try await c.echo(withNulls, as: "text[]"),
                    try await c.scalar([String?].self, "SELECT ARRAY['a', NULL, 'b\"c', 'd\\e']::text[]"),
                    try await c.scalar([String].self, "SELECT '{}'::varchar[]"),
                    try await c.scalar(Int.self, "SELECT cardinality(\(awkward))::int8"),
                    try await c.scalar([String].self, "SELECT '[0:1]={x,y}'::text[]")
                )
            }
            #expect(result.0 == [])
            #expect(result.1 == awkward)
            #expect(result.2 == withNulls)
            #expect(result.3 == ["a", nil, "b\"c", "d\\e"])
            #expect(result.4 == [])
            #expect(result.5 == awkward.count)
            #expect(result.6 == ["x", "y"])
        }
    }

    @Test func nullArrayElementIntoNonOptionalThrows() async throws {
        try await withTestDatabase { db in
            let error = await #expect(throws: PostgresDecodingError.self) {
                try await db.pool.withConnection { c in try await c.scalar([String].self, "SELECT ARRAY['a', NULL] AS tags") }
            }
            #expect(error?.column == "tags")
        }
    }

    @Test func uuidAndIntegerArrays() async throws {
        try await withTestDatabase { db in
            let ids = [UUID(), UUID(), UUID()]
            let withNull: [UUID?] = [UUID(), nil]
            let ints = [Int.min, 0, Int.max]
            let result = try await db.pool.withConnection { c in
                await (
                    try await c.echo([UUID](), as: "uuid[]"),
                    try await c.echo(ids, as: "uuid[]"),
                    try await c.echo(withNull, as: "uuid[]"),
                    try await c.echo(ints, as: "int8[]"),
                    try await c.scalar(Bool.self, "SELECT \(ids[1]) = ANY(\(ids))")
                )
            }
            #expect(result.0 == [])
            #expect(result.1 == ids)
            #expect(result.2 == withNull)
            #expect(result.3 == ints)
            #expect(result.4)
        }
    }

    @Test func jsonbAsRawTextAndDecodable() async throws {
        struct Profile: Codable, Equatable {
            var name: String
            var tags: [String]
        }
        try await withTestDatabase { db in
            let profile = Profile(name: "Zoë 🎉 \"quoted\" \\ 日本", tags: ["a", "b"])
            let json = try JSONB(encoding: profile)
            let result = try await db.pool.withConnection { c in
                await (
                    try await c.echo(json, as: "jsonb"),
                    try await c.query("SELECT \(json) AS doc")[0].decodeJSON(Profile.self, column: "doc"),
                    try await c.scalar(JSONB.self, "SELECT '{\"b\": 1,   \"a\": \"\\u00e9\"}'::jsonb"),
                    try await c.scalar(JSONB.self, "SELECT '[1, 2]'::json")
                )
            }
            #expect(try result.0.decode(Profile.self) == profile)
            #expect(result.1 == profile)
            #expect(result.2.text == "{\"a\": \"é\", \"b\": 1}")
            #expect(result.3.text == "[1, 2]")
        }
    }

    @Test func nullsDecodeAsOptionalsAndBindAsNull() async throws {
        try await withTestDatabase { db in
            let noInt: Int? = nil
            let noUUID: UUID? = nil
            let noDate: Date? = nil
            let noText: String? = nil
            let someText: String? = "x"
            let result = try await db.pool.withConnection { c in
                let row = try await c.query("""
                    SELECT NULL::int8 AS i, NULL::text AS t, NULL::uuid AS u, NULL::timestamptz AS ts,
                           NULL::date AS d, NULL::bytea AS b, NULL::text[] AS a, NULL::jsonb AS j,
                           NULL::numeric AS n, NULL::float8 AS f, NULL::bool AS bo, NULL::int2 AS s
                    """)[0]
                let decoded: [Bool] = [
                    try row.decode(Int?.self, column: "i") == nil,
                    try row.decode(String?.self, column: "t") == nil,
                    try row.decode(UUID?.self, column: "u") == nil,
                    try row.decode(Date?.self, column: "ts") == nil,
                    try row.decode(PGDate?.self, column: "d") == nil,
                    try row.decode(Data?.self, column: "b") == nil,
                    try row.decode([String]?.self, column: "a") == nil,
                    try row.decode(JSONB?.self, column: "j") == nil,
                    try row.decode(Decimal?.self, column: "n") == nil,
                    try row.decode(Double?.self, column: "f") == nil,
                    try row.decode(Bool?.self, column: "bo") == nil,
                    try row.decode(Int16?.self, column: "s") == nil,
                ]
                let bound = try await c.query("""
                    SELECT \(noInt) IS NULL, \(noUUID) IS NULL, \(noDate) IS NULL, \(noText) IS NULL, \(someText) IS NULL
                    """)[0]
                return (decoded, try (0..<5).map { try bound.decode(Bool.self, at: $0) })
            }
            #expect(result.0.allSatisfy { $0 })
            #expect(result.1 == [true, true, true, true, false])
        }
    }

    @Test func everyTypeThroughATable() async throws {
        struct Record: Decodable, Equatable {
            var id: UUID
            var name: String
            var count: Int
            var small: Int16
            var medium: Int32
            var active: Bool
            var ratio: Double
            var price: Decimal
            var createdAt: Date
            var birthday: PGDate
            var payload: Data
            var tags: [String]
            var friends: [UUID]
            var settings: Settings
            var note: String?
        }
        struct Settings: Codable, Equatable {
            var dark: Bool
        }
        try await withTestDatabase { db in
            let record = Record(
                id: UUID(), name: "Ada", count: .max, small: .min, medium: .max, active: true, ratio: -0.25,
                price: decimal("1234.5600"), createdAt: date(unixMicroseconds: 1_700_000_000_123_456),
                birthday: PGDate(year: 1815, month: 12, day: 10)!, payload: Data([0, 1, 2, 255]),
                tags: ["x", "y,z"], friends: [UUID()], settings: Settings(dark: true), note: nil
            )
            let decoded = try await db.pool.withConnection { c in
                try await c.execute(unsafeRawMultiStatement: """
                    CREATE TABLE records (
                        id uuid PRIMARY KEY, name text NOT NULL, count int8, small int2, medium int4, active bool,
                        ratio float8, price numeric(12, 4), created_at timestamptz, birthday date, payload bytea,
                        tags text[], friends uuid[], settings jsonb, note text
                    )
                    """)
                let inserted = try await c.execute("""
                    INSERT INTO records VALUES (
                        \(record.id), \(record.name), \(record.count), \(record.small), \(record.medium), \(record.active),
                        \(record.ratio), \(record.price), \(record.createdAt), \(record.birthday), \(record.payload),
                        \(record.tags), \(record.friends), \(try JSONB(encoding: record.settings)), \(record.note)
                    )
                    """)
                let rows = try await c.query("SELECT * FROM records")
                return (inserted, try rows.decode(Record.self, decoder: RowDecoder(keyDecodingStrategy: .convertFromSnakeCase)))
            }
            #expect(decoded.0 == 1)
            #expect(decoded.1 == [record])
        }
    }
}
