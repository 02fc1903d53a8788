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
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { fail(pointer, .mustNotBeBlank) }
        if value.count > max { fail(pointer, .mustBeAtMost(characters: max)) }
    }

    mutating func currency(_ code: String, _ pointer: String) {
        check(ReferenceData.currencyCodes.contains(code), pointer, .notACurrencyCode)
    }

    mutating func email(_ value: String?, _ pointer: String) {
        guard let value else { return }
        check(Self.looksLikeEmail(value), pointer, .notAnEmail)
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

    static func looksLikeEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), value.count <= 254
        else { return false }
        return !value.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," })
    }

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
