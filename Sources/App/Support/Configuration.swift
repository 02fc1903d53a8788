import Logging

/// Everything the service reads from its environment, checked once at start-up.
public struct Configuration: Sendable {
    public var databaseURL: String
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    public var databasePoolSize: Int
    /// How long a request waits for a free database connection before answering 503.
    public var databaseAcquireTimeout: Duration = .seconds(5)
    /// Longest one SQL statement may run (waiting for a lock included) before it is cancelled and
    /// the request answered 503.
    public var databaseStatementTimeout: Duration = .seconds(30)
    public var adminToken: String?
    /// Largest JSON request body accepted.
    public var maxBodyBytes: Int
    /// Largest uploaded document accepted.
    public var maxDocumentBytes: Int
    /// Bytes of a document one statement reads while its download is written: a download holds about
    /// this much in memory (and three times it while a slice is decoded), whatever the document's size.
    public var documentSliceBytes: Int = 256 << 10
    /// Request body bytes held at once, over all requests (each counted at its declared length, or at its
    /// limit when sent in chunks); a body that would take more is answered 503 before it is read. At least
    /// the largest body one request may send.
    public var maxBodyBytesInFlight: Int = 128 << 20
    /// Requests a minute one credential may make.
    public var rateLimitPerMinute: Int
    /// Browser origins whose pages may read answers (CORS).
    public var crossOrigin: CrossOrigin = .none
    /// How long a client connection may stay open without a request in progress (or with a request
    /// head that never completes) before the server closes it.
    public var idleTimeout: Duration = .seconds(60)
    /// Most client connections open at once; one more is answered 503 and closed.
    public var maxConnections: Int = 1000
    /// How long a request's body may take to arrive in full, from the end of its head: the idle timeout
    /// restarts with every piece of a body, so a body trickled slowly would hold its connection forever.
    public var bodyTimeout: Duration = .seconds(30)
    /// How long a shutdown (SIGTERM, SIGINT) waits for connections to finish their answers before closing
    /// the ones left: a client that never reads its answer would otherwise keep the process alive until it
    /// is killed, the database pool never closed. By default below the 30 s Kubernetes waits before SIGKILL.
    public var shutdownGrace: Duration = .seconds(25)

    public init(
        databaseURL: String,
        host: String = "127.0.0.1",
        port: Int = 8080,
        logLevel: Logger.Level = .info,
        databasePoolSize: Int = 4,
        adminToken: String? = nil,
        maxBodyBytes: Int = 1 << 20,
        maxDocumentBytes: Int = 10 << 20,
        rateLimitPerMinute: Int = 1200
    ) {
        self.databaseURL = databaseURL
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.databasePoolSize = databasePoolSize
        self.adminToken = adminToken
        self.maxBodyBytes = maxBodyBytes
        self.maxDocumentBytes = maxDocumentBytes
        self.rateLimitPerMinute = rateLimitPerMinute
    }

    /// Reads the configuration; the first bad value is reported with the variable's name.
    public static func fromEnvironment(_ env: [String: String]) throws(ConfigurationError) -> Configuration {
        guard let url = env["DATABASE_URL"], !url.isEmpty else {
            throw ConfigurationError(variable: "DATABASE_URL", problem: "is not set (a libpq URI or key=value conninfo)")
        }
        var config = Configuration(databaseURL: url)
        if let host = env["HOST"] {
            guard !host.isEmpty else { throw ConfigurationError(variable: "HOST", problem: "is empty") }
            config.host = host
        }
        config.port = try integer(env, "PORT", default: 8080, in: 1...65535)
        if let level = env["LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError(
                    variable: "LOG_LEVEL",
                    problem: "is '\(level)'; expected one of trace, debug, info, notice, warning, error, critical")
            }
            config.logLevel = parsed
        }
        config.databasePoolSize = try integer(env, "DB_POOL_SIZE", default: 4, in: 1...200)
        config.databaseAcquireTimeout = .milliseconds(
            try integer(env, "DB_ACQUIRE_TIMEOUT_MS", default: 5000, in: 10...600_000))
        config.databaseStatementTimeout = .milliseconds(
            try integer(env, "DB_STATEMENT_TIMEOUT_MS", default: 30_000, in: 100...3_600_000))
        if let token = env["CONVOCA_ADMIN_TOKEN"] {
            guard token.utf8.count >= 32 else {
                throw ConfigurationError(variable: "CONVOCA_ADMIN_TOKEN", problem: "must be at least 32 characters")
            }
            config.adminToken = token
        }
        config.maxBodyBytes = try integer(env, "CONVOCA_MAX_BODY_BYTES", default: 1 << 20, in: 1024...(256 << 20))
        config.maxDocumentBytes = try integer(
            env, "CONVOCA_MAX_DOCUMENT_BYTES", default: 10 << 20, in: 1024...(1 << 30))
        config.maxBodyBytesInFlight = try integer(
            env, "CONVOCA_MAX_BODY_BYTES_IN_FLIGHT", default: 128 << 20,
            in: max(config.maxBodyBytes, config.maxDocumentBytes)...(1 << 40))
        config.rateLimitPerMinute = try integer(env, "CONVOCA_RATE_LIMIT_PER_MINUTE", default: 1200, in: 1...1_000_000)
        config.crossOrigin = try CrossOrigin(parsing: env["CONVOCA_CORS_ORIGINS"] ?? "")
        config.idleTimeout = .seconds(try integer(env, "CONVOCA_IDLE_TIMEOUT_SECONDS", default: 60, in: 1...3600))
        config.maxConnections = try integer(env, "CONVOCA_MAX_CONNECTIONS", default: 1000, in: 1...1_000_000)
        config.bodyTimeout = .seconds(try integer(env, "CONVOCA_BODY_TIMEOUT_SECONDS", default: 30, in: 1...3600))
        config.shutdownGrace = .seconds(try integer(env, "CONVOCA_SHUTDOWN_GRACE_SECONDS", default: 25, in: 1...3600))
        return config
    }

    private static func integer(
        _ env: [String: String], _ name: String, default value: Int, in range: ClosedRange<Int>
    ) throws(ConfigurationError) -> Int {
        guard let text = env[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(
                variable: name, problem: "is '\(text)'; expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var variable: String
    public var problem: String
    public var description: String { "\(variable) \(problem)" }
}
