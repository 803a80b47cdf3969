import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import Prometheus
import SeedGateCore
import SeedGateHTTP
import SeedGateProviders
import SeedGateRuntime
import SeedGateStorePostgres
import SeedGateStoreSQLite
import ServiceLifecycle
import Synchronization

/// The SeedGate server: loads the catalogue, decides the providers, opens the store, starts any in-process
/// emulators, then runs the HTTP API, the dispatcher and the poller until SIGTERM/SIGINT or `shutdown()`.
public final class SeedGateServer: Sendable {
    let configuration: ServerConfiguration
    let environment: [String: String]
    let logger: Logger
    let handleSignals: Bool
    private let running = Mutex<ServiceGroup?>(nil)

    /// - Parameter handleSignals: shut down gracefully on SIGTERM/SIGINT (off in tests that run several servers).
    public init(
        configuration: ServerConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger,
        handleSignals: Bool = true
    ) {
        self.configuration = configuration
        self.environment = environment
        self.logger = logger
        self.handleSignals = handleSignals
    }

    /// Runs until shut down. `onListening` receives the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let manifests = try loadManifests()
        let plan = try ProviderPlan.make(
            configuration: configuration, manifests: Dictionary(manifests.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
            registered: Set(ProviderModules.ids), environment: environment
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            let store = try await openStore(in: &tasks)
            var baseURLs: [ProviderID: String] = [:]
            var emulatorCredentials: [ProviderID: [String: String]] = [:]
            var emulatorGroup: ServiceGroup?
            if !plan.emulatedIDs.isEmpty {
                let emulators = try EmbeddedEmulators.make(
                    ids: plan.emulatedIDs, queueSeconds: configuration.emulatorQueueSeconds, runSeconds: configuration.emulatorRunSeconds
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
            let metrics = SeedGateMetrics(factory: PrometheusMetricsFactory(registry: registry))
            let providers = ProviderDirectory(
                plan.entries.map { entry in
                    let id = entry.manifest.id
                    return ConfiguredProvider(
                        manifest: entry.manifest, adapter: InstrumentedAdapter(ProviderModules.module(id)!.adapter, metrics: metrics),
                        context: ProviderContext(
                            baseURL: entry.emulated ? baseURLs[id]! : entry.baseURL,
                            credentials: ProviderCredentials(entry.emulated ? emulatorCredentials[id] ?? [:] : entry.credentials),
                            transport: AsyncHTTPClientTransport(client: client, timeout: .milliseconds(Int64(entry.timeoutSeconds * 1000))),
                            logger: logger
                        ),
                        callTimeout: .milliseconds(Int64(entry.timeoutSeconds * 1000))
                    )
                })
            var routing = configuration.routing
            if plan.embedded, !configuration.allowRequestProviderSet { routing.allowRequestProvider = true }
            let destinations = DestinationGuard(
                allowList: configuration.webhookAllowHosts, denyList: configuration.webhookDenyHosts,
                allowPrivateNetworks: configuration.webhookAllowPrivateNetworks, allowLoopback: configuration.webhookAllowLoopback
            )
            for endpoint in configuration.webhookEndpoints {
                if let refusal = destinations.checkSyntax(endpoint) {
                    throw ConfigurationError("webhooks.endpoints: \(endpoint): \(refusal.message)")
                }
            }
            let callbackBase = CallbackBase(publicURL: configuration.publicURL, host: configuration.host)
            let jobs = JobService(
                store: store, providers: providers, routing: routing, callbackBase: { callbackBase.url },
                webhookEndpoints: configuration.webhookEndpoints,
                callbackURLPolicy: { destinations.checkSyntax($0)?.message }, observer: metrics, logger: logger
            )
            let webhooks = WebhookService(
                jobs: jobs, client: client, signer: try webhookSigner(), destinations: destinations,
                schedule: RetrySchedule(base: configuration.webhookRetryBase, window: configuration.webhookRetryWindow), render: renderJobJSON,
                metrics: metrics, logger: logger
            )
            let keys = try apiKeys()
            let router = try buildRouter(
                jobs: jobs, emulated: Set(plan.emulatedIDs),
                settings: HTTPSettings(
                    maxBodyBytes: configuration.maxBodyBytes, keys: keys, metricsText: { registry.emitToString() },
                    requestObserver: { metrics.httpRequest(method: $0, status: $1, seconds: $2) }
                )
            )
            if keys.isOpen {
                logger.notice("no API clients are configured: the API is open to anyone who can reach it (configure clients: to require keys)")
            }
            let announce = startupAnnouncement(plan: plan, baseURLs: baseURLs)
            let serverLogger = logger
            let app = Application(
                router: router,
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "SeedGate"),
                onServerRunning: { channel in
                    let port = channel.localAddress?.port ?? 0
                    callbackBase.listening(on: port)
                    serverLogger.notice("SeedGate listening on http://\(channel.localAddress?.ipAddress ?? "?"):\(port)")
                    serverLogger.notice("\(announce)")
                    await onListening(port)
                },
                logger: logger
            )
            let group = ServiceGroup(
                configuration: .init(
                    services: [
                        .init(service: HTTPClientService(client: client)),
                        .init(service: webhooks),
                        .init(service: DispatcherService(jobs: jobs, logger: logger)),
                        .init(service: PollerService(jobs: jobs, logger: logger)),
                        .init(service: MetricsSamplerService(jobs: jobs, metrics: metrics, logger: logger)),
                        .init(service: app),
                    ],
                    gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                    logger: logger
                ))
            running.withLock { $0 = group }
            defer { running.withLock { $0 = nil } }
            do {
                try await group.run()
            } catch {
                await emulatorGroup?.triggerGracefulShutdown()
                throw error
            }
            await emulatorGroup?.triggerGracefulShutdown()
            // What is left: the emulators (shutting down) and the database client, which stops on cancellation.
            tasks.cancelAll()
            try await tasks.waitForAll()
        }
    }

    /// Begins a graceful shutdown of a running server.
    public func shutdown() async {
        let group = running.withLock { $0 }
        await group?.triggerGracefulShutdown()
    }

    func loadManifests() throws -> [ProviderManifest] {
        let directory = URL(fileURLWithPath: configuration.catalogDirectory)
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw ConfigurationError(
                "the provider catalogue \(directory.path) does not exist; run from the repository root or set catalog_dir / SEEDGATE_CATALOG_DIR")
        }
        return try ManifestLoader.loadAll(directory: directory)
    }

