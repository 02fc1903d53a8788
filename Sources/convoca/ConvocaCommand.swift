import App
import ArgumentParser
import CMalloc
import Foundation
import Logging

@main
struct ConvocaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convoca",
        abstract: "Convoca: innovation challenge calls, end to end.",
        subcommands: [Serve.self, Migrate.self, Seed.self],
        defaultSubcommand: Serve.self)
}

/// Reads the environment once; a bad value ends the process with one line naming the variable.
func loadEnvironment() -> (Configuration, Logger) {
    do {
        let configuration = try Configuration.fromEnvironment(ProcessInfo.processInfo.environment)
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: configuration.logLevel) }
        return (configuration, Logger(label: "convoca"))
    } catch {
        FileHandle.standardError.write(Data("convoca: configuration: \(error)\n".utf8))
        exit(2)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the API (applies pending migrations first).")

    @Flag(name: .customLong("no-migrate"), help: "Do not apply pending migrations at start.")
    var noMigrate = false

    func run() async throws {
        let (configuration, logger) = loadEnvironment()
        returnLargeBuffersToTheSystem()
        do {
            let dependencies = try makeDependencies(configuration: configuration, logger: logger)
            let app = try buildApplication(dependencies, migrateAtStart: !noMigrate)
            try await makeServiceGroup(app, configuration: configuration).run()
        } catch {
            // One log line like every other (an orchestrator restarts the process), not a plain-text one.
            logger.critical("server stopped on an error", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        logger.info("server stopped")
    }
}

/// Buffers of a megabyte or more (request bodies, uploads on their way to PostgreSQL) are mapped
/// for themselves and unmapped when freed. glibc's default threshold rises with each such buffer
/// freed, up to 32 MiB, after which they come from the heap and stay there: twenty uploads of
/// 10 MiB at once left the process at 620 MB after they ended.
private func returnLargeBuffersToTheSystem() {
    _ = convoca_map_allocations_from(1 << 20)
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations, then exit.")

    func run() async throws {
        let (configuration, logger) = loadEnvironment()
        try await withDependencies(configuration, logger) { dependencies in
            let applied = try await dependencies.migrator.migrate()
            logger.info("migrations applied", metadata: ["count": "\(applied.count)"])
        }
    }
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the bundled seed data (idempotent), then exit.")

    func run() async throws {
        let (configuration, logger) = loadEnvironment()
        try await withDependencies(configuration, logger) { dependencies in
            try await SeedLoader(pool: dependencies.pool, logger: logger).loadAll(from: BundledFiles.seedDirectory)
        }
    }
}
