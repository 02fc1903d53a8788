import Foundation

/// Proleptic Gregorian date arithmetic and PostgreSQL's ISO date/timestamp text forms.
///
/// Instants are microseconds since 2000-01-01 00:00 UTC, PostgreSQL's own epoch, so its
/// whole timestamp range (4713 BC to 294276 AD) fits in Int64.
enum CivilCalendar {
    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerDay: Int64 = 86_400_000_000
    /// Seconds from 2000-01-01 (PostgreSQL's epoch) to 2001-01-01 (Foundation's reference date).
    static let secondsFrom2000To2001: Int64 = 31_622_400
    /// Days from 1970-01-01 to 2000-01-01.
    static let daysFrom1970To2000 = 10_957

    /// Days since 1970-01-01 for an astronomical year (0 = 1 BC), month and day.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = (month + 9) % 12
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Microseconds since 2000-01-01 UTC, rounded; nil when the Date is not finite or too far out.
    static func microseconds(of date: Date) -> Int64? {
        let interval = date.timeIntervalSinceReferenceDate
        // Beyond ±1e15 s the Int64 conversion itself could trap; PostgreSQL's range ends near 9.2e12 s.
        guard interval.isFinite, abs(interval) < 1.0e15 else { return nil }
        // Split first so the fraction keeps its precision.
        let whole = interval.rounded(.down)
        var fraction = Int64(((interval - whole) * 1_000_000).rounded())
        // Far from 2001 a Date cannot hold a microsecond (about 30 µs apart in year 9999): an instant
        // written to the millisecond (9999-12-31T23:59:59.999Z) would be stored a few microseconds off,
        // and read back, to the millisecond, as the one before. Within the Date's own error of a whole
        // millisecond, it is that millisecond. (Near 2001 the error is under a microsecond: nothing moves.)
        let tolerance = Int64(interval.ulp * 2 * 1_000_000)
        if tolerance > 0 {
            let millisecond = (fraction + 500) / 1000 * 1000
            if abs(fraction - millisecond) <= tolerance { fraction = millisecond }
        }
        let (micros, overflow1) = (Int64(whole) + secondsFrom2000To2001).multipliedReportingOverflow(by: microsPerSecond)
        let (total, overflow2) = micros.addingReportingOverflow(fraction)
        return overflow1 || overflow2 ? nil : total
    }

