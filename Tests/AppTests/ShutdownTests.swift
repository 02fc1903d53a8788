import App
import Database
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import XCTest

/// Shutdown as `convoca serve` runs it (`makeServiceGroup`), on a real socket.
final class ShutdownTests: XCTestCase {
    /// A client that asks for an answer larger than the socket buffers and never reads it cannot hold the
    /// process: once the shutdown grace has passed its connection is closed, the pool is shut down and the
    /// service group returns, and the server accepts no more connections.
    func testAnAnswerNeverReadHoldsShutdownNoLongerThanTheGrace() async throws {
        try await Self.withSetting(grace: .seconds(1), poolSize: 2) { configuration, logger, logs in
            let (proposal, document) = try await Self.uploadLargeDocument(configuration: configuration, logger: logger)
            let server = try await Self.serve(configuration, logger: logger)

            let held = try RawConnection(port: server.port)
            try held.send(RawConnection.getDocument(proposal, document))
            let head = try held.readHead(within: .seconds(5))
            XCTAssertTrue(head.hasPrefix("HTTP/1.1 200"), head)
            // Let the answer fill the socket buffers, then read nothing more.
            try await Task.sleep(for: .milliseconds(300))

            let started = ContinuousClock.now
            await server.group.triggerGracefulShutdown()
            // Should the shutdown hang, the client gives up after 10 s so that the test ends (and fails).
            let descriptor = held.descriptor
            let watchdog = Task {
                try await Task.sleep(for: .seconds(10))
                Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
                server.running.cancel()
            }
            let result = await server.running.result
            let elapsed = ContinuousClock.now - started
            watchdog.cancel()

            XCTAssertNoThrow(try result.get())
            XCTAssertLessThan(elapsed, .seconds(10), "the shutdown waited for the unread answer")
            XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(900), "the answer was not given its grace")
            XCTAssertTrue(try held.closedByServer(within: .seconds(5)), "the held connection is still open")
            XCTAssertThrowsError(try RawConnection(port: server.port), "the server still accepts connections")
            // The operator learns that an answer was cut short.
            XCTAssertEqual(logs.all.filter { $0.contains("shutdown grace ran out") }.count, 1, "\(logs.all)")
            do {
                try await server.dependencies.pool.withConnection { _ in }
                XCTFail("the pool still lends connections")
            } catch {
                XCTAssertEqual(error as? PoolError, .shutdown)
            }
        }
    }

    /// A request waiting on a database that stopped answering (its backend stopped with SIGSTOP) holds
    /// the shutdown no longer than the grace either: cancelled, it stops waiting for the answer at once,
    /// rather than at the response timeout 35 s later.
    func testARequestWaitingOnTheDatabaseHoldsShutdownNoLongerThanTheGrace() async throws {
        try await Self.withSetting(grace: .seconds(1), poolSize: 1) { configuration, logger, logs in
            let server = try await Self.serve(configuration, logger: logger)
            let pid = try await server.dependencies.pool.withConnection {
                try await $0.query("SELECT pg_backend_pid() AS pid")[0].decode(Int32.self, column: "pid")
            }
            guard kill(pid, SIGSTOP) == 0 else {
                XCTFail("cannot stop the backend (errno \(errno)): the test needs to signal the cluster's processes")
                return
            }
            defer { kill(pid, SIGCONT) }
            let waiting = try RawConnection(port: server.port)
            try waiting.send("GET /v1/calls HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(TestApp.adminToken)\r\n\r\n")
            try await Task.sleep(for: .milliseconds(300))

            let started = ContinuousClock.now
            await server.group.triggerGracefulShutdown()
            let watchdog = Task {
                try await Task.sleep(for: .seconds(20))
                kill(pid, SIGCONT)
            }
            let result = await server.running.result
            let elapsed = ContinuousClock.now - started
            watchdog.cancel()
            kill(pid, SIGCONT)

            XCTAssertNoThrow(try result.get())
            XCTAssertLessThan(elapsed, .seconds(5), "the shutdown waited for the database")
            XCTAssertTrue(try waiting.closedByServer(within: .seconds(5)), "the waiting connection is still open")
            XCTAssertEqual(logs.all.filter { $0.contains("shutdown grace ran out") }.count, 1, "\(logs.all)")
        }
    }

    /// A shutdown with nothing left to answer ends at once, and says nothing of the grace.
    func testAShutdownWithinTheGraceLogsNoWarning() async throws {
        try await Self.withSetting(grace: .seconds(5), poolSize: 1) { configuration, logger, logs in
            let server = try await Self.serve(configuration, logger: logger)
            let started = ContinuousClock.now
            await server.group.triggerGracefulShutdown()
            let result = await server.running.result
            XCTAssertNoThrow(try result.get())
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(4))
            XCTAssertFalse(logs.all.contains { $0.contains("shutdown grace") }, "\(logs.all)")
        }
    }

    /// A database of its own, a configuration listening on any free port, and a logger whose warnings are kept.
    private static func withSetting(
        grace: Duration, poolSize: Int, _ body: (Configuration, Logger, CapturedLogs) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.create()
        var configuration = Configuration(databaseURL: database.url, databasePoolSize: poolSize, adminToken: TestApp.adminToken)
        configuration.port = 0
        configuration.maxDocumentBytes = 16_000_000
        configuration.shutdownGrace = grace
        let logs = CapturedLogs()
        var logger = Logger(label: "test-shutdown") { _ in CapturingLogHandler(logs: logs) }
        logger.logLevel = .warning
        do {
            try await body(configuration, logger, logs)
        } catch {
            try? await TestDatabase.drop(database.name)
            throw error
        }
        try await TestDatabase.drop(database.name)
    }

    /// The application in `convoca serve`'s service group, running, once it listens.
    private static func serve(
        _ configuration: Configuration, logger: Logger
    ) async throws -> (group: ServiceGroup, running: Task<Void, any Error>, port: Int, dependencies: AppDependencies) {
        let dependencies = try makeDependencies(configuration: configuration, logger: logger)
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let app = ReportingPort(base: try buildApplication(dependencies, migrateAtStart: false), listening: listening)
        let group = makeServiceGroup(app, configuration: configuration)
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let listeningPort = await iterator.next()
        let port = try XCTUnwrap(listeningPort)
        return (group, running, port, dependencies)
    }

    /// A proposal with a large document, made through a server of its own (whose pool is shut down after).
    private static func uploadLargeDocument(
        configuration: Configuration, logger: Logger
    ) async throws -> (proposal: String, document: String) {
        let dependencies = try makeDependencies(configuration: configuration, logger: logger)
        return try await buildApplication(dependencies, migrateAtStart: false).test(.router) { client in
            let (proposal, document, _) = try await Fixtures.largeDocument(client)
            return (proposal, document)
        }
    }
}

/// An application that says which port it listens on (it is given port 0), otherwise the one it wraps.
private struct ReportingPort<Base: ApplicationProtocol>: ApplicationProtocol {
    typealias Responder = Base.Responder
    let base: Base
    let listening: AsyncStream<Int>.Continuation

    var responder: Responder { get async throws { try await base.responder } }
    var server: HTTPServerBuilder { base.server }
    var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    var configuration: ApplicationConfiguration { base.configuration }
    var logger: Logger { base.logger }
    var services: [any Service] { base.services }
    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { base.processesRunBeforeServerStart }

    @Sendable func onServerRunning(_ channel: any Channel) async {
        await base.onServerRunning(channel)
        listening.yield(channel.localAddress?.port ?? 0)
    }
}
