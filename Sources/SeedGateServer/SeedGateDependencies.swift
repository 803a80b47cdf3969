import AsyncHTTPClient
import Foundation
import Logging
import Prometheus
import SeedGateCore
import SeedGateRuntime
import SeedGateStorePostgres
import SeedGateStoreSQLite
import ServiceLifecycle

/// What the application is built from: the store, the configured providers (adapter, base URL, credentials and
/// transport each), the upstream HTTP client, the clock and the metrics. `withDependencies` makes the real ones from
/// configuration; a test makes its own (an in-memory store, stub adapters, a manual clock) with `init`. Either way
/// `buildApplication` turns them into the same application.
public struct SeedGateDependencies: Sendable {
    public var store: any JobStore
    public var providers: ProviderDirectory
    /// Providers served by in-process emulators (said so by `/v1/providers`).
    public var emulated: Set<ProviderID>
    /// True in the zero-configuration demo: requests may then pick a provider.
    public var embedded: Bool
    /// The upstream HTTP client; the application's `HTTPClientService` shuts it down after everything that uses it.
    public var httpClient: HTTPClient
    public var metricsRegistry: PrometheusCollectorRegistry
    public var metrics: SeedGateMetrics
    public var now: @Sendable () -> Date
    /// One line on what this process is (demo or real providers, where jobs are kept), logged once listening.
    public var announcement: String
    /// Where succeeded jobs' files are archived (nil: archiving is off).
    public var media: (any MediaStore)?

    public init(
        store: any JobStore, providers: ProviderDirectory, emulated: Set<ProviderID> = [], embedded: Bool = false,
        httpClient: HTTPClient = AsyncHTTPClientTransport.makeClient(), metricsRegistry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        metrics: SeedGateMetrics? = nil, now: @escaping @Sendable () -> Date = Date.init, announcement: String = "",
        media: (any MediaStore)? = nil
    ) {
        self.media = media
        self.store = store
        self.providers = providers
        self.emulated = emulated
        self.embedded = embedded
        self.httpClient = httpClient
        self.metricsRegistry = metricsRegistry
        self.metrics = metrics ?? PrometheusMetrics(registry: metricsRegistry).metrics
        self.now = now
        self.announcement = announcement
    }