    static func date(microseconds: Int64) -> Date {
        let (seconds, fraction) = floorDivide(microseconds, microsPerSecond)
        return Date(timeIntervalSinceReferenceDate: Double(seconds - secondsFrom2000To2001) + Double(fraction) / 1_000_000)
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    /// Writes `YYYY-MM-DD HH:MM:SS.ffffff+00[ BC]`; nil (non-representable) writes text the server rejects.
    static func appendTimestamp(microseconds: Int64?, to buffer: inout [UInt8]) {
        guard let microseconds else {
            // An unrepresentable Date must fail loudly on the server rather than crash or change value.
            buffer.append(contentsOf: "out-of-range".utf8)
            return
        }
        let (days, timeOfDay) = floorDivide(microseconds, microsPerDay)
        let civil = civilFromDays(Int(days) + daysFrom1970To2000)
        appendYearMonthDay(civil, to: &buffer)
        let (seconds, fraction) = floorDivide(timeOfDay, microsPerSecond)
        buffer.append(UInt8(ascii: " "))
        appendPadded(Int(seconds / 3600), width: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendPadded(Int(seconds / 60 % 60), width: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendPadded(Int(seconds % 60), width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "."))
        appendPadded(Int(fraction), width: 6, to: &buffer)
        buffer.append(contentsOf: "+00".utf8)
        if civil.year <= 0 { buffer.append(contentsOf: " BC".utf8) }
    }

    /// Writes `YYYY-MM-DD[ BC]` for days since 1970-01-01.
    static func appendDate(daysSince1970 days: Int, to buffer: inout [UInt8]) {
        let civil = civilFromDays(days)
        appendYearMonthDay(civil, to: &buffer)
        if civil.year <= 0 { buffer.append(contentsOf: " BC".utf8) }
    }

    private static func appendYearMonthDay(_ civil: (year: Int, month: Int, day: Int), to buffer: inout [UInt8]) {
        // PostgreSQL has no year 0: astronomical year 0 is 1 BC.
        appendPadded(civil.year <= 0 ? 1 - civil.year : civil.year, width: 4, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendPadded(civil.month, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendPadded(civil.day, width: 2, to: &buffer)
    }

    static func appendPadded(_ value: Int, width: Int, to buffer: inout [UInt8]) {
        var digits: [UInt8] = []
        TextFormat.appendInteger(Int64(value), to: &digits)
        if digits.count < width { buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits.count)) }
        buffer.append(contentsOf: digits)
    }

    /// Parses ISO-style timestamp output into microseconds since 2000-01-01 UTC.
    static func parseTimestamp(_ bytes: UnsafeBufferPointer<UInt8>, hasZone: Bool) throws -> Int64 {
        var scanner = Scanner(bytes: bytes)
        if scanner.isInfinity { throw PostgresDecodingError.Reason.outOfRange }
        guard let (year, month, day) = scanner.yearMonthDay(),
              scanner.take(UInt8(ascii: " ")) || scanner.take(UInt8(ascii: "T")),
              let hour = scanner.digits(exactly: 2), scanner.take(UInt8(ascii: ":")),
              let minute = scanner.digits(exactly: 2), scanner.take(UInt8(ascii: ":")),
              let second = scanner.digits(exactly: 2)
        else { throw PostgresDecodingError.Reason.malformed("timestamp") }
        var fraction = 0
        if scanner.take(UInt8(ascii: ".")) {
            var scale = 100_000
            var any = false
            while let digit = scanner.digit() {
                fraction += digit * scale
                scale /= 10
                any = true
            }
            guard any else { throw PostgresDecodingError.Reason.malformed("timestamp") }
        }
        var offsetSeconds = 0
        if hasZone {
            let sign: Int
            if scanner.take(UInt8(ascii: "+")) {
                sign = 1
            } else if scanner.take(UInt8(ascii: "-")) {
                sign = -1
            } else {
                throw PostgresDecodingError.Reason.malformed("timestamptz")
            }
            guard let hours = scanner.digits(exactly: 2) else { throw PostgresDecodingError.Reason.malformed("timestamptz") }
            var offset = hours * 3600
            if scanner.take(UInt8(ascii: ":")) {
                guard let minutes = scanner.digits(exactly: 2) else { throw PostgresDecodingError.Reason.malformed("timestamptz") }
                offset += minutes * 60
                if scanner.take(UInt8(ascii: ":")) {
                    guard let seconds = scanner.digits(exactly: 2) else { throw PostgresDecodingError.Reason.malformed("timestamptz") }
                    offset += seconds
                }
            }
            offsetSeconds = sign * offset
        }
        let astronomicalYear = scanner.takeBC() ? 1 - year : year
        guard scanner.atEnd, (1...12).contains(month),
              (1...daysInMonth(year: astronomicalYear, month: month)).contains(day),
              hour < 24, minute < 60, second < 61
        else { throw PostgresDecodingError.Reason.malformed("timestamp") }
        let days = Int64(daysFromCivil(year: astronomicalYear, month: month, day: day) - daysFrom1970To2000)
        let seconds = Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        let (dayMicros, overflow1) = days.multipliedReportingOverflow(by: microsPerDay)
        let (total, overflow2) = dayMicros.addingReportingOverflow(seconds * microsPerSecond + Int64(fraction))
        guard !overflow1, !overflow2 else { throw PostgresDecodingError.Reason.outOfRange }
        return total
    }

    /// Parses `YYYY-MM-DD[ BC]` into days since 1970-01-01.
    static func parseDate(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Int {
        var scanner = Scanner(bytes: bytes)
        if scanner.isInfinity { throw PostgresDecodingError.Reason.outOfRange }
        guard let (year, month, day) = scanner.yearMonthDay() else { throw PostgresDecodingError.Reason.malformed("date") }
        let astronomicalYear = scanner.takeBC() ? 1 - year : year
        guard scanner.atEnd, (1...12).contains(month),
              (1...daysInMonth(year: astronomicalYear, month: month)).contains(day)
        else { throw PostgresDecodingError.Reason.malformed("date") }
        return daysFromCivil(year: astronomicalYear, month: month, day: day)
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        var isInfinity: Bool {
            let text = String(decoding: bytes, as: UTF8.self)
            return text == "infinity" || text == "-infinity"
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int? {
            guard index < bytes.count else { return nil }
            let value = bytes[index] &- UInt8(ascii: "0")
            guard value < 10 else { return nil }
            index += 1
            return Int(value)
        }

        mutating func digits(exactly count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }

        /// Year has four or more digits (up to PostgreSQL's 5874897 AD for dates).
        mutating func yearMonthDay() -> (Int, Int, Int)? {
            var year = 0
            var yearDigits = 0
            while let digit = digit() {
                year = year * 10 + digit
                yearDigits += 1
                if yearDigits > 9 { return nil }
            }
            guard yearDigits >= 4, take(UInt8(ascii: "-")), let month = digits(exactly: 2),
                  take(UInt8(ascii: "-")), let day = digits(exactly: 2) else { return nil }
            return (year, month, day)
        }

        mutating func takeBC() -> Bool {
            guard bytes.count - index == 3, bytes[index] == UInt8(ascii: " "),
                  bytes[index + 1] == UInt8(ascii: "B"), bytes[index + 2] == UInt8(ascii: "C") else { return false }
            index += 3
            return true
        }
    }
}
