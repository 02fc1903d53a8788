// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "convoca",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "convoca", targets: ["convoca"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // The HTTP channel itself, for the handler that answers `Expect: 100-continue`.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Reads openapi.yaml: the constraints of its schemas (server), every operation's access rules (tests).
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // Seals list cursors (ChaCha20-Poly1305).
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // libpq, as Debian ships it (libpq-dev).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        // eventfd, which wakes a sleeping database event loop (Linux).
        .systemLibrary(name: "CEventFD"),
        // glibc's allocator settings (mallopt), for the server's process.
        .systemLibrary(name: "CMalloc"),
        // The libpq layer: connections, bind-only SQL interpolation, typed rows, pool, migrations.
        .target(
            name: "Database",
            dependencies: [
                "CLibPQ",
                "CEventFD",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // JSON Logic: parsing, compiling and evaluating rules. Foundation only.
        .target(name: "Rules", swiftSettings: strict),
        // Types and server stubs generated from openapi.yaml (linked in this folder).
        .target(
            name: "ConvocaAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: strict,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // HTTP edge, domain services and repositories.
        .target(
            name: "App",
            dependencies: [
                "Database",
                "Rules",
                "ConvocaAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                // The HTTP/1 connection's pipeline, which the server assembles itself (`HTTP1Pipeline`).
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                // HTTPParserError, which a request head the parser cannot read arrives as, and the HTTP/1
                // request heads that still carry their version.
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Reads the contract's schemas, whose declared constraints every write is checked against.
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "convoca",
            dependencies: [
                "App",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Point selects through the pool, for `make bench-db`.
        .executableTarget(
            name: "convoca-bench",
            dependencies: ["Database", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // The 2021 ruleset against a realistic facts document, for `make bench-rules`.
        .executableTarget(
            name: "convoca-rules-bench",
            dependencies: ["Rules"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DatabaseTests",
            dependencies: ["Database"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RulesTests",
            dependencies: ["Rules"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // `HTTPServerBuilder`, for wrapping the application to learn the port it listens on.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                // Event loops to run tasks on (`ChannelLoopExecutorTests`).
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
    ]
)
