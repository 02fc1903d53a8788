import Database
import Foundation

extension Connection {
    /// Sends `value` as a parameter, casts it to `type` on the server and decodes the result.
    func echo<Value: PostgresEncodable & PostgresDecodable>(_ value: Value, as type: String) async throws -> Value {
        try await query("SELECT \(value)::\(unsafeRaw: type) AS v")[0].decode(Value.self, column: "v")
    }

    /// Decodes the first column of the first row.
    func scalar<Value: PostgresDecodable>(_ type: Value.Type, _ sql: SQL) async throws -> Value {
        try await query(sql)[0].decode(type, at: 0)
    }
}

func decimal(_ text: String) -> Decimal {
    Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!
}

/// A Date from whole seconds and microseconds since 1970, built the way the decoder builds it.
func date(unixMicroseconds micros: Int64) -> Date {
    let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
    let fraction = micros - seconds * 1_000_000
    return Date(timeIntervalSinceReferenceDate: Double(seconds - 978_307_200) + Double(fraction) / 1_000_000)
}

func unixMicroseconds(_ date: Date) -> Int64 {
    let interval = date.timeIntervalSinceReferenceDate
    let whole = interval.rounded(.down)
    return (Int64(whole) + 978_307_200) * 1_000_000 + Int64(((interval - whole) * 1_000_000).rounded())
}

extension Sequence {
    /// `map` for an asynchronous transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
