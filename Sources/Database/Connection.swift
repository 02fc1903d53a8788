import CLibPQ
import Foundation
import Synchronization

/// One libpq connection, lent by `DatabasePool` to a closure.
///
/// Statements are sent in libpq's non-blocking mode and their answers awaited on a
/// `DatabaseEventLoop`, so no thread blocks while the server works. Not Sendable: a connection
/// has one owner at a time and never leaves the closure it was lent to.
public final class Connection {
    private var handle: OpaquePointer?
    private var statements: StatementCache
    /// Set when libpq reported something this layer cannot recover from (e.g. an unexpected COPY).
    private var poisoned = false
    /// The loop that watches this connection's socket and wakes whoever waits for an answer.
    let home: DatabaseEventLoop
    /// Tells this connection's socket registration apart from a later one that reuses the descriptor.
    private let id = Connection.ids.add(1, ordering: .relaxed).newValue
    private static let ids = Atomic<Int>(0)
    /// The socket as registered with `home`; -1 once closed.
    private var socket: Int32 = -1
    /// Inside `transaction`: commands and statements that travel with the next statement (or the
    /// COMMIT) in one pipelined round trip. BEGIN waits here until something needs the server.
    private var queued: [Step] = []
    /// Whether `transaction` is running its body.
    private var inTransactionBody = false
    /// Messages sent then answered: what a transaction costs in waits for the server.
    private(set) var roundTrips = 0
    /// How long to wait for the server to answer (or take more of a statement) before giving the
    /// connection up: the statement timeout is the server's to enforce, so a server that is stopped,
    /// or cut off without the connection closing, would otherwise be waited for without end.
    private var responseTimeout: Duration?

    /// One message of a pipeline: a parameterless command, a statement (prepared, cached), or a Sync
    /// that ends the implicit transaction of the steps before it.
    private enum Step {
        case command(String)
        case statement(SQL)
        case sync

        var text: String? {
            switch self {
            case .command(let text): text
            case .statement(let sql): sql.text
            case .sync: nil
            }
        }
    }

    private init(handle: OpaquePointer, home: DatabaseEventLoop, statementCacheCapacity: Int, responseTimeout: Duration?) {
        self.handle = handle
        self.home = home
        self.responseTimeout = responseTimeout
        statements = StatementCache(capacity: statementCacheCapacity)
    }

    /// Opens a connection without blocking a thread, from `home`'s thread.
    ///
    /// `conninfo` is passed as libpq's `dbname` with expand_dbname = 1, so URIs, key=value
    /// strings and service files work as PostgreSQL documents. `defaults` come before it (the
    /// conninfo may override them); `overrides` come after it and win. libpq leaves the
    /// `connect_timeout` of a non-blocking connect to its caller: it applies to each server tried.
    ///
    /// The connection is made from the home loop's thread because the kernel then tends to keep
    /// the server backend on that thread's CPU, so answers wake the loop without an
    /// inter-processor interrupt (connecting from a thread-pool thread cost up to a quarter of the
    /// point-select throughput).
    static func open(
        conninfo: String,
        defaults: [(String, String)] = [],
        overrides: [(String, String)] = [],
        statementCacheCapacity: Int = 256,
        statementTimeout: Duration? = nil,
        responseTimeout: Duration? = nil,
        home: DatabaseEventLoop = DatabaseEventLoop.next()
    ) async throws -> Connection {
        // The text decoders read UTF-8, so the client encoding is not negotiable.
        let parameters = defaults + [("dbname", conninfo)] + overrides + [("client_encoding", "UTF8")]
        let opened = try await withTaskExecutorPreference(home) {
            let connection = try await Connection.start(
                parameters, home: home, statementCacheCapacity: statementCacheCapacity, responseTimeout: responseTimeout)
            // The decoders need ISO dates, full float precision and hex bytea whatever the server's defaults.
            var settings = "SET DateStyle = 'ISO, MDY'; SET extra_float_digits = 3; SET bytea_output = 'hex'"
            if let statementTimeout {
                // Whole milliseconds, at least 1 (0 would mean no limit).
                let milliseconds = max(1, statementTimeout.components.seconds * 1000 + statementTimeout.components.attoseconds / 1_000_000_000_000_000)
                settings += "; SET statement_timeout = \(milliseconds)"
            }
            try await connection.execute(unsafeRawMultiStatement: settings)
            return UncheckedSendable(connection)
        }
        return opened.value
    }

