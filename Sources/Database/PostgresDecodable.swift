import Foundation

/// A value that can be decoded from a result cell in PostgreSQL's text format.
///
/// Conformers check the column's type OID and throw `PostgresDecodingError.Reason`
/// (`.typeMismatch`, `.malformed`, `.outOfRange`); `Row` adds the column's name.
public protocol PostgresDecodable {
    /// Decodes a non-NULL cell from its text bytes; `type` is the column's type OID.
    init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws
    /// The value SQL NULL decodes to, or nil when NULL is an error for this type.
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    public static var postgresNull: Self? { nil }
}

extension String {
    /// Types whose text form is the string itself; user-defined types cover enums, citext and domains.
    static func acceptsPostgres(_ type: PostgresType) -> Bool {
        switch type {
        case .text, .varchar, .bpchar, .name, .char, .unknown, .json, .jsonb: true
        default: type.isUserDefined
        }
    }

    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        guard String.acceptsPostgres(type) else { throw PostgresDecodingError.Reason.typeMismatch }
        self = String(decoding: bytes, as: UTF8.self)
    }
}

extension Int {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        self = Int(try TextFormat.decodeInteger(bytes, type: type, accepting: [.int2, .int4, .int8]))
    }
}

extension Int64 {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        self = try TextFormat.decodeInteger(bytes, type: type, accepting: [.int2, .int4, .int8])
    }
}

extension Int32 {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        let value = try TextFormat.decodeInteger(bytes, type: type, accepting: [.int2, .int4])
        guard let narrowed = Int32(exactly: value) else { throw PostgresDecodingError.Reason.outOfRange }
        self = narrowed
    }
}

extension Int16 {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        let value = try TextFormat.decodeInteger(bytes, type: type, accepting: [.int2])
        guard let narrowed = Int16(exactly: value) else { throw PostgresDecodingError.Reason.outOfRange }
        self = narrowed
    }
}

extension Bool {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        guard type == .bool else { throw PostgresDecodingError.Reason.typeMismatch }
        guard bytes.count == 1 else { throw PostgresDecodingError.Reason.malformed("bool") }
        switch bytes[0] {
        case UInt8(ascii: "t"): self = true
        case UInt8(ascii: "f"): self = false
        default: throw PostgresDecodingError.Reason.malformed("bool")
        }
    }
}

extension Double {
    /// Accepts float4/float8, and numeric (rounded to the nearest Double, e.g. for avg()).
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        guard type == .float8 || type == .float4 || type == .numeric else {
            throw PostgresDecodingError.Reason.typeMismatch
        }
        guard let value = TextFormat.parseDouble(bytes) else {
            throw PostgresDecodingError.Reason.malformed("float8")
        }
        self = value
    }
}

extension Decimal {
    /// Exact: numeric text is parsed digit by digit; more than 38 significant digits throws.
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        guard type == .numeric || type == .int2 || type == .int4 || type == .int8 else {
            throw PostgresDecodingError.Reason.typeMismatch
        }
        self = try TextFormat.parseDecimal(bytes)
    }
}

extension UUID {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        guard type == .uuid else { throw PostgresDecodingError.Reason.typeMismatch }
        guard let value = TextFormat.parseUUID(bytes) else { throw PostgresDecodingError.Reason.malformed("uuid") }
        self = value
    }
}

extension Date: PostgresDecodable {
    /// From timestamptz, or timestamp read as UTC; infinite timestamps throw `.outOfRange`.
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        guard type == .timestamptz || type == .timestamp else { throw PostgresDecodingError.Reason.typeMismatch }
        let micros = try CivilCalendar.parseTimestamp(bytes, hasZone: type == .timestamptz)
        self = CivilCalendar.date(microseconds: micros)
    }
}

extension Data: PostgresDecodable {
    /// From bytea in hex output format (the connection sets bytea_output = hex).
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        guard type == .bytea else { throw PostgresDecodingError.Reason.typeMismatch }
        guard let value = TextFormat.parseHexBytea(bytes) else { throw PostgresDecodingError.Reason.malformed("bytea") }
        self = value
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static var postgresNull: Wrapped?? { .some(nil) }

    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        self = .some(try Wrapped(postgresText: bytes, type: type))
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    /// From a one-dimensional array; NULL elements need an optional element type.
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: PostgresType) throws {
        let elementType: PostgresType
        if let builtIn = type.arrayElementType {
            elementType = builtIn
        } else if type.isUserDefined {
            elementType = .unknown
        } else {
            throw PostgresDecodingError.Reason.typeMismatch
        }
        self = try ArrayText.decode(bytes, elementType: elementType)
    }
}
