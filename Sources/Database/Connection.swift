import CLibPQ
import Foundation

/// One libpq connection, lent by `DatabasePool` to a closure running on a thread made for blocking.
///
/// Every method blocks until the server answers. Not Sendable: a connection has one owner
/// at a time and never leaves the closure it was lent to.
public final class Connection {
    private var handle: OpaquePointer?
    private var statements: StatementCache
    /// Set when libpq reported something this layer cannot recover from (e.g. an unexpected COPY).
    private var poisoned = false

    /// Opens a connection; blocks, so only call it from a thread made for blocking.
    ///
    /// `conninfo` is passed as libpq's `dbname` with expand_dbname = 1, so URIs, key=value
    /// strings and service files work as PostgreSQL documents. `defaults` come before it (the
    /// conninfo may override them); `overrides` come after it and win.
    init(
        conninfo: String,
        defaults: [(String, String)] = [],
        overrides: [(String, String)] = [],
        statementCacheCapacity: Int = 256
    ) throws {
        statements = StatementCache(capacity: statementCacheCapacity)
        // The text decoders read UTF-8, so the client encoding is not negotiable.
        let parameters = defaults + [("dbname", conninfo)] + overrides + [("client_encoding", "UTF8")]
        let connection = Connection.connect(parameters)
        guard let connection else {
            throw DatabaseError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Connection.errorMessage(connection)
            PQfinish(connection)
            throw DatabaseError(kind: .connection, message: message)
        }
        // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
        // The decoders need ISO dates, full float precision and hex bytea whatever the server's defaults.
        try execute(unsafeRawMultiStatement: "SET DateStyle = 'ISO, MDY'; SET extra_float_digits = 3; SET bytea_output = 'hex'")
    }

    deinit {
        close()
    }

    private static func connect(_ parameters: [(String, String)]) -> OpaquePointer? {
        let keywords = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
        let valuePointers = values.map { UnsafePointer($0) } + [nil]
        return PQconnectdbParams(keywordPointers, valuePointers, 1)
    }

    /// Closes the connection; safe to call more than once, PQfinish runs exactly once.
    func close() {
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    /// False once the connection broke, was closed, or got into a state it cannot be reused from.
    var isUsable: Bool {
        guard let handle, !poisoned else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    enum TransactionStatus {
        case idle, active, inTransaction, failedTransaction, unknown
    }

    var transactionStatus: TransactionStatus {
        guard let handle else { return .unknown }
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE: return .idle
        case PQTRANS_ACTIVE: return .active
        case PQTRANS_INTRANS: return .inTransaction
        case PQTRANS_INERROR: return .failedTransaction
        default: return .unknown
        }
    }

    // MARK: Queries

    /// Runs a statement and returns its rows. The statement is prepared once per connection and reused.
    public func query(_ sql: SQL) throws -> QueryResult {
        QueryResult(handle: try run(sql, mayRetryStaleStatement: true))
    }

    /// Runs a statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: SQL) throws -> Int {
        try query(sql).rowsAffected
    }

    /// Runs several statements separated by semicolons, without parameters (migration files).
    ///
    /// Uses the simple query protocol: the text is sent verbatim, so never build it from data.
    public func execute(unsafeRawMultiStatement text: String) throws {
        let handle = try liveHandle()
        guard !text.utf8.contains(0) else {
            throw DatabaseError(kind: .client, message: "statement text contains a NUL byte")
        }
        let result = PQexec(handle, text)
        try check(result, query: nil)
        PQclear(result)
    }

    /// Runs one parameterless command with the simple protocol and returns its command tag.
    @discardableResult
    func simpleCommand(_ text: String) throws -> String {
        let handle = try liveHandle()
        let result = PQexec(handle, text)
        try check(result, query: text)
        defer { PQclear(result) }
        return PQcmdStatus(result).map { String(cString: $0) } ?? ""
    }

    /// BEGIN, body, COMMIT; ROLLBACK when anything throws.
    func transaction<Value>(isolation: IsolationLevel, _ body: (Connection) throws -> Value) throws -> Value {
        try simpleCommand("BEGIN ISOLATION LEVEL \(isolation.sql)")
        do {
            let value = try body(self)
            // COMMIT of a transaction that an earlier error aborted answers ROLLBACK rather than failing.
            guard try simpleCommand("COMMIT") == "COMMIT" else {
                throw DatabaseError(
                    kind: .server, sqlState: "25P02",
                    message: "the transaction was rolled back because a statement in it failed"
                )
            }
            return value
        } catch {
            if isUsable, transactionStatus != .idle {
                _ = try? simpleCommand("ROLLBACK")
            }
            throw error
        }
    }