    private static func start(
        _ parameters: [(String, String)], home: DatabaseEventLoop, statementCacheCapacity: Int, responseTimeout: Duration?
    ) async throws -> Connection {
        let keywords = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
        let valuePointers = values.map { UnsafePointer($0) } + [nil]
        guard let handle = PQconnectStartParams(keywordPointers, valuePointers, 1) else {
            throw DatabaseError(kind: .connection, message: "libpq could not allocate a connection")
        }
        // From here `connection` owns the handle: deinit finishes it whatever happens.
        let connection = Connection(
            handle: handle, home: home, statementCacheCapacity: statementCacheCapacity, responseTimeout: responseTimeout)
        guard PQstatus(handle) != CONNECTION_BAD else {
            throw DatabaseError(kind: .connection, message: Connection.errorMessage(handle))
        }
        // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        try await connection.establish(timeout: Connection.connectTimeout(handle))
        guard PQsetnonblocking(handle, 1) == 0 else {
            throw DatabaseError(kind: .connection, message: Connection.errorMessage(handle))
        }
        return connection
    }

    /// Drives PQconnectPoll to the end, waiting on the home loop; a server that takes longer
    /// than `timeout` to answer is given up.
    private func establish(timeout: Duration?) async throws {
        guard let handle else { throw DatabaseError(kind: .connection, message: "the connection is closed") }
        var polling = PGRES_POLLING_WRITING
        var deadline: ContinuousClock.Instant?
        while true {
            switch polling {
            case PGRES_POLLING_OK:
                return
            case PGRES_POLLING_READING, PGRES_POLLING_WRITING:
                let descriptor = PQsocket(handle)
                guard descriptor >= 0 else {
                    throw DatabaseError(kind: .connection, message: Connection.errorMessage(handle))
                }
                if descriptor != socket {
                    // A new server attempt (another host, or a retry without TLS): new socket, new clock.
                    if socket >= 0 { home.forget(socket, owner: id) }
                    home.register(descriptor, owner: id)
                    socket = descriptor
                    deadline = timeout.map { ContinuousClock.now + $0 }
                }
                let writable = polling == PGRES_POLLING_WRITING
                if let deadline {
                    let (home, id) = (home, id)
                    let alarm = Task {
                        try? await Task.sleep(until: deadline, clock: .continuous)
                        if !Task.isCancelled { home.interrupt(descriptor, owner: id) }
                    }
                    await home.wait(for: descriptor, owner: id, writable: writable)
                    alarm.cancel()
                    // Woken by the alarm, the socket is still not ready: give up on this server.
                    guard ContinuousClock.now < deadline else {
                        throw DatabaseError(kind: .connection, message: "timeout expired while connecting to the server")
                    }
                } else {
                    await home.wait(for: descriptor, owner: id, writable: writable)
                }
            default:
                throw DatabaseError(kind: .connection, message: Connection.errorMessage(handle))
            }
            polling = PQconnectPoll(handle)
        }
    }

