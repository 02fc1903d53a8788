import App
import Database
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import XCTest

/// A fresh database per test, copied from the migrated template that `make test` prepares.
enum TestDatabase {
    static var adminURL: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["CONVOCA_TEST_DATABASE_URL"], !url.isEmpty else {
                throw TestSetupError(message: "CONVOCA_TEST_DATABASE_URL is not set: run the suite with `make test`")
            }
            return url
        }
    }

    static var template: String { ProcessInfo.processInfo.environment["CONVOCA_TEST_TEMPLATE"] ?? "convoca_template" }

    /// Creates a database from the template and returns its conninfo.
    static func create() async throws -> (name: String, url: String) {
        let admin = try adminURL
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await withAdminConnection(admin) { connection in
            try await connection.execute("CREATE DATABASE \(unsafeRaw: name) TEMPLATE \(unsafeRaw: template)")
        }
        return (name, admin + " dbname=\(name)")
    }

    static func drop(_ name: String) async throws {
        try await withAdminConnection(try adminURL) { connection in
            try await connection.execute("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)")
        }
    }

    static func withAdminConnection(_ url: String, _ body: @Sendable (Connection) async throws -> Void) async throws {
        let pool = DatabasePool(configuration: .init(conninfo: url, size: 1), logger: Logger(label: "test-admin"))
        try await TestPool.running(pool) { try await pool.withConnection { try await body($0) } }
    }
}

/// Runs work while a pool's service is running, then shuts it down.
enum TestPool {
    static func running<T: Sendable>(_ pool: DatabasePool, _ work: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            do {
                let result = try await work()
                group.cancelAll()
                try? await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}

/// The application wired exactly as `convoca serve` wires it, on a database of its own.
struct TestApp: Sendable {
    static let adminToken = "test-admin-token-0123456789abcdefghijklmnop"

    let dependencies: AppDependencies
    let clock: TestClock

    var pool: DatabasePool { dependencies.pool }

    /// Runs `body` against a fresh database; the database is dropped afterwards.
    static func run(
        now: Date = ISO8601DateFormatter().date(from: "2021-06-01T12:00:00Z")!,
        seed: Bool = true,
        configure: (inout Configuration) -> Void = { _ in },
        logs: CapturedLogs? = nil,
        _ body: @Sendable (TestApp, any TestClientProtocol) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.create()
        var configuration = Configuration(databaseURL: database.url, databasePoolSize: 4, adminToken: adminToken)
        configure(&configuration)
        var logger = logs.map { logs in Logger(label: "test") { _ in CapturingLogHandler(logs: logs) } } ?? Logger(label: "test")
        logger.logLevel = .warning
        let clock = TestClock(now)
        var dependencies = try makeDependencies(configuration: configuration, logger: logger)
        dependencies.now = { clock.now }
        let app = TestApp(dependencies: dependencies, clock: clock)
        do {
            let application = try buildApplication(dependencies, migrateAtStart: false)
            try await application.test(.router) { client in
                if seed { try await SeedLoader(pool: app.pool, logger: app.dependencies.logger).loadAll(from: BundledFiles.seedDirectory) }
                try await body(app, client)
            }
        } catch {
            try? await TestDatabase.drop(database.name)
            throw error
        }
        try await TestDatabase.drop(database.name)
    }
}

/// A settable clock: the only fake the suite uses (the server's notion of "now").
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ now: Date) { current = now }
    var now: Date {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// What the application logged, for tests that hold what logs may (not) say.
final class CapturedLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

struct CapturingLogHandler: LogHandler {
    let logs: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { _, new in new }
        logs.append("\(event.level) \(event.message) \(fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }
}
