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
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 instant")
            }
            return date
        }
        return decoder
    }()

    /// RFC 3339 in UTC with microseconds, the precision PostgreSQL keeps.
    static func instant(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func parseInstant(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
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

    /// Decodes a client-supplied document: a shape error becomes a 400 naming the field.
    static func decodeInput<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(Problem) -> T {
        do {
            return try decoder.decode(type, from: Data(value.jsonText.utf8))
        } catch let error as DecodingError {
            throw ProblemMapping.problem(for: error)
        } catch {
            throw Problem(.badRequest, detail: "The document could not be read.")
        }
    }
}

/// The SQL expression rendering a timestamptz column as the API writes instants.
enum SQLInstant {
    static func render(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    }
}
