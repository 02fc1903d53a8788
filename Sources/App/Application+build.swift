import ConvocaAPI
import Database
import Foundation
import Hummingbird
import Logging
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle
import Synchronization

/// What the HTTP layer needs, made once by `buildApplication` (tests build it the same way).
public struct AppDependencies: Sendable {
    public var configuration: Configuration
    public var pool: DatabasePool
    public var migrator: Migrator
    public var logger: Logger
    /// The server clock (deadlines, receipts); tests replace it.
    public var now: @Sendable () -> Date

    public init(
        configuration: Configuration, pool: DatabasePool, migrator: Migrator, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.pool = pool
        self.migrator = migrator
        self.logger = logger
        self.now = now
    }
}

/// The pool and migrator for a configuration.
public func makeDependencies(configuration: Configuration, logger: Logger) throws -> AppDependencies {
    var poolConfiguration = DatabasePool.Configuration(
        conninfo: configuration.databaseURL, size: configuration.databasePoolSize,
        acquireTimeout: configuration.databaseAcquireTimeout)
    poolConfiguration.statementTimeout = configuration.databaseStatementTimeout
    let pool = DatabasePool(configuration: poolConfiguration, logger: logger)
    let migrator = try Migrator(pool: pool, directory: BundledFiles.migrationsDirectory)
    return AppDependencies(configuration: configuration, pool: pool, migrator: migrator, logger: logger)
}

/// The whole service: the HTTP server plus the database pool, with migrations applied before serving when asked.
public func buildApplication(_ dependencies: AppDependencies, migrateAtStart: Bool) throws -> some ApplicationProtocol {
    let authFailures = AuthFailureLog(pool: dependencies.pool, now: dependencies.now, logger: dependencies.logger)
    let router = try buildRouter(dependencies, authFailures: authFailures)
    let configuration = dependencies.configuration
    let connections = OpenConnections(limit: configuration.maxConnections, logger: dependencies.logger)
    var app = Application(
        router: router,
        server: .convocaHTTP1(configuration: .init(
            // Made for each connection; the count of open connections is shared.
            additionalChannelHandlers: [
                ConnectionLimitHandler(connections: connections),
                BodyDeadlineHandler(timeout: configuration.bodyTimeout, logger: dependencies.logger),
                ParserErrorHandler(logger: dependencies.logger),
            ],
            // Connections idle (or stuck in an unfinished request head) longer than this are closed:
            // a client cannot hold connections open without using them.
            idleTimeout: TimeAmount(configuration.idleTimeout),
            // Request heads over these limits are refused by the HTTP parser (400 from `ParserErrorHandler`, connection
            // closed) before any handler runs: no header needs more than a bearer token and a few short values.
            httpDecoderConfiguration: .init(maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 64 * 1024, maxHeaderFieldCount: 100))),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "convoca"),
        // Shut down in reverse order: the failure log writes its last window while the pool still runs.
        services: [dependencies.pool, authFailures, IdempotencyKeyPurge(pool: dependencies.pool, logger: dependencies.logger)],
        logger: dependencies.logger)
    if migrateAtStart {
        app.beforeServerStarts {
            let applied = try await dependencies.migrator.migrate()
            dependencies.logger.info("migrations applied", metadata: ["count": "\(applied.count)"])
        }
    }
    return app
}

/// What `convoca serve` runs: the application until SIGTERM or SIGINT (or a triggered graceful shutdown), then its
/// graceful shutdown, for at most `Configuration.shutdownGrace`. A connection whose client stops reading an answer
/// never finishes it, and would hold the process until it is killed, the pool still open. Past the grace the group
/// is cancelled: Hummingbird closes each connection left as its task is cancelled, the background services stop, and
/// the pool waits for lent connections and closes them; `run()` then returns normally.
public func makeServiceGroup(_ app: some ApplicationProtocol, configuration: Configuration) -> ServiceGroup {
    let watched = GraceWatch(base: app, grace: configuration.shutdownGrace, logger: app.logger)
    var group = ServiceGroupConfiguration(services: [watched], gracefulShutdownSignals: [.sigterm, .sigint], logger: app.logger)
    group.maximumGracefulShutdownDuration = configuration.shutdownGrace
    return ServiceGroup(configuration: group)
}

/// Says so when a graceful shutdown ran out of its grace and the answers still being sent were cut short
/// (the service group itself says it only at debug level): the application's run was cancelled after its
/// graceful shutdown had begun.
struct GraceWatch<Base: Service>: Service, CustomStringConvertible {
    let base: Base
    let grace: Duration
    let logger: Logger

