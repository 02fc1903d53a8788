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
