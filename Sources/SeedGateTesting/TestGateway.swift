import Foundation
import Hummingbird
import Logging
import SeedGateCore
import SeedGateServer

/// SeedGate over stub providers, an in-memory store and a manual clock, built by the same `buildApplication` the
/// server uses: for HTTP-layer tests (HummingbirdTesting's `.router` mode, no sockets) and direct tests of the
/// engine and its services.
public struct TestGateway: Sendable {
    /// One stub adapter per provider id, in route order.
    public let adapters: [StubAdapter]
    public let store: InMemoryJobStore
    public let clock: ManualClock
    public let providers: ProviderDirectory

    /// - Parameter providerIDs: the stub providers, each with a Volcengine-shaped manifest (`Fixtures.manifest`);
    ///   jobs are routed to them in this order.
    public init(providerIDs: [ProviderID] = ["volcengine-ark", "byteplus-modelark"], clock: ManualClock = ManualClock()) {
        adapters = providerIDs.map(StubAdapter.init(id:))
        store = InMemoryJobStore()
        self.clock = clock
        providers = ProviderDirectory(adapters.map(ConfiguredProvider.stub))
    }

    /// Dependencies over the stub providers, the store and the clock. Each call makes a new HTTP client, which the
    /// application built from them shuts down when it stops: build an application only to run it.
    public func makeDependencies() -> SeedGateDependencies {
        SeedGateDependencies(store: store, providers: providers, now: clock.now)
    }

    /// The stub adapter of `provider`.
    public func adapter(_ provider: ProviderID) -> StubAdapter {
        adapters.first { $0.id == provider }!
    }

    /// A configuration for the test gateway: in-memory store, loopback, the stub providers as the default route.
    public var configuration: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.storeKind = .memory
        configuration.port = 0
        configuration.routing = RoutingPolicy(defaultRoute: adapters.map { RoutingPolicy.Entry(provider: $0.id) })
        return configuration
    }

    /// The application as the server builds it, over new dependencies (`makeDependencies()`); run it (e.g. with
    /// HummingbirdTesting's `test(.router)`), which also shuts its HTTP client down.
    public func application(
        _ configuration: ServerConfiguration? = nil, environment: [String: String] = ["SEEDGATE_WEBHOOK_SECRET": TestGateway.webhookSecret]
    ) throws -> SeedGateApplication {
        try buildApplication(configuration ?? self.configuration, dependencies: makeDependencies(), environment: environment, logger: Self.logger)
    }

    /// The engine alone, as `buildApplication` makes it (same store, providers and clock), for direct service tests. Breakers default to the gateway's clock;
    /// `callbackBase` makes providers that call back get callback URLs (and so lost creates wait `unconfirmed`).
    public func engine(
        routing: RoutingPolicy? = nil, admission: AdmissionControl = AdmissionControl(), breakers: CircuitBreakers? = nil,
        callbackBase: String? = nil, unconfirmedWindow: TimeInterval = JobService.defaultUnconfirmedWindow
    ) -> JobService {
        JobService(
            store: store, providers: providers, routing: routing ?? configuration.routing, admission: admission,
            breakers: breakers ?? CircuitBreakers(now: clock.now), callbackBase: { callbackBase }, unconfirmedWindow: unconfirmedWindow,
            logger: Self.logger, now: clock.now
        )
    }

    public static let webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// A logger that reports only errors.
    public static let logger: Logger = {
        var logger = Logger(label: "seedgate.test")
        logger.logLevel = .error
        return logger
    }()
}