    /// Makes the dependencies `configuration` describes and keeps them alive while `body` runs: the store (the
    /// PostgreSQL client runs as a child task, the schema migrated first), the in-process emulators of embedded mode
    /// (each on its own loopback port), and every configured provider. They are stopped when `body` returns.
    public static func withDependencies<T: Sendable>(
        _ configuration: ServerConfiguration, environment: [String: String], logger: Logger,
        _ body: (SeedGateDependencies) async throws -> T
    ) async throws -> T {
        let plan = try ProviderPlan.checked(configuration, environment: environment)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            // Every store write is a span (TracingJobStore; docs/tracing.md).
            let store = TracingJobStore.wrap(
                try await openStore(configuration, logger: logger, in: &tasks),
                system: configuration.storeKind == .postgres ? "postgresql" : configuration.storeKind.rawValue)
            var baseURLs: [ProviderID: String] = [:]
            var emulatorCredentials: [ProviderID: [String: String]] = [:]
            var emulatorGroup: ServiceGroup?
            if !plan.emulatedIDs.isEmpty {
                let emulators = try EmbeddedEmulators.make(
                    ids: plan.emulatedIDs, queueSeconds: configuration.emulatorQueueSeconds, runSeconds: configuration.emulatorRunSeconds,
                    fileLifetimeSeconds: configuration.emulatorFileLifetimeSeconds
                )
                let group = ServiceGroup(configuration: .init(services: emulators.services, logger: logger))
                emulatorGroup = group
                emulatorCredentials = emulators.credentials
                tasks.addTask { try await group.run() }
                for await (id, port) in emulators.ports {
                    baseURLs[id] = "http://127.0.0.1:\(port)"
                    if baseURLs.count == plan.emulatedIDs.count { break }
                }
            }
            let client = AsyncHTTPClientTransport.makeClient()
            let registry = PrometheusCollectorRegistry()
            let metrics = PrometheusMetrics(registry: registry).metrics
            let providers = ProviderDirectory(
                plan.entries.map { entry in
                    let id = entry.manifest.id
                    let timeout = Duration.milliseconds(Int64(entry.timeoutSeconds * 1000))
                    return ConfiguredProvider(
                        manifest: entry.manifest, adapter: TracedAdapter(InstrumentedAdapter(ProviderModules.module(id)!.adapter, metrics: metrics)),
                        context: ProviderContext(
                            baseURL: entry.emulated ? baseURLs[id]! : entry.baseURL,
                            credentials: ProviderCredentials(entry.emulated ? emulatorCredentials[id] ?? [:] : entry.credentials),
                            transport: AsyncHTTPClientTransport(client: client, timeout: timeout),
                            logger: logger, options: entry.manifest.options ?? [:], sharedState: store as? any ProviderSharedState
                        ),
                        callTimeout: timeout
                    )
                })
            let dependencies = SeedGateDependencies(
                store: store, providers: providers, emulated: Set(plan.emulatedIDs), embedded: plan.embedded, httpClient: client,
                metricsRegistry: registry, metrics: metrics,
                announcement: announcement(configuration, plan: plan, baseURLs: baseURLs),
                media: try await MediaStoreFactory.open(configuration, environment: environment, httpClient: client, logger: logger)
            )
            let result: T
            do {
                result = try await body(dependencies)
            } catch {
                await emulatorGroup?.triggerGracefulShutdown()
                throw error
            }
            await emulatorGroup?.triggerGracefulShutdown()
            // What is left: the emulators (shutting down) and the database client, which stops on cancellation.
            tasks.cancelAll()
            try await tasks.waitForAll()
            return result
        }
    }

    static func loadManifests(_ configuration: ServerConfiguration) throws -> [ProviderManifest] {
        let directory = URL(fileURLWithPath: configuration.catalogDirectory)
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw ConfigurationError(
                "the provider catalogue \(directory.path) does not exist; run from the repository root or set catalog_dir / SEEDGATE_CATALOG_DIR")
        }
        return try ManifestLoader.loadAll(directory: directory)
    }

    /// Opens the configured store; PostgreSQL's client runs as a child task and the schema is migrated first.
    static func openStore(
        _ configuration: ServerConfiguration, logger: Logger, in tasks: inout ThrowingTaskGroup<Void, any Error>
    ) async throws -> any JobStore {
        switch configuration.storeKind {
        case .memory: return InMemoryJobStore()
        case .sqlite: return try SQLiteJobStore(path: configuration.sqlitePath)
        case .postgres:
            let store = try PostgresJobStore(url: configuration.databaseURL ?? "", logger: logger)
            tasks.addTask { await store.client.run() }
            try await store.migrate()
            return store
        }
    }

    /// A database URL without its user and password.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unparsable URL)" }
        components.user = nil
        components.password = nil
        return components.string ?? "(unparsable URL)"
    }

    /// One clear line on what this process is: embedded demo or real providers, and where jobs are kept.
    static func announcement(_ configuration: ServerConfiguration, plan: ProviderPlan, baseURLs: [ProviderID: String]) -> String {
        let store =
            switch configuration.storeKind {
            case .sqlite: "SQLite at \(configuration.sqlitePath)"
            case .postgres: "PostgreSQL at \(redacted(configuration.databaseURL ?? ""))"
            case .memory: "an in-memory store (jobs are lost on exit)"
            }
        let media =
            !configuration.archive.enabled
            ? "archiving off"
            : configuration.archive.storeKind == .s3
                ? "results archived to S3 bucket \(configuration.archive.s3?.bucket ?? "?")"
                : "results archived in \(configuration.archive.mediaDirectory(sqlitePath: configuration.sqlitePath))"
        let providers = plan.entries.map { entry in
            entry.emulated ? "\(entry.manifest.id) (emulated at \(baseURLs[entry.manifest.id] ?? "?"))" : "\(entry.manifest.id) (\(entry.baseURL))"
        }.joined(separator: ", ")
        if configuration.demo {
            return
                "demo mode (asked for): every provider is emulated in-process, so every job is a sample and nothing is paid for; jobs in \(store); \(media); providers: \(providers)"
        }
        if plan.embedded {
            return
                "embedded mode: no configuration and no provider credentials, so every provider is emulated in-process on loopback; jobs in \(store); \(media); providers: \(providers). Set provider credentials (see docs/configuration.md) to use real providers."
        }
        return "jobs in \(store); \(media); providers: \(providers)"
    }
}
