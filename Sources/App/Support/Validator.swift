import Database
import Foundation

/// Collects every problem with a request body, each with a JSON Pointer, so the client sees all at once.
struct Validator {
    private(set) var errors: [Problem.FieldError] = []

    mutating func fail(_ pointer: String, _ detail: Message) {
        errors.append(.init(pointer: pointer, detail: detail))
    }

    mutating func check(_ condition: Bool, _ pointer: String, _ detail: Message) {
        if !condition { fail(pointer, detail) }
    }

    mutating func text(_ value: String?, _ pointer: String, required: Bool = false, max: Int) {
        guard let value else {
            if required { fail(pointer, .required) }
            return
        }
        if value.isBlank { fail(pointer, .mustNotBeBlank) }
        if value.count > max { fail(pointer, .mustBeAtMost(characters: max)) }
    }

    mutating func currency(_ code: String, _ pointer: String) {
        check(ReferenceData.currencyCodes.contains(code), pointer, .notACurrencyCode)
    }

    mutating func email(_ value: String?, _ pointer: String) {
        guard let value else { return }
        check(Self.isEmailAddress(value), pointer, .notAnEmail)
    }

    mutating func date(_ value: String?, _ pointer: String) {
        guard let value else { return }
        check(Self.calendarDate(value) != nil, pointer, .notADate)
    }

    mutating func unique<T: Hashable>(_ values: [T], _ pointer: String, what: Message.Item = .value) {
        var seen = Set<T>()
        for (index, value) in values.enumerated() where !seen.insert(value).inserted {
            fail("\(pointer)/\(index)", .repeatsEarlier(what))
        }
    }

    func throwIfInvalid() throws(Problem) {
        if !errors.isEmpty { throw Problem.validation(errors) }
    }

    /// An address as RFC 5321 writes a mailbox, in ASCII (JSON Schema's `email`): a dot-atom local
    /// part of at most 64 characters, an `@`, and a domain of at least two letter-digit-hyphen
    /// labels (1–63 characters, no hyphen first or last, the last not all digits); 254 in all.
    /// Quoted local parts and address literals (`[192.0.2.1]`) are refused: nobody a call writes
    /// to needs them, and they are how odd characters get in.
    static func isEmailAddress(_ value: String) -> Bool {
        guard value.utf8.count <= 254, let at = value.lastIndex(of: "@") else { return false }
        let local = value[..<at].unicodeScalars
        let labels = value[value.index(after: at)...].unicodeScalars.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...64).contains(local.count),
            local.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ atom in
                !atom.isEmpty && atom.allSatisfy { $0.isASCIILetterOrDigit || "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains($0) }
            }),
            labels.count >= 2, labels.allSatisfy({ label in
                (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                    && label.allSatisfy { $0.isASCIILetterOrDigit || $0 == "-" }
            }),
            let last = labels.last, !last.allSatisfy({ ("0"..."9").contains($0) })
        else { return false }
        return true
    }

    /// A tz database name (`Europe/Zurich`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`, `UTC`),
    /// which other systems reading it (PostgreSQL, browsers) know too. Foundation also makes up
    /// zones from offsets (`GMT+5`, `UTC+03:00`), whose sign `Etc/GMT+5` and POSIX read the other
    /// way round; those are refused. Its own list lacks some current names (`Asia/Kolkata`), so a
    /// name it resolves under one of the tz database's areas counts too.
    static func isTimeZoneName(_ name: String) -> Bool {
        guard TimeZone(identifier: name) != nil else { return false }
        if name == "UTC" || knownTimeZones.contains(name) { return true }
        guard let slash = name.firstIndex(of: "/") else { return false }
        return timeZoneAreas.contains(String(name[..<slash]))
    }

    private static let knownTimeZones = Set(TimeZone.knownTimeZoneIdentifiers)
    private static let timeZoneAreas: Set<String> = [
        "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific", "Etc",
    ]

    /// A strict `YYYY-MM-DD` reading (no rollover of 2021-02-30 into March), years 0001–9999 of the
    /// proleptic Gregorian calendar, as PostgreSQL and RFC 3339 count them (1582-10-10 exists).
    static func calendarDate(_ value: String) -> DateComponents? {
        let bytes = Array(value.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes.indices.allSatisfy({ [4, 7].contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) })
        else { return nil }
        let parts = value.split(separator: "-")
        guard let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1,
            PGDate(year: year, month: month, day: day) != nil
        else { return nil }
        return DateComponents(year: year, month: month, day: day)
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetterOrDigit: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
