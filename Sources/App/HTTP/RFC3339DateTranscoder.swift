import Database
import Foundation
import OpenAPIRuntime

/// Instants on the wire: written in UTC with milliseconds (`2021-06-30T22:00:00.000Z`), read with or without
/// fractional seconds, as RFC 3339 allows (the runtime's own transcoder refuses `2021-06-30T22:00:00Z`).
struct RFC3339DateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String { Representation.instant(date) }

    /// What the decoding error says (`ProblemMapping` recognises it).
    static let notAnInstant = "Expected an RFC 3339 instant."

    func decode(_ text: String) throws -> Date {
        guard let date = Representation.parseInstant(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: Self.notAnInstant))
        }
        return date
    }
}

/// RFC 3339 `date-time`, read strictly: every field must be in range as written (no February 30,
/// hour 24, minute or second 60), in the proleptic Gregorian calendar (as PostgreSQL and the
/// writer count days), and the instant must fall in years 0001–9999 UTC, so that it can be
/// written back as RFC 3339. Digits beyond the millisecond are dropped (truncated, never rounded
/// into the next second or year): what is stored is what answers show.
enum RFC3339 {
    /// 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z, in milliseconds since 1970.
    static let earliest = Int64(PGDate(year: 1, month: 1, day: 1)!.daysSince1970) * 86_400_000
    static let latest = Int64(PGDate(year: 10_000, month: 1, day: 1)!.daysSince1970) * 86_400_000 - 1

    static func parse(_ text: String) -> Date? {
        milliseconds(text).map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    /// Milliseconds since 1970-01-01 UTC; nil unless `text` is an RFC 3339 instant in range.
    static func milliseconds(_ text: String) -> Int64? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.number(4), scanner.take("-"), let month = scanner.number(2), scanner.take("-"),
            let day = scanner.number(2), scanner.take("T") || scanner.take("t"),
            let hour = scanner.number(2), scanner.take(":"), let minute = scanner.number(2), scanner.take(":"),
            let second = scanner.number(2),
            (1...9999).contains(year), hour < 24, minute < 60, second < 60,
            let date = PGDate(year: year, month: month, day: day)
        else { return nil }
        var fraction = 0
        if scanner.take(".") {
            var scale = 100
            var digits = 0
            while let digit = scanner.number(1) {
                fraction += digit * scale
                scale /= 10
                digits += 1
            }
            guard digits > 0 else { return nil }
        }
        var offset = 0
        if !(scanner.take("Z") || scanner.take("z")) {
            let sign: Int
            if scanner.take("+") {
                sign = 1
            } else if scanner.take("-") {
                sign = -1
            } else {
                return nil
            }
            guard let hours = scanner.number(2), scanner.take(":"), let minutes = scanner.number(2), hours < 24, minutes < 60
            else { return nil }
            offset = sign * (hours * 60 + minutes) * 60
        }
        guard scanner.atEnd else { return nil }
        let seconds = Int64(date.daysSince1970) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
        let total = seconds * 1000 + Int64(fraction)
        return (earliest...latest).contains(total) ? total : nil
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        /// Exactly `count` ASCII digits.
        mutating func number(_ count: Int) -> Int? {
            guard bytes.count - index >= count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
    }
}
