import Foundation

/// A value that can be sent as a bind parameter.
///
/// Parameters go in text format with their type OID, so `\(x) IS NULL`, `coalesce(\(x), …)` or
/// `\(a) || \(b)` never leave the server guessing; `String` is `text`, so compare it with enum or
/// other non-text columns through an explicit cast (`\(status)::order_status`). `Data` goes in
/// binary so the bytes are sent as-is.
public protocol PostgresEncodable: Sendable {
    /// The parameter's type OID; `.unspecified` lets the server infer it.
    static var postgresType: PostgresType { get }
    /// The wire format of the bytes written by `encodePostgres(into:)`.
    static var postgresFormat: PostgresFormat { get }
    /// True when the value is SQL NULL.
    var isPostgresNull: Bool { get }
    /// Appends the value's representation in `postgresFormat`; never called for NULL.
    func encodePostgres(into buffer: inout [UInt8])
}

extension PostgresEncodable {
    public static var postgresFormat: PostgresFormat { .text }
    public var isPostgresNull: Bool { false }
}

/// A value that can also be an element of a one-dimensional PostgreSQL array.
public protocol PostgresArrayElement: PostgresEncodable, PostgresDecodable {
    /// The OID of the array type whose elements are this type.
    static var postgresArrayType: PostgresType { get }
}

extension String: PostgresArrayElement {
    public static var postgresType: PostgresType { .text }
    public static var postgresArrayType: PostgresType { .textArray }
    public func encodePostgres(into buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}

extension Int: PostgresArrayElement {
    public static var postgresType: PostgresType { .int8 }
    public static var postgresArrayType: PostgresType { .int8Array }
    public func encodePostgres(into buffer: inout [UInt8]) { TextFormat.appendInteger(Int64(self), to: &buffer) }
}

extension Int64: PostgresArrayElement {
    public static var postgresType: PostgresType { .int8 }
    public static var postgresArrayType: PostgresType { .int8Array }
    public func encodePostgres(into buffer: inout [UInt8]) { TextFormat.appendInteger(self, to: &buffer) }
}

extension Int32: PostgresArrayElement {
    public static var postgresType: PostgresType { .int4 }
    public static var postgresArrayType: PostgresType { .int4Array }
    public func encodePostgres(into buffer: inout [UInt8]) { TextFormat.appendInteger(Int64(self), to: &buffer) }
}

extension Int16: PostgresArrayElement {
    public static var postgresType: PostgresType { .int2 }
    public static var postgresArrayType: PostgresType { .int2Array }
    public func encodePostgres(into buffer: inout [UInt8]) { TextFormat.appendInteger(Int64(self), to: &buffer) }
}

extension Bool: PostgresArrayElement {
    public static var postgresType: PostgresType { .bool }
    public static var postgresArrayType: PostgresType { .boolArray }
    public func encodePostgres(into buffer: inout [UInt8]) { buffer.append(self ? UInt8(ascii: "t") : UInt8(ascii: "f")) }
}

extension Double: PostgresArrayElement {
    public static var postgresType: PostgresType { .float8 }
    public static var postgresArrayType: PostgresType { .float8Array }
    public func encodePostgres(into buffer: inout [UInt8]) {
        // Swift's shortest round-trip form; PostgreSQL spells the specials its own way.
        if isNaN {
            buffer.append(contentsOf: "NaN".utf8)
        } else if isInfinite {
            buffer.append(contentsOf: (self < 0 ? "-Infinity" : "Infinity").utf8)
        } else {
            buffer.append(contentsOf: description.utf8)
        }
    }
}

extension Decimal: PostgresArrayElement {
    public static var postgresType: PostgresType { .numeric }
    public static var postgresArrayType: PostgresType { .numericArray }
    public func encodePostgres(into buffer: inout [UInt8]) {
        // Decimal's description is locale-independent plain notation ("NaN" for NaN).
        buffer.append(contentsOf: description.utf8)
    }
}

extension UUID: PostgresArrayElement {
    public static var postgresType: PostgresType { .uuid }
    public static var postgresArrayType: PostgresType { .uuidArray }
    public func encodePostgres(into buffer: inout [UInt8]) { TextFormat.appendUUID(self, to: &buffer) }
}

extension Date: PostgresEncodable {
    /// Sent as `timestamptz` with microsecond precision (PostgreSQL's resolution).
    public static var postgresType: PostgresType { .timestamptz }
    public func encodePostgres(into buffer: inout [UInt8]) {
        CivilCalendar.appendTimestamp(microseconds: CivilCalendar.microseconds(of: self), to: &buffer)
    }
}

extension Data: PostgresEncodable {
    public static var postgresType: PostgresType { .bytea }
    /// Binary format: bytea's binary form is the bytes themselves, no hex doubling.
    public static var postgresFormat: PostgresFormat { .binary }
    public func encodePostgres(into buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresType { Wrapped.postgresType }
    public static var postgresFormat: PostgresFormat { Wrapped.postgresFormat }
    public var isPostgresNull: Bool {
        switch self {
        case .none: true
        case .some(let value): value.isPostgresNull
        }
    }
    public func encodePostgres(into buffer: inout [UInt8]) {
        if case .some(let value) = self { value.encodePostgres(into: &buffer) }
    }
}

extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { Wrapped.postgresArrayType }
}

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresType { Element.postgresArrayType }
    public func encodePostgres(into buffer: inout [UInt8]) {
        ArrayText.encode(self, into: &buffer)
    }
}