    /// Cheap check of a connection that sat idle in the pool, before any statement is sent.
    ///
    /// Reads what the server sent meanwhile without blocking: a terminated backend leaves a FATAL
    /// message then end-of-file, which libpq turns into CONNECTION_BAD. With `roundTrip`, an empty
    /// query also proves the server still answers.
    func isAliveAfterIdle(roundTrip: Bool) -> Bool {
        guard let handle, isUsable, transactionStatus == .idle else { return false }
        // Common case in one syscall: nothing arrived while idle.
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 0) == 0, !roundTrip { return true }
        // Twice: the first read may stop after the FATAL message, the second sees end-of-file.
        for _ in 0..<2 {
            guard PQconsumeInput(handle) == 1 else { return false }
            while let notification = PQnotifies(handle) { PQfreemem(notification) }
        }
        guard isUsable else { return false }
        if roundTrip {
            let result = PQexec(handle, "")
            defer { PQclear(result) }
            guard PQresultStatus(result) == PGRES_EMPTY_QUERY, isUsable else { return false }
        }
        return true
    }

    // MARK: Execution

    private func liveHandle() throws -> OpaquePointer {
        guard let handle else { throw DatabaseError(kind: .connection, message: "the connection is closed") }
        guard isUsable else {
            throw DatabaseError(kind: .connection, message: "the connection is broken: \(Connection.errorMessage(handle))")
        }
        return handle
    }

    private func run(_ sql: SQL, mayRetryStaleStatement: Bool) throws -> OpaquePointer {
        let handle = try liveHandle()
        let text = sql.text
        try validate(sql, text: text)
        let key = StatementKey(text: text, types: sql.bindings.map(\.type.rawValue))
        let name: String
        if let cached = statements.name(for: key) {
            name = cached
        } else {
            // Capacity 0 disables caching: the unnamed statement is replaced on every prepare.
            name = statements.capacity > 0 ? statements.makeName() : ""
            let prepared = PQprepare(handle, name, text, Int32(key.types.count), key.types)
            try check(prepared, query: text)
            PQclear(prepared)
            if statements.capacity > 0, let evicted = statements.insert(key, name: name) {
                PQclear(PQexec(handle, "DEALLOCATE \(evicted)"))
            }
        }
        let result = execute(prepared: name, bindings: sql.bindings, handle: handle)
        if let result, Connection.succeeded(result) { return result }
        let error = makeError(result, query: text)
        PQclear(result)
        // The statement vanished (DISCARD ALL) or a schema change altered its result type.
        let stale = error.sqlState == "26000"
            || (error.sqlState == "0A000" && error.message.contains("cached plan must not change result type"))
        if stale {
            statements.removeAll()
            if mayRetryStaleStatement, transactionStatus == .idle {
                return try run(sql, mayRetryStaleStatement: false)
            }
        }
        throw error
    }

    private func validate(_ sql: SQL, text: String) throws {
        guard !text.utf8.contains(0) else {
            throw DatabaseError(kind: .client, message: "statement text contains a NUL byte", query: text)
        }
        for (index, bind) in sql.bindings.enumerated() {
            guard let bytes = bind.bytes else { continue }
            // Text parameters travel NUL-terminated; PostgreSQL text cannot hold NUL anyway.
            if bind.format == .text, bytes.contains(0) {
                throw DatabaseError(
                    kind: .client, message: "parameter $\(index + 1) contains a NUL byte, which PostgreSQL text cannot store",
                    query: text
                )
            }
            guard bytes.count < Int32.max else {
                throw DatabaseError(kind: .client, message: "parameter $\(index + 1) is larger than 2 GiB", query: text)
            }
        }
    }

    private func execute(prepared name: String, bindings: [PostgresBind], handle: OpaquePointer) -> OpaquePointer? {
        // One arena with every value NUL-terminated; NULL parameters get a nil pointer.
        var arena: [UInt8] = []
        arena.reserveCapacity(bindings.reduce(0) { $0 + ($1.bytes?.count ?? 0) + 1 })
        var offsets: [Int] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        offsets.reserveCapacity(bindings.count)
        lengths.reserveCapacity(bindings.count)
        formats.reserveCapacity(bindings.count)
        for bind in bindings {
            if let bytes = bind.bytes {
                offsets.append(arena.count)
                arena.append(contentsOf: bytes)
                arena.append(0)
                lengths.append(Int32(bytes.count))
            } else {
                offsets.append(-1)
                lengths.append(0)
            }
            formats.append(bind.format.rawValue)
        }
        return arena.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress)
            let values: [UnsafePointer<CChar>?] = offsets.map { offset in
                guard offset >= 0, let base else { return nil }
                return (base + offset).assumingMemoryBound(to: CChar.self)
            }
            return PQexecPrepared(handle, name, Int32(bindings.count), values, lengths, formats, 0)
        }
    }

    private static func succeeded(_ result: OpaquePointer) -> Bool {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: true
        default: false
        }
    }

    /// Throws (and clears the result) unless it is a success.
    private func check(_ result: OpaquePointer?, query: String?) throws {
        if let result, Connection.succeeded(result) { return }
        let error = makeError(result, query: query)
        PQclear(result)
        throw error
    }

    private func makeError(_ result: OpaquePointer?, query: String?) -> DatabaseError {
        guard let handle else { return DatabaseError(kind: .connection, message: "the connection is closed") }
        let status = result.map(PQresultStatus)
        if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
            // The connection is now mid-COPY; it cannot serve other statements.
            poisoned = true
            return DatabaseError(kind: .client, message: "COPY is not supported by this connection API", query: query)
        }
        func field(_ code: Character) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let sqlState = field("C")
        let broken = PQstatus(handle) != CONNECTION_OK
        if sqlState == nil, !broken {
            // An error libpq made up itself (protocol trouble): do not trust the connection again.
            poisoned = true
        }
        let message = field("M")
            ?? result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
            ?? Connection.errorMessage(handle)
        return DatabaseError(
            kind: broken || sqlState == nil ? .connection : .server,
            sqlState: sqlState,
            severity: field("V"),
            message: message.trimmingCharacters(in: .whitespacesAndNewlines),
            detail: field("D"),
            hint: field("H"),
            schema: field("s"),
            table: field("t"),
            column: field("c"),
            constraint: field("n"),
            dataType: field("d"),
            position: field("P").flatMap { Int($0) },
            query: query
        )
    }

    private static func errorMessage(_ handle: OpaquePointer) -> String {
        guard let message = PQerrorMessage(handle) else { return "unknown libpq error" }
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "unknown libpq error" : text
    }
}

@available(*, unavailable)
extension Connection: Sendable {}
