import Database
import Foundation
import Synchronization
import Testing

/// The cluster the tests run against, from CONVOCA_TEST_DATABASE_URL (set by `make test`).
enum TestCluster {
    static let variable = "CONVOCA_TEST_DATABASE_URL"
    static let url: String? = ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    /// Superuser pool on database `postgres`, used to create and drop per-test databases.
    static let admin: DatabasePool? = url.map {
        DatabasePool(configuration: .init(conninfo: $0, size: 4, acquireTimeout: .seconds(60)))
    }
    /// Bounds concurrent test databases so parallel tests stay under max_connections.
    static let limiter = AsyncLimiter(limit: 6)

    static func adminPool() throws -> DatabasePool {
        guard let admin else { throw TestSetupError.missingDatabaseURL }
        return admin
    }
}

enum TestSetupError: Error, CustomStringConvertible {
    case missingDatabaseURL

    var description: String {
        "\(TestCluster.variable) is not set: the database tests need a libpq conninfo for a superuser "
            + "connection to database `postgres` of a throwaway cluster (`make test` starts one and sets it)"
    }
}

/// A database created for one test and dropped after it.
struct TestDatabase: Sendable {
    let name: String
    let pool: DatabasePool
    /// Configuration that reaches this database; tests derive their own pools from it.
    let configuration: DatabasePool.Configuration
}

/// Creates a fresh database, runs `body` with a pool on it, then shuts the pool down and drops the database.
func withTestDatabase<Value>(
    poolSize: Int = 3,
    configure: (inout DatabasePool.Configuration) -> Void = { _ in },
    _ body: (TestDatabase) async throws -> Value
) async throws -> Value {
    let admin = try TestCluster.adminPool()
    await TestCluster.limiter.acquire()
    let name = "convoca_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    do {
        // Identifiers cannot be bind parameters; the name is generated here from hex digits only.
        try await admin.withConnection { try await $0.execute(unsafeRawMultiStatement: "CREATE DATABASE \(name)") }
    } catch {
        await TestCluster.limiter.release()
        throw error
    }
    var configuration = DatabasePool.Configuration(conninfo: TestCluster.url!, size: poolSize, acquireTimeout: .seconds(30))
    configuration.parameters["dbname"] = name
    configure(&configuration)
    let pool = DatabasePool(configuration: configuration)
    let result: Result<Value, any Error>
    do {
        result = .success(try await body(TestDatabase(name: name, pool: pool, configuration: configuration)))
    } catch {
        result = .failure(error)
    }
    await pool.shutdown()
    let dropped = await Result {
        try await admin.withConnection {
            try await $0.execute(unsafeRawMultiStatement: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
    await TestCluster.limiter.release()
    let value = try result.get()
    try dropped.get()
    return value
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}

/// A counting semaphore for async code.
actor AsyncLimiter {
    private let limit: Int
    private var active = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = limit
    }

    func acquire() async {
        if active < limit {
            active += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            active -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// Thread-safe counter for closures that run on pool threads.
final class Counter: Sendable {
    private let value = Mutex(0)

    @discardableResult
    func increment(by delta: Int = 1) -> Int {
        value.withLock { value in
            value += delta
            return value
        }
    }

    var current: Int { value.withLock { $0 } }
}

/// A flag set on a pool thread and awaited by the test without blocking the cooperative pool.
final class Flag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }

    func wait(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !value.withLock({ $0 }) {
            guard ContinuousClock.now < deadline else { throw FlagTimeout() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    struct FlagTimeout: Error {}
}