    var description: String { "\(base)" }

    func run() async throws {
        let shuttingDown = Atomic(false)
        try await withGracefulShutdownHandler {
            try await base.run()
        } onGracefulShutdown: {
            shuttingDown.store(true, ordering: .relaxed)
        }
        if Task.isCancelled, shuttingDown.load(ordering: .relaxed) {
            logger.warning(
                "shutdown grace ran out: the connections still open were closed",
                metadata: ["graceSeconds": "\(grace.components.seconds)"])
        }
    }
}

/// Routes every documented operation through the middleware that enforces the API's conventions.
public func buildRouter(_ dependencies: AppDependencies) throws -> Router<APIRequestContext> {
    try buildRouter(
        dependencies, authFailures: AuthFailureLog(pool: dependencies.pool, now: dependencies.now, logger: dependencies.logger))
}

func buildRouter(_ dependencies: AppDependencies, authFailures: AuthFailureLog) throws -> Router<APIRequestContext> {
    let contract = try BundledFiles.contract()
    let pool = dependencies.pool
    let audit = AuditLog()
    let handlers = APIHandlers(
        readiness: ReadinessProbe(pool: pool, migrator: dependencies.migrator),
        contract: contract,
        calls: CallService(pool: pool, audit: audit),
        organisations: OrganisationService(pool: pool, audit: audit, now: dependencies.now),
        proposals: ProposalService(pool: pool, audit: audit, now: dependencies.now),
        documents: DocumentService(
            pool: pool, audit: audit, maxBytes: dependencies.configuration.maxDocumentBytes,
            sliceBytes: dependencies.configuration.documentSliceBytes, logger: dependencies.logger),
        tokens: TokensService(pool: pool, audit: audit, now: dependencies.now),
        auditEvents: AuditEventsService(pool: pool),
        rulesets: RulesetService(pool: pool, audit: audit),
        eligibility: EligibilityService(pool: pool, audit: audit, now: dependencies.now),
        cursorKey: CursorKey(pool: pool))
    // Read now, so a contract the constraints cannot be compiled from, or missing reference data, stops
    // start-up, not a request.
    _ = ContractConstraints.shared
    try ReferenceData.loadAtStart()
    let access = AccessMiddleware(
        policy: AccessPolicy(contract: String(decoding: contract, as: UTF8.self)),
        authenticator: Authenticator(
            pool: pool, adminToken: dependencies.configuration.adminToken,
            rateLimiter: RateLimiter(perMinute: dependencies.configuration.rateLimitPerMinute),
            failures: authFailures))
    // Compact JSON and instants with fractional seconds (the runtime's defaults pretty-print and drop them).
    let runtimeConfiguration = OpenAPIRuntime.Configuration(
        dateTranscoder: RFC3339DateTranscoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])
    let register = { (transport: any ServerTransport) throws in
        try handlers.registerHandlers(
            on: transport, configuration: runtimeConfiguration,
            middlewares: [
                access, QueryConstraintsMiddleware(), DocumentFaultsMiddleware(maxBodyBytes: dependencies.configuration.maxBodyBytes, now: dependencies.now),
                NullCursorMiddleware(), DocumentAcceptMiddleware(), StoredRepresentationMiddleware(),
            ])
    }
    let routes = try RouteTable.documented { try register($0) }

    // Every GET also answers HEAD (same status and headers, no body), as `Allow` has always said.
    let router = Router(context: APIRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: ProblemMiddleware(
        routes: routes, logger: dependencies.logger, crossOrigin: dependencies.configuration.crossOrigin))
    router.add(middleware: PreflightMiddleware(crossOrigin: dependencies.configuration.crossOrigin))
    router.add(middleware: DatabaseLoopMiddleware())
    router.add(middleware: RequestLimitsMiddleware(
        maxBodyBytes: dependencies.configuration.maxBodyBytes,
        maxDocumentBytes: dependencies.configuration.maxDocumentBytes, authenticator: access.authenticator,
        policy: access.policy, routes: routes, bodyBudget: BodyBudget(limit: dependencies.configuration.maxBodyBytesInFlight)))
    router.add(middleware: ProposalFastPaths(access: access, proposals: handlers.proposals, cursorKey: handlers.cursorKey))
    router.add(middleware: RuleEvaluationFastPath(access: access, rulesets: handlers.rulesets))
    try register(router)
    return router
}
