import Foundation

/// Raw JSON text sent and read as `jsonb` without re-encoding.
public struct JSONB: Sendable, Hashable, CustomStringConvertible {
    /// The JSON document's text.
    public var text: String

    /// Wraps JSON text as is; the server validates it.
    public init(_ text: String) {
        self.text = text
    }

    /// Encodes a value to JSON text.
    public init<Value: Encodable>(encoding value: Value, encoder: JSONEncoder = JSONEncoder()) throws {
        text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the JSON text into a value.
    public func decode<Value: Decodable>(_ type: Value.Type = Value.self, decoder: JSONDecoder = JSONDecoder()) throws -> Value {
        try decoder.decode(type, from: Data(text.utf8))
    }

    public var description: String { text }
}

extension JSONB: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .jsonb }

    public func encodePostgres(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: text.utf8)
    }

    /// From json or jsonb columns (text form, so no jsonb version byte).
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        guard type == .jsonb || type == .json else { throw PostgresDecodingError.Reason.typeMismatch }
        text = String(decoding: bytes, as: UTF8.self)
    }
}