    /// Client API keys, as digests: from `key_sha256`, or hashed from the variable named by `key_env`.
    func apiKeys() throws -> APIKeys {
        APIKeys(
            try configuration.clients.map { client in
                let digest: String
                if let stored = client.keySHA256 {
                    digest = stored
                } else if let variable = client.keyVariable, let key = environment[variable], !key.isEmpty {
                    digest = APIKeys.digest(key)
                } else {
                    throw ConfigurationError("clients.\(client.name): the environment variable \(client.keyVariable ?? "?") is not set")
                }
                return APIKeys.Client(caller: Caller(name: client.name, tenant: client.tenant, isAdmin: client.isAdmin), keySHA256: digest)
            })
    }

    /// The webhook signer, from the secret in the environment; without one, a secret made for this run (and a
    /// warning, since receivers cannot verify signatures across restarts).
    func webhookSigner() throws -> WebhookSigner {
        let variable = configuration.webhookSecretVariable
        if let secret = environment[variable], !secret.isEmpty {
            do {
                return try WebhookSigner(secret: secret)
            } catch {
                throw ConfigurationError("\(variable) is not a usable webhook secret: \(error)")
            }
        }
        logger.warning(
            "\(variable) is not set: webhooks are signed with a secret generated for this run; set it (whsec_…) so receivers can verify them")
        return try WebhookSigner(secret: WebhookSigner.generateSecret())
    }

    /// Opens the configured store; PostgreSQL's client runs as a child task and the schema is migrated first.
    func openStore(in tasks: inout ThrowingTaskGroup<Void, any Error>) async throws -> any JobStore {
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
    func startupAnnouncement(plan: ProviderPlan, baseURLs: [ProviderID: String]) -> String {
        let store =
            switch configuration.storeKind {
            case .sqlite: "SQLite at \(configuration.sqlitePath)"
            case .postgres: "PostgreSQL at \(Self.redacted(configuration.databaseURL ?? ""))"
            case .memory: "an in-memory store (jobs are lost on exit)"
            }
        let providers = plan.entries.map { entry in
            entry.emulated ? "\(entry.manifest.id) (emulated at \(baseURLs[entry.manifest.id] ?? "?"))" : "\(entry.manifest.id) (\(entry.baseURL))"
        }.joined(separator: ", ")
        if plan.embedded {
            return
                "embedded mode: no configuration and no provider credentials, so every provider is emulated in-process on loopback; jobs in \(store); providers: \(providers). Set provider credentials (see docs/configuration.md) to use real providers."
        }
        return "jobs in \(store); providers: \(providers)"
    }
}