    /// The effective connect_timeout (the conninfo's, else the defaults'), as libpq reads it.
    private static func connectTimeout(_ handle: OpaquePointer) -> Duration? {
        guard let options = PQconninfo(handle) else { return nil }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "connect_timeout", let value = option.pointee.val,
                let seconds = Int(String(cString: value).trimmingCharacters(in: .whitespaces)), seconds > 0
            {
                // As libpq does: values below 2 seconds mean 2.
                return .seconds(max(2, seconds))
            }
            option += 1
        }
        return nil
    }

    deinit {
        close()
    }

    /// Closes the connection; safe to call more than once, PQfinish runs exactly once.
    func close() {
        if socket >= 0 {
            // Before PQfinish closes it: the descriptor may be reused by the next connection at once.
            home.forget(socket, owner: id)
            socket = -1
        }
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
    public func query(_ sql: SQL) async throws -> QueryResult {
        QueryResult(handle: try await run(sql, mayRetryStaleStatement: true))
    }

    /// Runs each statement in an implicit transaction of its own, all in one round trip (libpq
    /// pipeline mode, a Sync after each), and returns their rows in order. Each statement's snapshot
    /// is taken after the ones before it ended: it sees what they committed, and none of their locks
    /// are held any more. Throws the first failure once every answer is in. Not inside a transaction.
    public func queryEach(_ sqls: [SQL]) async throws -> [QueryResult] {
        guard !inTransactionBody, queued.isEmpty else {
            throw DatabaseError(kind: .client, message: "statements of their own cannot run inside a transaction")
        }
        guard !sqls.isEmpty else { return [] }
        for sql in sqls { try validate(sql.bindings, text: sql.text) }
        queued = Array(sqls.flatMap { [Step.statement($0), .sync] }.dropLast())
        let results = try await pipeline()
        guard results.count == sqls.count else {
            results.forEach { PQclear($0) }
            throw DatabaseError(kind: .connection, message: "the server sent no result", query: sqls.last?.text)
        }
        return results.map(QueryResult.init(handle:))
    }

    /// Runs a statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: SQL) async throws -> Int {
        try await query(sql).rowsAffected
    }

    /// Runs several statements separated by semicolons, without parameters (migration files).
    ///
    /// Uses the simple query protocol: the text is sent verbatim, so never build it from data.
    public func execute(unsafeRawMultiStatement text: String) async throws {
        guard !text.utf8.contains(0) else {
            throw DatabaseError(kind: .client, message: "statement text contains a NUL byte")
        }
        PQclear(try await simple(text, query: nil))
    }

    /// Runs one parameterless command with the simple protocol and returns its command tag.
    @discardableResult
    func simpleCommand(_ text: String) async throws -> String {
        let result = try await simple(text, query: text)
        defer { PQclear(result) }
        return PQcmdStatus(result).map { String(cString: $0) } ?? ""
    }

    /// Sends `sql` later, in the same round trip as the next statement or the COMMIT.
    ///
    /// For statements whose result nobody reads and whose failure should fail the whole
    /// transaction (an audit record, a bookkeeping update): a failure is thrown by the statement
    /// it travelled with, and the transaction then cannot commit. Outside a transaction the
    /// statement runs at once.
    public func queue(_ sql: SQL) async throws {
        guard inTransactionBody else {
            try await execute(sql)
            return
        }
        // Checked now, so the caller learns of a bad value where it made it.
        try validate(sql.bindings, text: sql.text)
        queued.append(.statement(sql))
    }

    /// BEGIN, body, COMMIT; ROLLBACK when anything throws.
    ///
    /// BEGIN is not sent on its own: it travels with the body's first statement, and what the
    /// body queued travels with the COMMIT (libpq pipeline mode), so a transaction of one
    /// statement costs two round trips, not three.
    func transaction<Value>(
        isolation: IsolationLevel, plans: StatementPlans = .serverChoice, _ body: (Connection) async throws -> Value
    ) async throws -> Value {
        guard !inTransactionBody, queued.isEmpty else {
            throw DatabaseError(kind: .client, message: "a transaction is already open on this connection")
        }
        queued = [.command("BEGIN ISOLATION LEVEL \(isolation.sql)")] + (plans.sql.map { [.command($0)] } ?? [])
        let opening = queued.count
        let tripsBefore = roundTrips
        inTransactionBody = true
        do {
            let value = try await body(self)
            inTransactionBody = false
            if roundTrips == tripsBefore, queued.count == opening {
                // The body neither sent nor queued anything: there is no transaction to end.
                queued.removeAll()
                return value
            }
            queued.append(.command("COMMIT"))
            let result: OpaquePointer
            do {
                result = try await pipelineLast()
            } catch var error as DatabaseError where error.isConnectionFailure {
                // The COMMIT went out and no answer came back: the server may have committed.
                error.commitOutcomeUnknown = true
                throw error
            }
            defer { PQclear(result) }
            // COMMIT of a transaction that an earlier error aborted answers ROLLBACK rather than failing.
            guard PQcmdStatus(result).map({ String(cString: $0) }) == "COMMIT" else {
                throw DatabaseError(
                    kind: .server, sqlState: "25P02",
                    message: "the transaction was rolled back because a statement in it failed"
                )
            }
            return value
        } catch {
            inTransactionBody = false
            queued.removeAll()
            if isUsable, transactionStatus != .idle {
                _ = try? await simpleCommand("ROLLBACK")
            }
            throw error
        }
    }

    /// Cheap check of a connection that sat idle in the pool, before any statement is sent.
    ///
    /// Reads what the server sent meanwhile without blocking: a terminated backend leaves a FATAL
    /// message then end-of-file, which libpq turns into CONNECTION_BAD. With `roundTrip`, an empty
    /// query also proves the server still answers.
    func isAliveAfterIdle(roundTrip: Bool) async -> Bool {
        guard let handle, isUsable, transactionStatus == .idle, PQsocket(handle) == socket else { return false }
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
            guard PQsendQuery(handle, "") == 1, let result = try? await finish(handle, query: nil) else { return false }
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

    /// Sends `text` with the simple protocol; returns the last result, or throws the first failure.
    private func simple(_ text: String, query: String?) async throws -> OpaquePointer {
        var text = text
        if !queued.isEmpty {
            if queued.allSatisfy({ if case .command = $0 { true } else { false } }) {
                // BEGIN (and its settings) join the text: still one round trip.
                text = (queued.compactMap(\.text) + [text]).joined(separator: "; ")
                queued.removeAll()
            } else {
                PQclear(try await pipelineLast())
            }
        }
        let handle = try liveHandle()
        guard PQsendQuery(handle, text) == 1 else { throw sendError(handle, query: query) }
        return try await finish(handle, query: query)
    }

    private func run(_ sql: SQL, mayRetryStaleStatement: Bool) async throws -> OpaquePointer {
        if !queued.isEmpty {
            try validate(sql.bindings, text: sql.text)
            queued.append(.statement(sql))
            return try await pipelineLast()
        }
        let handle = try liveHandle()
        let text = sql.text
        try validate(sql.bindings, text: text)
        let key = StatementKey(text: text, types: sql.bindings.map(\.type.rawValue))
        let name: String
        if let cached = statements.name(for: key) {
            name = cached
        } else {
            // Only new statements need the scan: a cached one was checked when it was prepared.
            guard !text.utf8.contains(0) else {
                throw DatabaseError(kind: .client, message: "statement text contains a NUL byte", query: text)
            }
            // Capacity 0 disables caching: the unnamed statement is replaced on every prepare.
            name = statements.capacity > 0 ? statements.makeName() : ""
            guard PQsendPrepare(handle, name, text, Int32(key.types.count), key.types) == 1 else {
                throw sendError(handle, query: text)
            }
            PQclear(try await finish(handle, query: text))
            if statements.capacity > 0, let evicted = statements.insert(key, name: name) {
                await deallocate([evicted], handle)
            }
        }
        let sent = Connection.withParameters(sql.bindings) { count, values, lengths, formats in
            PQsendQueryPrepared(handle, name, count, values, lengths, formats, 0)
        }
        guard sent == 1 else { throw sendError(handle, query: text) }
        do {
            return try await finish(handle, query: text)
        } catch let error as DatabaseError {
            if error.isStaleStatement {
                statements.removeAll()
                if mayRetryStaleStatement, transactionStatus == .idle {
                    return try await run(sql, mayRetryStaleStatement: false)
                }
            }
            throw error
        }
    }

    /// Whether the server may have sent something while the connection sat idle: input the home
    /// loop saw nobody wait for, or a caller off the home loop (which cannot know what it saw).
    var mayHaveIdleInput: Bool {
        DatabaseEventLoop.current !== home || home.takePendingInput(socket, owner: id)
    }

    /// Sends every queued step in one pipeline (libpq pipeline mode) and reads all the answers.
    /// Returns the last step's result; throws the first failure once every answer is in.
    private func pipelineLast() async throws -> OpaquePointer {
        var results = try await pipeline()
        let last = results.removeLast()
        results.forEach { PQclear($0) }
        return last
    }

    /// Sends every queued step in one pipeline (libpq pipeline mode, a Sync at the end and wherever
    /// a `.sync` step says) and reads all the answers. Returns every successful result, in order (the
    /// caller clears them); throws the first failure once every answer is in (the server skips the
    /// steps after a failure up to the next Sync). Uncached statements are prepared in the same
    /// pipeline and cached once their preparation succeeded.
    private func pipeline() async throws -> [OpaquePointer] {
        let steps = queued
        queued.removeAll()
        let handle = try liveHandle()
        let lastText = steps.last(where: { $0.text != nil })?.text
        // Every name is settled before anything is sent, so a refusal here leaves nothing half-sent.
        struct Sent {
            var query: String?
            var preparing: (key: StatementKey, name: String)?
            var isSync = false
        }
        var plan: [(step: Step, name: String, prepare: StatementKey?)] = []
        var preparedHere: [StatementKey: String] = [:]
        for step in steps {
            guard case .statement(let sql) = step else {
                plan.append((step, "", nil))
                continue
            }
            let key = StatementKey(text: sql.text, types: sql.bindings.map(\.type.rawValue))
            if let name = preparedHere[key] ?? statements.name(for: key) {
                plan.append((step, name, nil))
                continue
            }
            guard !sql.text.utf8.contains(0) else {
                throw DatabaseError(kind: .client, message: "statement text contains a NUL byte", query: sql.text)
            }
            let name = statements.capacity > 0 ? statements.makeName() : ""
            if !name.isEmpty { preparedHere[key] = name }
            plan.append((step, name, key))
        }

        guard PQenterPipelineMode(handle) == 1 else { throw sendError(handle, query: lastText) }
        var sent: [Sent] = []
        for (step, name, prepare) in plan {
            switch step {
            case .command(let text):
                guard PQsendQueryParams(handle, text, 0, nil, nil, nil, nil, 0) == 1 else { throw sendError(handle, query: text) }
                sent.append(Sent(query: text))
            case .statement(let sql):
                if let key = prepare {
                    guard PQsendPrepare(handle, name, key.text, Int32(key.types.count), key.types) == 1 else {
                        throw sendError(handle, query: key.text)
                    }
                    sent.append(Sent(query: key.text, preparing: (key, name)))
                }
                let ok = Connection.withParameters(sql.bindings) { count, values, lengths, formats in
                    PQsendQueryPrepared(handle, name, count, values, lengths, formats, 0)
                }
                guard ok == 1 else { throw sendError(handle, query: sql.text) }
                sent.append(Sent(query: sql.text))
            case .sync:
                guard PQpipelineSync(handle) == 1 else { throw sendError(handle, query: lastText) }
                sent.append(Sent(query: nil, isSync: true))
            }
        }
        guard PQpipelineSync(handle) == 1 else { throw sendError(handle, query: lastText) }
        sent.append(Sent(query: nil, isSync: true))
        try await flush(handle, query: lastText)

        var results: [OpaquePointer] = []
        var failure: (result: OpaquePointer, query: String?)?
        defer {
            results.forEach { PQclear($0) }
            if let failure { PQclear(failure.result) }
        }
        var evictions: [String] = []
        // Every step before the current one was answered with success.
        var allAnswered = true
        // The connection broke where the last Sync was due, after every step had been answered.
        var brokenAfterAnswers = false
        for (index, item) in sent.enumerated() {
            if item.isSync {
                // A Sync's own result ends its part of the pipeline. A backend terminated after the last
                // step was answered (COMMIT included) sends FATAL here, or just closes: what was answered
                // stands (a COMMIT answered has committed; reporting a failure would have the client
                // repeat work that was done), and the connection is discarded.
                let answered = index == sent.count - 1 && allAnswered && failure == nil
                do {
                    try await awaitResult(handle, query: nil)
                } catch {
                    guard answered else { throw error }
                    poisoned = true
                    brokenAfterAnswers = true
                    break
                }
                if let sync = PQgetResult(handle) {
                    let status = PQresultStatus(sync)
                    PQclear(sync)
                    guard status == PGRES_PIPELINE_SYNC else {
                        poisoned = true
                        if answered {
                            brokenAfterAnswers = true
                            break
                        }
                        throw DatabaseError(kind: .connection, message: "the server answered a pipeline out of order")
                    }
                }
                continue
            }
            var succeeded = false
            while true {
                try await awaitResult(handle, query: item.query)
                guard let result = PQgetResult(handle) else { break }
                let status = PQresultStatus(result)
                if status == PGRES_PIPELINE_ABORTED {
                    PQclear(result)
                } else if !Connection.succeeded(result) {
                    if failure == nil { failure = (result, item.query) } else { PQclear(result) }
                    if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH { poisoned = true }
                } else {
                    succeeded = true
                    // A preparation's own result is no step's answer.
                    if item.preparing == nil { results.append(result) } else { PQclear(result) }
                }
            }
            allAnswered = allAnswered && succeeded
            if succeeded, let preparing = item.preparing, let evicted = statements.insert(preparing.key, name: preparing.name) {
                evictions.append(evicted)
            }
        }
        if brokenAfterAnswers {
            let answers = results
            results = []
            return answers
        }
        guard PQexitPipelineMode(handle) == 1 else { throw sendError(handle, query: nil) }

        if let failure {
            let error = makeError(failure.result, query: failure.query)
            if error.isStaleStatement { statements.removeAll() }
            throw error
        }
        await deallocate(evictions, handle)
        guard !results.isEmpty else {
            throw DatabaseError(kind: .connection, message: "the server sent no result", query: lastText)
        }
        let answers = results
        results = []
        return answers
    }

    /// Frees server-side statements the cache evicted; best effort (a failure costs server memory only).
    private func deallocate(_ names: [String], _ handle: OpaquePointer) async {
        for name in names {
            if PQsendQuery(handle, "DEALLOCATE \(name)") == 1, let result = try? await finish(handle, query: nil) {
                PQclear(result)
            }
        }
    }

    /// Sends what libpq buffered, reading meanwhile so a large statement cannot stall both sides.
    private func flush(_ handle: OpaquePointer, query: String?) async throws {
        guard socket >= 0, PQsocket(handle) == socket else { throw sendError(handle, query: query) }
        roundTrips += 1
        while true {
            let flushed = PQflush(handle)
            if flushed == 0 { return }
            guard flushed > 0 else { throw sendError(handle, query: query) }
            try await awaitServer(writable: true, query: query)
            guard PQconsumeInput(handle) == 1 else { throw sendError(handle, query: query) }
        }
    }

    /// Waits on the home loop until PQgetResult would not block.
    private func awaitResult(_ handle: OpaquePointer, query: String?) async throws {
        while PQisBusy(handle) == 1 {
            try await awaitServer(writable: false, query: query)
            guard PQconsumeInput(handle) == 1 else { throw sendError(handle, query: query) }
        }
    }

    /// Flushes what libpq queued and reads every result of the statement, waiting on the socket
    /// through the home loop (never blocking the thread). Returns the last result, or throws the
    /// first failure once all results are in (the connection is then ready for the next statement).
    private func finish(_ handle: OpaquePointer, query: String?) async throws -> OpaquePointer {
        try await flush(handle, query: query)
        var last: OpaquePointer?
        var failure: OpaquePointer?
        defer {
            if let last { PQclear(last) }
            if let failure { PQclear(failure) }
        }
        while true {
            try await awaitResult(handle, query: query)
            guard let result = PQgetResult(handle) else { break }
            let status = PQresultStatus(result)
            if !Connection.succeeded(result), failure == nil {
                failure = result
            } else {
                if let last { PQclear(last) }
                last = result
            }
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
                // libpq now waits for COPY data, so no end of results would come.
                break
            }
        }
        if let failure { throw makeError(failure, query: query) }
        guard let result = last else {
            throw DatabaseError(kind: .connection, message: "the server sent no result", query: query)
        }
        last = nil
        return result
    }

    /// Waits on the home loop until the socket is ready (or may be), and gives the server up when it
    /// has not answered within the response timeout, or when the task is cancelled (a shutdown past its
    /// grace cancels the requests still running): either way the statement's fate is unknown, so the
    /// connection is not used again, and the error is a connection failure (a COMMIT sent before it
    /// may have taken effect).
    private func awaitServer(writable: Bool, query: String?) async throws {
        let (home, socket, id) = (home, socket, id)
        let timedOut = await withTaskCancellationHandler {
            await home.wait(for: socket, owner: id, writable: writable, limit: responseTimeout, cancellable: true)
        } onCancel: {
            home.interrupt(socket, owner: id)
        }
        if timedOut { throw unresponsive(query) }
        if Task.isCancelled {
            poisoned = true
            throw DatabaseError(kind: .connection, message: "the wait for the server's answer was cancelled", query: query)
        }
    }

    /// The server did not answer within `responseTimeout`: the connection is given up (what it was
    /// doing is unknown, as when a connection is lost).
    private func unresponsive(_ query: String?) -> DatabaseError {
        poisoned = true
        let seconds = responseTimeout.map { "\($0.components.seconds) s" } ?? "its time"
        return DatabaseError(kind: .connection, message: "the server did not answer within \(seconds)", query: query)
    }

    /// Runs `body` with no response timeout (work that may rightly take longer than any statement
    /// timeout: migrations, which lift the statement timeout too).
    public func withoutResponseTimeout<Value>(_ body: (Connection) async throws -> Value) async rethrows -> Value {
        let saved = responseTimeout
        responseTimeout = nil
        defer { responseTimeout = saved }
        return try await body(self)
    }

    /// A statement could not be sent or its answer not read: the connection itself failed.
    private func sendError(_ handle: OpaquePointer, query: String?) -> DatabaseError {
        if PQstatus(handle) == CONNECTION_OK { poisoned = true }
        return DatabaseError(kind: .connection, message: Connection.errorMessage(handle), query: query)
    }

    private func validate(_ bindings: [PostgresBind], text: String) throws {
        for (index, bind) in bindings.enumerated() {
            guard let bytes = bind.bytes else { continue }
            // Text parameters travel NUL-terminated; PostgreSQL text cannot hold NUL anyway.
            if bind.format == .text, bytes.contains(0) {
                throw DatabaseError(
                    kind: .client, message: "parameter $\(index + 1) \(DatabaseError.nulParameter)",
                    query: text
                )
            }
            guard bytes.count < Int32.max else {
                throw DatabaseError(kind: .client, message: "parameter $\(index + 1) is larger than 2 GiB", query: text)
            }
        }
    }

    /// Lays the parameters out as libpq wants them and calls `send` with count, values, lengths and formats.
    private static func withParameters(
        _ bindings: [PostgresBind],
        _ send: (Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> Int32
    ) -> Int32 {
        // One arena with every value NUL-terminated; NULL parameters get a nil pointer. Scratch
        // space on the stack: a statement's parameters need no heap allocation of their own.
        let count = bindings.count
        let size = bindings.reduce(0) { $0 + ($1.bytes?.count ?? 0) + 1 }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(size, 1)) { arena in
            withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: max(count, 1)) { values in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(count * 2, 1)) { numbers in
                    let base = UnsafeMutableRawPointer(arena.baseAddress!)
                    var offset = 0
                    for (index, bind) in bindings.enumerated() {
                        if let bytes = bind.bytes {
                            bytes.withUnsafeBytes { source in
                                if let from = source.baseAddress { (base + offset).copyMemory(from: from, byteCount: source.count) }
                            }
                            base.storeBytes(of: 0, toByteOffset: offset + bytes.count, as: UInt8.self)
                            values[index] = UnsafePointer((base + offset).assumingMemoryBound(to: CChar.self))
                            numbers[index] = Int32(bytes.count)
                            offset += bytes.count + 1
                        } else {
                            values[index] = nil
                            numbers[index] = 0
                        }
                        numbers[count + index] = bind.format.rawValue
                    }
                    return send(
                        Int32(count), UnsafePointer(values.baseAddress), UnsafePointer(numbers.baseAddress),
                        UnsafePointer(numbers.baseAddress.map { $0 + count })
                    )
                }
            }
        }
    }

    private static func succeeded(_ result: OpaquePointer) -> Bool {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: true
        default: false
        }
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

/// Carries a value the compiler cannot prove Sendable across an executor hop whose both ends
/// belong to one owner (a connection opened on its loop and handed back to the caller).
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
