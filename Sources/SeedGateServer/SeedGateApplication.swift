import Foundation
import Hummingbird
import Logging
import SeedGateCore
import SeedGateHTTP
import SeedGateRuntime
import ServiceLifecycle

/// The application SeedGate runs: the HTTP API (router) with the engine and its background services (webhook
/// delivery, dispatcher, poller, metrics sampler, and the HTTP client's owner) attached as Hummingbird services, so
/// `runService()` and HummingbirdTesting's `.router` and `.live` modes run the same thing.
public typealias SeedGateApplication = Application<RouterResponder<BasicRequestContext>>

/// Builds the application from its dependencies: the engine (`JobService`), the webhook signer and destination
/// guard, client keys, the router and the services. Throws `ConfigurationError` for settings that cannot work.
/// `onListening` receives the bound port (useful with port 0).
public func buildApplication(
    _ configuration: ServerConfiguration, dependencies: SeedGateDependencies, environment: [String: String], logger: Logger,
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> SeedGateApplication {
    var routing = configuration.routing
    if routing.fallbackOrder.isEmpty { routing.fallbackOrder = ProviderModules.defaultOrder }
    if dependencies.embedded, !configuration.allowRequestProviderSet { routing.allowRequestProvider = true }
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
    let metrics = dependencies.metrics
    let media = dependencies.media
    var archivePolicy = configuration.archive.policy
    archivePolicy.enabled = configuration.archive.enabled && media != nil
    let jobs = JobService(
        store: dependencies.store, providers: dependencies.providers, routing: routing,
        breakers: CircuitBreakers(
            threshold: configuration.circuitFailureThreshold, coolDown: .milliseconds(Int64(configuration.circuitCoolDownSeconds * 1000)),
            now: dependencies.now),
        callbackBase: { callbackBase.url },
        webhookEndpoints: configuration.webhookEndpoints, callbackURLPolicy: { destinations.checkSyntax($0)?.message },
        observer: metrics, archivePolicy: archivePolicy, contentBase: { callbackBase.url },
        unconfirmedWindow: configuration.unconfirmedWindowSeconds, traceContext: SeedGateTracing.currentTraceParent, logger: logger,
        now: dependencies.now
    )
    let links = try mediaLinks(configuration, environment: environment, base: { callbackBase.url }, logger: logger, enabled: archivePolicy.enabled)
    let webhooks = WebhookService(
        jobs: jobs, poster: .httpClient(dependencies.httpClient), signer: try webhookSigner(configuration, environment: environment, logger: logger),
        destinations: destinations, schedule: RetrySchedule(base: configuration.webhookRetryBase, window: configuration.webhookRetryWindow),
        render: { [emulated = dependencies.emulated] in renderJobJSON($0, links: links, emulated: emulated) }, metrics: metrics, logger: logger
    )
    let keys = try apiKeys(configuration, environment: environment)
    let registry = dependencies.metricsRegistry
    var settings = HTTPSettings(
        maxBodyBytes: configuration.maxBodyBytes, keys: keys, metricsText: { registry.emitToString() },
        requestObserver: { metrics.httpRequest(method: $0.method, route: $0.route, status: $0.status, seconds: $0.seconds) }, media: media,
        links: links
    )
    settings.demo = dependencies.embedded
    let router = try buildRouter(jobs: jobs, emulated: dependencies.emulated, settings: settings)
    if keys.isOpen {
        logger.notice("no API clients are configured: the API is open to anyone who can reach it (configure clients: to require keys)")
    }
    let announcement = dependencies.announcement
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "SeedGate"),
        services: [
            HTTPClientService(client: dependencies.httpClient),
            webhooks,
            DispatcherService(jobs: jobs, logger: logger),
            PollerService(jobs: jobs, logger: logger),
            MetricsSamplerService(jobs: jobs, metrics: metrics, logger: logger),
        ] + mediaServices(configuration, jobs: jobs, media: media, metrics: metrics, logger: logger),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? 0
            callbackBase.listening(on: port)
            logger.notice("SeedGate listening on http://\(channel.localAddress?.ipAddress ?? "?"):\(port)")
            if !announcement.isEmpty { logger.notice("\(announcement)") }
            await onListening(port)
        },
        logger: logger
    )
}

/// Client API keys, as digests: from `key_sha256`, or hashed from the variable named by `key_env`.
func apiKeys(_ configuration: ServerConfiguration, environment: [String: String]) throws -> APIKeys {
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

/// The webhook signer, from the secret in the environment (and, during a rotation, the previous secret: every
/// delivery is then signed with both); without one, a secret made for this run (and a warning, since receivers
/// cannot verify signatures across restarts). Errors name the variable, never its value.
func webhookSigner(_ configuration: ServerConfiguration, environment: [String: String], logger: Logger) throws -> WebhookSigner {
    let variable = configuration.webhookSecretVariable
    let previousVariable = configuration.webhookPreviousSecretVariable
    func signer(_ name: String) throws -> WebhookSigner? {
        guard let secret = environment[name], !secret.isEmpty else { return nil }
        do {
            return try WebhookSigner(secret: secret)
        } catch {
            throw ConfigurationError("\(name) is not a usable webhook secret: \(error)")
        }
    }
    let previous = try signer(previousVariable)
    if let current = try signer(variable) {
        if previous != nil {
            logger.notice("webhooks are signed with two secrets (\(variable) and \(previousVariable)) until \(previousVariable) is unset")
        }
        return WebhookSigner(current: current, previous: previous)
    }
    if previous != nil {
        throw ConfigurationError("\(previousVariable) (the previous webhook secret) is set but \(variable) is not")
    }
    logger.warning(
        "\(variable) is not set: webhooks are signed with a secret generated for this run; set it (whsec_…) so receivers can verify them")
    return try WebhookSigner(secret: WebhookSigner.generateSecret())
}

/// The archiver and the retention sweeper, when there is a media store (retention of records and idempotency keys
/// runs without one too).
func mediaServices(
    _ configuration: ServerConfiguration, jobs: JobService, media: (any MediaStore)?, metrics: SeedGateMetrics, logger: Logger
) -> [any Service] {
    var services: [any Service] = []
    if let media, jobs.archivePolicy.enabled {
        let destinations = DestinationGuard(
            allowPrivateNetworks: configuration.archive.allowPrivateNetworks, allowLoopback: configuration.archive.allowLoopback)
        services.append(
            ArchiverService(
                jobs: jobs, media: media, destinations: destinations, settings: configuration.archive.settings, metrics: metrics, logger: logger))
    }
    if !configuration.retention.isEmpty {
        services.append(RetentionService(jobs: jobs, media: media, policy: configuration.retention, metrics: metrics, logger: logger))
    }
    return services
}

/// The signer of links to archived files, from the secret in the environment; without one, a secret made for this
/// run (links then stop working on restart, and replicas do not accept each other's).
func mediaLinks(
    _ configuration: ServerConfiguration, environment: [String: String], base: @escaping @Sendable () -> String?, logger: Logger, enabled: Bool
) throws -> MediaLinks? {
    guard enabled else { return nil }
    let variable = configuration.archive.linkSecretVariable
    if let secret = environment[variable], !secret.isEmpty {
        guard secret.utf8.count >= 16 else { throw ConfigurationError("\(variable) must be at least 16 bytes long") }
        return MediaLinks(secret: secret, lifetime: configuration.archive.signedURLSeconds, base: base)
    }
    logger.notice("\(variable) is not set: signed links to archived files are signed with a secret made for this run")
    return MediaLinks(secret: MediaLinks.generateSecret(), lifetime: configuration.archive.signedURLSeconds, base: base)
}
