/// A cell could not be decoded into the requested Swift type; names the column, never the value.
public struct PostgresDecodingError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Error, Sendable, CustomStringConvertible {
        /// The column's PostgreSQL type cannot become the requested Swift type.
        case typeMismatch
        /// NULL where the Swift type is not optional.
        case unexpectedNull
        /// No column with that name or index in the result.
        case missingColumn
        /// The text is not valid for the type; the payload names what was expected.
        case malformed(String)
        /// Valid, but not representable in the Swift type (overflow, infinity, precision).
        case outOfRange
        /// An error thrown by a custom decoder.
        case underlying(any Error)

        public var description: String {
            switch self {
            case .typeMismatch: "type mismatch"
            case .unexpectedNull: "unexpected NULL (decode as an Optional to accept NULL)"
            case .missingColumn: "no such column"
            case .malformed(let what): "malformed \(what) text"
            case .outOfRange: "value out of range for the Swift type"
            case .underlying(let error): "\(error)"
            }
        }
    }

    /// The column's name (or "#index" when decoding by an index that does not exist).
    public var column: String
    public var columnIndex: Int?
    /// The requested Swift type.
    public var swiftType: String
    /// The column's PostgreSQL type, when the column exists.
    public var postgresType: PostgresType?
    public var reason: Reason

    public init(column: String, columnIndex: Int?, swiftType: String, postgresType: PostgresType?, reason: Reason) {
        self.column = column
        self.columnIndex = columnIndex
        self.swiftType = swiftType
        self.postgresType = postgresType
        self.reason = reason
    }

    public var description: String {
        var text = "cannot decode column \"\(column)\""
        if let postgresType { text += " (\(postgresType))" }
        return text + " as \(swiftType): \(reason)"
    }
}
