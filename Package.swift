// swift-tools-version:6.2
import PackageDescription

/// Every target is compiled in Swift 6 language mode (strict concurrency) with existential `any` required.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "SeedGate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "seedgate", targets: ["seedgate"]),
        // The typed client of SeedGate's API (generated from openapi/seedgate.yaml), for internal Swift services.
        .library(name: "SeedGateClient", targets: ["SeedGateClient"]),
    ],
    traits: [
        // `swift build --traits OTLP`: spans exported over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT; docs/tracing.md). Off by
        // default: swift-otel is then neither resolved nor compiled, and the built-in tracer only propagates.
        .trait(name: "OTLP", description: "Export traces over OTLP/HTTP with swift-otel (docs/tracing.md)")
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // Only with the OTLP trait (used by SeedGateOTLP under that condition alone), and without its gRPC exporter.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
    ],
    targets: [
        // The domain: jobs, catalogue, validation, routing, adapter and store protocols. No server, network or database.
        .target(
            name: "SeedGateCore",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // The version and git revision (`seedgate --version`, `seedgate_build_info`): a leaf module of its own, so the
        // revision GitRevision writes recompiles this one file, not the core everything depends on.
        .target(name: "SeedGateBuildInfo", swiftSettings: strict, plugins: ["GitRevision"]),
        // Writes BuildInfo's git revision (`git rev-parse`, or SEEDGATE_GIT_REVISION) into SeedGateBuildInfo at build time.
        .plugin(name: "GitRevision", capability: .buildTool()),
        // One folder per provider; adapters build UpstreamRequests and parse UpstreamResponses, no I/O library.
        .target(
            name: "SeedGateProviders",
            dependencies: ["SeedGateCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // Faithful HTTP imitations of the providers, for tests, benchmarks and the zero-credential demo.
        .target(
            name: "SeedGateEmulators",
            dependencies: [
                "SeedGateCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SeedGateStoreSQLite",
            dependencies: ["SeedGateCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // PostgreSQL JobStore for several replicas on one database (SKIP LOCKED claims, advisory-locked migrations).
        .target(
            name: "SeedGateStorePostgres",
            dependencies: ["SeedGateCore", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: strict
        ),
        // Wiring that touches the outside world: HTTP transport, background services, configuration files.
        .target(
            name: "SeedGateRuntime",
            dependencies: [
                "SeedGateBuildInfo",
                "SeedGateCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strict
        ),
        // Code generated from openapi/seedgate.yaml (see scripts/generate-openapi.sh); never edited by hand.
        .target(
            name: "SeedGateAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            exclude: ["openapi-generator-config.yaml"]
        ),
        // The unified REST API: thin handlers over JobService, one error-to-HTTP table.
        .target(
            name: "SeedGateHTTP",
            dependencies: [
                "SeedGateCore",
                .product(name: "Logging", package: "swift-log"),
                "SeedGateAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strict
        ),
        // Composition root: builds the server from configuration and runs it.
        .target(
            name: "SeedGateServer",
            dependencies: [
                "SeedGateCore",
                "SeedGateProviders",
                "SeedGateEmulators",
                "SeedGateStoreSQLite",
                "SeedGateStorePostgres",
                "SeedGateRuntime",
                "SeedGateHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        // What tests share: stub adapters, fixtures, a manual clock, a test gateway over them, withRunningServer {}.
        .target(
            name: "SeedGateTesting",
            dependencies: [
                "SeedGateCore",
                "SeedGateServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The typed client: code generated from openapi/seedgate.yaml (Generated/, see scripts/generate-openapi.sh) and a
        // small hand-written layer (Client.make, the bearer-key and problem middlewares, image data: URLs).
        .target(
            name: "SeedGateClient",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            exclude: ["openapi-generator-config.yaml"],
            swiftSettings: strict
        ),
        // The OTLP exporter (swift-otel), built with the OTLP trait only; without it the target is empty.
        .target(
            name: "SeedGateOTLP",
            dependencies: [
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OTel", package: "swift-otel", condition: .when(traits: ["OTLP"])),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "seedgate",
            dependencies: [
                "SeedGateBuildInfo",
                "SeedGateServer",
                "SeedGateEmulators",
                "SeedGateCore",
                "SeedGateRuntime",
                "SeedGateOTLP",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                "SeedGateClient",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        // The client library and the CLI's pieces: image data: URLs, *_FILE secrets, the client matching the spec.
        .testTarget(
            name: "SeedGateClientTests",
            dependencies: [
                "SeedGateClient", "SeedGateServer", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SeedGateCoreTests",
            dependencies: ["SeedGateCore", "SeedGateTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SeedGateProvidersTests",
            dependencies: [
                "SeedGateCore", "SeedGateProviders", "SeedGateEmulators", "SeedGateRuntime", "SeedGateServer", "SeedGateTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SeedGateEmulatorsTests",
            dependencies: [
                "SeedGateCore",
                "SeedGateEmulators",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SeedGateStoreTests",
            dependencies: [
                "SeedGateCore", "SeedGateStoreSQLite", "SeedGateStorePostgres", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        // Fixtures/sigv4-vectors.json: SigV4 reference signatures computed by botocore (scripts/sigv4_vectors.py).
        .testTarget(
            name: "SeedGateRuntimeTests",
            dependencies: [
                "SeedGateCore", "SeedGateRuntime", "SeedGateTesting", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"), .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        // The HTTP layer in-process (HummingbirdTesting's router mode: no sockets), over stub providers.
        .testTarget(
            name: "SeedGateHTTPTests",
            dependencies: [
                "SeedGateBuildInfo",
                "SeedGateCore",
                "SeedGateServer",
                "SeedGateRuntime",
                "SeedGateHTTP",
                "SeedGateTesting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SeedGateEndToEndTests",
            dependencies: [
                "SeedGateBuildInfo",
                "seedgate",
                "SeedGateCore",
                "SeedGateAPI",
                "SeedGateServer",
                "SeedGateEmulators",
                "SeedGateHTTP",
                "SeedGateProviders",
                "SeedGateRuntime",
                "SeedGateTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strict
        ),
    ]
)
