/// A PostgreSQL type OID, as reported for result columns and sent with parameters.
public struct PostgresType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// OID 0: the server infers the parameter's type from context, as for a quoted literal.
    public static let unspecified = PostgresType(0)

    public static let bool = PostgresType(16)
    public static let bytea = PostgresType(17)
    public static let char = PostgresType(18)
    public static let name = PostgresType(19)
    public static let int8 = PostgresType(20)
    public static let int2 = PostgresType(21)
    public static let int4 = PostgresType(23)
    public static let text = PostgresType(25)
    public static let oid = PostgresType(26)
    public static let json = PostgresType(114)
    public static let float4 = PostgresType(700)
    public static let float8 = PostgresType(701)
    public static let unknown = PostgresType(705)
    public static let bpchar = PostgresType(1042)
    public static let varchar = PostgresType(1043)
    public static let date = PostgresType(1082)
    public static let timestamp = PostgresType(1114)
    public static let timestamptz = PostgresType(1184)
    public static let numeric = PostgresType(1700)
    public static let uuid = PostgresType(2950)
    public static let jsonb = PostgresType(3802)

    public static let boolArray = PostgresType(1000)
    public static let nameArray = PostgresType(1003)
    public static let int2Array = PostgresType(1005)
    public static let int4Array = PostgresType(1007)
    public static let textArray = PostgresType(1009)
    public static let bpcharArray = PostgresType(1014)
    public static let varcharArray = PostgresType(1015)
    public static let int8Array = PostgresType(1016)
    public static let float8Array = PostgresType(1022)
    public static let numericArray = PostgresType(1231)
    public static let uuidArray = PostgresType(2951)

    /// OIDs from 16384 up belong to objects created after initdb: enums, domains, extension types.
    public var isUserDefined: Bool { rawValue >= 16384 }

    /// The element type of a built-in array type, or nil when this is not one.
    var arrayElementType: PostgresType? {
        switch self {
        case .boolArray: .bool
        case .nameArray: .name
        case .int2Array: .int2
        case .int4Array: .int4
        case .textArray: .text
        case .bpcharArray: .bpchar
        case .varcharArray: .varchar
        case .int8Array: .int8
        case .float8Array: .float8
        case .numericArray: .numeric
        case .uuidArray: .uuid
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .unspecified: "unspecified"
        case .bool: "bool"
        case .bytea: "bytea"
        case .char: "char"
        case .name: "name"
        case .int8: "int8"
        case .int2: "int2"
        case .int4: "int4"
        case .text: "text"
        case .oid: "oid"
        case .json: "json"
        case .float4: "float4"
        case .float8: "float8"
        case .unknown: "unknown"
        case .bpchar: "bpchar"
        case .varchar: "varchar"
        case .date: "date"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .numeric: "numeric"
        case .uuid: "uuid"
        case .jsonb: "jsonb"
        case .boolArray: "bool[]"
        case .nameArray: "name[]"
        case .int2Array: "int2[]"
        case .int4Array: "int4[]"
        case .textArray: "text[]"
        case .bpcharArray: "bpchar[]"
        case .varcharArray: "varchar[]"
        case .int8Array: "int8[]"
        case .float8Array: "float8[]"
        case .numericArray: "numeric[]"
        case .uuidArray: "uuid[]"
        default: "oid \(rawValue)"
        }
    }
}

/// How a parameter's bytes are sent: PostgreSQL text form or the type's binary form.
public enum PostgresFormat: Int32, Sendable {
    case text = 0
    case binary = 1
}
