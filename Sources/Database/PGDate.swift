/// A calendar date without time or zone, matching PostgreSQL's `date`.
///
/// Years are astronomical (0 is 1 BC, -1 is 2 BC) in the proleptic Gregorian calendar,
/// as PostgreSQL computes them. Codable as an ISO 8601 string ("2024-02-29").
public struct PGDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var daysSince1970: Int

    public init(daysSince1970: Int) {
        self.daysSince1970 = daysSince1970
    }

    /// Nil when the day does not exist (e.g. February 30).
    public init?(year: Int, month: Int, day: Int) {
        // Far beyond PostgreSQL's range (4713 BC to 5874897 AD), and safe from arithmetic overflow.
        guard abs(year) <= 100_000_000, (1...12).contains(month), (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day) else {
            return nil
        }
        daysSince1970 = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
    }

    /// Parses ISO 8601 `YYYY-MM-DD` (a leading `-` for years before year 0).
    public init?(_ iso: String) {
        var text = Substring(iso)
        let negative = text.first == "-"
        if negative { text = text.dropFirst() }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count >= 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        self.init(year: negative ? -year : year, month: month, day: day)
    }

    /// Astronomical year: 0 is 1 BC.
    public var year: Int { CivilCalendar.civilFromDays(daysSince1970).year }
    public var month: Int { CivilCalendar.civilFromDays(daysSince1970).month }
    public var day: Int { CivilCalendar.civilFromDays(daysSince1970).day }

    /// ISO 8601 `YYYY-MM-DD`.
    public var description: String {
        let civil = CivilCalendar.civilFromDays(daysSince1970)
        var buffer: [UInt8] = []
        if civil.year < 0 { buffer.append(UInt8(ascii: "-")) }
        CivilCalendar.appendPadded(abs(civil.year), width: 4, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        CivilCalendar.appendPadded(civil.month, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        CivilCalendar.appendPadded(civil.day, width: 2, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    public static func < (lhs: PGDate, rhs: PGDate) -> Bool {
        lhs.daysSince1970 < rhs.daysSince1970
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = PGDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a YYYY-MM-DD date")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension PGDate: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .date }

    public func encodePostgres(into buffer: inout [UInt8]) {
        CivilCalendar.appendDate(daysSince1970: daysSince1970, to: &buffer)
    }

    /// Infinite dates throw `.outOfRange`.
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        guard type == .date else { throw PostgresDecodingError.Reason.typeMismatch }
        daysSince1970 = try CivilCalendar.parseDate(bytes)
    }
}
