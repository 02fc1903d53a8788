import Foundation
import Rules

/// Converting between the contract's generated types and the JSON documents the database keeps.
enum Representation {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(instant(date))
        }
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseInstant(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: RFC3339DateTranscoder.notAnInstant)
            }
            return date
        }
        return decoder
    }()

    /// RFC 3339 in UTC with milliseconds, digits beyond them dropped as PostgreSQL's `to_char` drops
    /// them (`SQLInstant`), so an instant reads the same whichever side wrote it (a receipt's
    /// `submittedAt` and a message that quotes it). A date that is a whole millisecond but for the
    /// floating point's error is that millisecond (a formatter working on the floating-point seconds
    /// turns `.435` into `.434` about half the time); PostgreSQL's microseconds are further apart.
    static func instant(_ date: Date) -> String {
        let scaled = date.timeIntervalSince1970 * 1000
        let nearest = scaled.rounded()
        let milliseconds = Int64(abs(scaled - nearest) <= max(scaled.ulp * 2, 0.000_5) ? nearest : scaled.rounded(.down))
        var seconds = time_t(milliseconds.floorDivided(by: 1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(milliseconds - Int64(seconds) * 1000), 3))Z"
    }

    /// Strict RFC 3339 (see `RFC3339`): nil for an impossible or out-of-range instant.
    static func parseInstant(_ text: String) -> Date? { RFC3339.parse(text) }

    /// What every stored resource adds to its input document.
    static let bookkeeping: Set<String> = ["id", "version", "createdAt", "updatedAt"]

    /// A stored representation minus what the service keeps: the document a client may patch.
    static func inputPart(of json: String, serviceKeys: Set<String> = bookkeeping) throws -> JSONValue {
        guard case .object(var fields) = try JSONValue(parsing: Array(json.utf8)) else { return .object([:]) }
        for key in serviceKeys { fields.removeValue(forKey: key) }
        return .object(fields)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func value<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONValue(parsing: encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
        try decoder.decode(type, from: Data(json.utf8))
    }

    /// `current` with the RFC 7396 `patch` merged in, decoded as contract schema `schema`. A member
    /// the patch names that the schema does not know is refused whatever its value (as `null` it
    /// would vanish in the merge, and a misspelt deletion would pass for done), together with
    /// anything else the merged document breaks. Nil when the patch changes nothing (and names only
    /// known members): there is no change to make. `canonical` is how the service writes a value
    /// (ids in lower case): values that differ only in what it changes are no change either.
    static func decodePatched<T: Decodable & Equatable>(
        _ type: T.Type, schema: String, patch: JSONValue, onto current: JSONValue, now: Date,
        canonical: (T) -> T = { $0 }
    ) throws(Problem) -> T? {
        let merged = MergePatch.apply(patch, to: current)
        let unknown = ContractConstraints.shared.unknownMembers(inPatch: patch, schema: schema)
        guard !unknown.isEmpty else {
            if merged == current { return nil }
            let input = try decodeInput(type, schema: schema, from: merged, now: now)
            // The same values written another way (an instant without its milliseconds) are no change either.
            if let before = try? decoder.decode(T.self, from: Data(current.jsonText.utf8)), canonical(before) == canonical(input) {
                return nil
            }
            return input
        }
        var errors = unknown
        for error in ContractConstraints.shared.problems(in: merged, schema: schema)
        where !errors.contains(where: { $0.pointer == error.pointer }) {
            errors.append(error)
        }
        throw Problem.validation(DocumentFaults.withValueChecks(errors, document: merged, schema: schema, now: now))
    }

    /// Decodes a client-supplied document of contract schema `schema`: a shape error becomes a 400
    /// naming every bad field (`DocumentFaults`).
    static func decodeInput<T: Decodable>(_ type: T.Type, schema: String, from value: JSONValue, now: Date) throws(Problem) -> T {
        do {
            return try decoder.decode(type, from: Data(value.jsonText.utf8))
        } catch let error as DecodingError {
            throw DocumentFaults.problem(value, schema: schema, failure: error, now: now)
        } catch {
            throw Problem(.badRequest, detail: .documentUnreadable)
        }
    }
}

/// The SQL expression rendering a timestamptz column as the API writes instants.
extension Int64 {
    /// Division rounding towards negative infinity (instants before 1970 stay right).
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

enum SQLInstant {
    /// Milliseconds, as every answer writes instants (the fast read path sends this text as is).
    static func render(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }
}
