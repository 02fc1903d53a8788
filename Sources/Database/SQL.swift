/// A SQL statement whose interpolated values are always sent as bind parameters ($1, $2, …).
///
///     let sql: SQL = "SELECT * FROM users WHERE email = \(email) AND active = \(true)"
///
/// Interpolating a value never splices it into the text. Other `SQL` values can be
/// interpolated to compose fragments (their parameters are renumbered). Text that must be
/// spliced verbatim (a trusted identifier) goes only through `\(unsafeRaw:)` or `SQL(unsafeRaw:)`.
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible, CustomDebugStringConvertible {
    /// Text around the parameters: always exactly one more segment than bindings.
    var segments: [String]
    var bindings: [PostgresBind]

    public init(stringLiteral value: String) {
        segments = [value]
        bindings = []
    }

    public init(stringInterpolation: StringInterpolation) {
        segments = stringInterpolation.segments
        bindings = stringInterpolation.bindings
    }

    /// Raw SQL text used verbatim. Never pass text that contains data from outside the program.
    public init(unsafeRaw text: String) {
        segments = [text]
        bindings = []
    }

    /// The statement text with `$n` placeholders, as sent to the server.
    public var text: String {
        if bindings.isEmpty { return segments[0] }
        var result = segments[0]
        for index in 1..<segments.count {
            result += "$"
            result += String(index)
            result += segments[index]
        }
        return result
    }

    /// The number of bind parameters.
    public var parameterCount: Int { bindings.count }

    /// The parameters' type OIDs, in order.
    public var parameterTypes: [PostgresType] { bindings.map(\.type) }

    /// Appends another fragment, renumbering its parameters.
    public mutating func append(_ other: SQL) {
        segments[segments.count - 1] += other.segments[0]
        segments.append(contentsOf: other.segments.dropFirst())
        bindings.append(contentsOf: other.bindings)
    }

    public static func + (lhs: SQL, rhs: SQL) -> SQL {
        var result = lhs
        result.append(rhs)
        return result
    }

    public static func += (lhs: inout SQL, rhs: SQL) {
        lhs.append(rhs)
    }

    /// The text only: parameter values never appear in descriptions meant for logs.
    public var description: String { text }

    /// The text and the parameters; values may contain personal data, so keep this out of logs.
    public var debugDescription: String {
        var result = "SQL(\(String(reflecting: text))"
        for (index, bind) in bindings.enumerated() {
            result += ", $\(index + 1) \(bind.type): "
            if let bytes = bind.bytes {
                result += bind.format == .text
                    ? String(reflecting: String(decoding: bytes, as: UTF8.self)) : "<\(bytes.count) bytes>"
            } else {
                result += "NULL"
            }
        }
        return result + ")"
    }

    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var segments: [String]
        var bindings: [PostgresBind]

        public init(literalCapacity: Int, interpolationCount: Int) {
            segments = [""]
            segments.reserveCapacity(interpolationCount + 1)
            bindings = []
            bindings.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            segments[segments.count - 1] += literal
        }

        /// Binds a value as the next parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            bindings.append(PostgresBind(value))
            segments.append("")
        }

        /// Binds an optional value; nil is sent as NULL of the wrapped type.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            bindings.append(PostgresBind(value))
            segments.append("")
        }

        /// Inserts a SQL fragment; its parameters stay parameters.
        public mutating func appendInterpolation(_ fragment: SQL) {
            segments[segments.count - 1] += fragment.segments[0]
            segments.append(contentsOf: fragment.segments.dropFirst())
            bindings.append(contentsOf: fragment.bindings)
        }

        /// Splices text verbatim. Only for trusted text written in the program, never for data.
        public mutating func appendInterpolation(unsafeRaw text: String) {
            segments[segments.count - 1] += text
        }
    }
}

extension Sequence where Element == SQL {
    /// Joins fragments with a separator, keeping every parameter bound.
    public func joined(separator: SQL) -> SQL {
        var result: SQL = ""
        var first = true
        for fragment in self {
            if !first { result.append(separator) }
            result.append(fragment)
            first = false
        }
        return result
    }
}

/// One encoded parameter: its type OID, wire format and bytes (nil for NULL).
struct PostgresBind: Sendable {
    var type: PostgresType
    var format: PostgresFormat
    var bytes: [UInt8]?

    init<Value: PostgresEncodable>(_ value: Value) {
        type = Value.postgresType
        format = Value.postgresFormat
        if value.isPostgresNull {
            bytes = nil
        } else {
            var buffer: [UInt8] = []
            value.encodePostgres(into: &buffer)
            bytes = buffer
        }
    }
}
