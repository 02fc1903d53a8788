import Logging
import ServiceLifecycle

/// Runs one piece of work with a started pool (for commands that are not the server), then shuts the pool down.
public func withDependencies<T: Sendable>(
    _ configuration: Configuration, _ logger: Logger, _ work: @Sendable (AppDependencies) async throws -> T
) async throws -> T {
    let dependencies = try makeDependencies(configuration: configuration, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [dependencies.pool], gracefulShutdownSignals: [], logger: logger))
        group.addTask { try await serviceGroup.run() }
        defer { group.cancelAll() }
        let result = try await work(dependencies)
        await serviceGroup.triggerGracefulShutdown()
        try await group.next()
        return result
    }
}
