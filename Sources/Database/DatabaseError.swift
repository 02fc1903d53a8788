/// An error reported by PostgreSQL, a lost or failed connection, or a request rejected locally.
///
/// `description` is safe for logs: it never includes parameter values or the server's DETAIL
/// (which can quote row data). `debugDescription` (`String(reflecting:)`) adds detail, hint and query.
public struct DatabaseError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The server rejected the statement; see `sqlState`.
        case server
        /// Could not connect, or the connection broke.
        case connection
        /// Rejected before reaching the server, e.g. a string parameter containing a NUL byte.
        case client
    }

    public var kind: Kind
    /// Five-character SQLSTATE code, e.g. "23505".
    public var sqlState: String?
    /// ERROR, FATAL or PANIC.
    public var severity: String?
    /// The primary message.
    public var message: String
    /// Secondary detail; may contain row values, so it is kept out of `description`.
    public var detail: String?
    public var hint: String?
    public var schema: String?
    public var table: String?
    public var column: String?
    public var constraint: String?
    public var dataType: String?
    /// 1-based character position of the error in the statement text.
    public var position: Int?
    /// The statement text with `$n` placeholders (never parameter values).
    public var query: String?
    /// The connection was lost (or given up) after a COMMIT was sent and before it was answered: the
    /// transaction may have committed.
    public var commitOutcomeUnknown = false

    public init(
        kind: Kind, sqlState: String? = nil, severity: String? = nil, message: String, detail: String? = nil,
        hint: String? = nil, schema: String? = nil, table: String? = nil, column: String? = nil,
        constraint: String? = nil, dataType: String? = nil, position: Int? = nil, query: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.severity = severity
        self.message = message
        self.detail = detail
        self.hint = hint
        self.schema = schema
        self.table = table
        self.column = column
        self.constraint = constraint
        self.dataType = dataType
        self.position = position
        self.query = query
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    public var isNotNullViolation: Bool { sqlState == "23502" }
    public var isCheckViolation: Bool { sqlState == "23514" }
    public var isExclusionViolation: Bool { sqlState == "23P01" }
    public var isSerializationFailure: Bool { sqlState == "40001" }
    public var isDeadlock: Bool { sqlState == "40P01" }
    public var isQueryCanceled: Bool { sqlState == "57014" }
    /// True for errors that a whole-transaction retry can cure (40001, 40P01).
    public var isTransientTransactionFailure: Bool { isSerializationFailure || isDeadlock }
    /// True when the connection could not be made or was lost; the pool discards such connections.
    public var isConnectionFailure: Bool { kind == .connection }

    public var description: String {
        switch kind {
        case .connection:
            return "database connection error: \(message)"
        case .client:
            return "database client error: \(message)"
        case .server:
            var text = "database error \(sqlState ?? "?????"): \(redactedMessage)"
            var context: [String] = []
            if let constraint { context.append("constraint \(constraint)") }
            if let schema, let table { context.append("table \(schema).\(table)") } else if let table { context.append("table \(table)") }
            if let column { context.append("column \(column)") }
            if !context.isEmpty { text += " (" + context.joined(separator: ", ") + ")" }
            return text
        }
    }

    public var debugDescription: String {
        var text = description
        if kind == .server, redactedMessage != message { text += "\nmessage: \(message)" }
        if let detail { text += "\ndetail: \(detail)" }
        if let hint { text += "\nhint: \(hint)" }
        if let query { text += "\nquery: \(query)" }
        if let position { text += "\nposition: \(position)" }
        return text
    }

    /// Data exceptions (class 22) quote the offending input after `: "`; logs get the part before it.
    private var redactedMessage: String {
        guard let sqlState, sqlState.hasPrefix("22"), let range = message.range(of: ": \"") else { return message }
        return String(message[..<range.lowerBound])
    }
}

/// Failures of the pool itself, as opposed to the database.
public enum PoolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No connection became free within the configured acquire timeout (map to 503).
    case acquireTimeout
    /// The pool is shutting down or shut down.
    case shutdown

    public var description: String {
        switch self {
        case .acquireTimeout: "timed out waiting for a free database connection"
        case .shutdown: "the database pool is shut down"
        }
    }
}

extension DatabaseError {
    static let nulParameter = "contains a NUL byte, which PostgreSQL text cannot store"

    /// The prepared statement vanished (DISCARD ALL) or a schema change altered its result type:
    /// the connection's statement cache no longer matches the server.
    var isStaleStatement: Bool {
        sqlState == "26000" || (sqlState == "0A000" && message.contains("cached plan must not change result type"))
    }

    /// A text parameter held U+0000, which PostgreSQL cannot store: the value, not the database, is at fault.
    public var isNULParameter: Bool { kind == .client && message.hasSuffix(Self.nulParameter) }
}
