import App
import Database
import Foundation
import HummingbirdTesting
import Logging
import XCTest

/// Readiness follows the database, and configuration mistakes are named at start.
final class OperationsTests: XCTestCase {
    func testReadinessIs503WhileTheDatabaseIsMissingAndRecoversByItself() async throws {
        let admin = try TestDatabase.adminURL
        let name = "t_ready_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var configuration = Configuration(databaseURL: admin + " dbname=\(name)", adminToken: TestApp.adminToken)
        configuration.databasePoolSize = 1
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let dependencies = try makeDependencies(configuration: configuration, logger: logger)
        let application = try buildApplication(dependencies, migrateAtStart: false)
        try await application.test(.router) { client in
            let started = ContinuousClock.now
            let down = try await client.call(.get, "/readyz", token: nil)
            XCTAssertProblem(down, .serviceUnavailable, "service-unavailable")
            XCTAssertEqual(down.headers[.retryAfter], "5")
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
            // The liveness probe does not depend on the database.
            let health = try await client.call(.get, "/healthz", token: nil)
            XCTAssertEqual(health.status, .ok)

            // The database appears, without migrations: still not ready, and the answer says why.
            try await TestDatabase.withAdminConnection(admin) { try $0.execute("CREATE DATABASE \(unsafeRaw: name)") }
            let pending = try await client.call(.get, "/readyz", token: nil)
            XCTAssertProblem(pending, .serviceUnavailable, "service-unavailable")
            XCTAssertTrue((pending["detail"] as? String ?? "").contains("migrations"), pending.text)

            try await dependencies.migrator.migrate()
            let ready = try await client.call(.get, "/readyz", token: nil)
            XCTAssertEqual(ready.status, .ok, ready.text)
        }
        try await TestDatabase.drop(name)
    }

    func testConfigurationNamesTheBadVariable() throws {
        let base = ["DATABASE_URL": "host=/tmp dbname=x"]
        XCTAssertEqual(try Configuration.fromEnvironment(base).port, 8080)
        XCTAssertEqual(try Configuration.fromEnvironment(base).host, "127.0.0.1")
        let cases: [([String: String], String)] = [
            ([:], "DATABASE_URL"),
            (base.merging(["PORT": "eighty"]) { $1 }, "PORT"),
            (base.merging(["PORT": "70000"]) { $1 }, "PORT"),
            (base.merging(["LOG_LEVEL": "loud"]) { $1 }, "LOG_LEVEL"),
            (base.merging(["DB_POOL_SIZE": "0"]) { $1 }, "DB_POOL_SIZE"),
            (base.merging(["CONVOCA_ADMIN_TOKEN": "short"]) { $1 }, "CONVOCA_ADMIN_TOKEN"),
        ]
        for (environment, variable) in cases {
            XCTAssertThrowsError(try Configuration.fromEnvironment(environment)) { error in
                XCTAssertEqual((error as? ConfigurationError)?.variable, variable)
                XCTAssertTrue(String(describing: error).hasPrefix(variable))
            }
        }
    }
}
