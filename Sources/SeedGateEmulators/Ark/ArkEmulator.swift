import Foundation
import Hummingbird
import Logging
import SeedGateCore

/// A local HTTP imitation of Volcengine Ark's video task API (`/api/v3/contents/generations/tasks`), for tests,
/// benchmarks and the zero-credential demo.
///
/// Flow, as on Ark: `POST …/tasks` answers `{"id":"cgt-…"}`; the task is `queued` for
/// `configuration.queueSeconds`, `running` for `configuration.runSeconds`, then `succeeded` (or what a
/// `FailureMarker` in the prompt planned); `GET …/tasks/{id}` and the list call report it; `DELETE` cancels a
/// queued task or deletes a finished one; callbacks are POSTed to `callback_url` on every status change.
/// Result URLs point at the emulator's `/emulator/files/`; `GET /emulator/stats` serves the counters and
/// `/emulator/faults` injects every kind of fault (`FaultPlan`, served by `EmulatorFaultInjection` with
/// `ArkFaultDialect`) into creates, status reads and callbacks.
/// The same type serves BytePlus ModelArk (same dialect) with `models: .byteplus`.
public struct ArkEmulator: Sendable {
    /// Statuses Ark pushes to `callback_url` (`cancelled` is not among those Ark documents).
    public static let pushedStatuses: Set<JobStatus> = [.queued, .running, .succeeded, .failed, .expired]
    /// Largest create body accepted (EMULATOR ASSUMPTION: Ark's own limit is not documented).
    static let maxBodyBytes = 64 << 20

    public let configuration: EmulatorConfiguration
    public let models: ArkModelSet
    /// Readings of open points, account limits and test hooks.
    public let options: ArkEmulatorOptions
    /// The emulator's tasks and counters.
    public let book: EmulatedTaskBook<ArkTaskSpec>
    let address: EmulatorAddress

    /// - Parameter now: the emulator's clock; tests may pass a manual one to step tasks through their statuses.
    public init(
        configuration: EmulatorConfiguration = EmulatorConfiguration(), models: ArkModelSet = .volcengine,
        options: ArkEmulatorOptions = ArkEmulatorOptions(), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.models = models
        self.options = options
        self.book = EmulatedTaskBook(now: now)
        self.address = EmulatorAddress(configuration: configuration)
    }

    /// The faults the emulator injects (also set over HTTP with `POST /emulator/faults`).
    public var faults: FaultPlan { book.faults }

    /// What the emulator has seen so far.
    public func counters() async -> EmulatorCounters { await book.counters() }

    /// The port the server is bound to, once it is running.
    public var boundPort: Int? { address.port }

    /// `http://host:port` of the running server (or `publicBaseURL`); Ark clients use `baseURL + "/api/v3"`.
    public var baseURL: String { address.baseURL }

    /// The HTTP application: the Ark routes plus the callback sender as a background service. Run it with
    /// `run()` or inside a `ServiceGroup`; it binds `configuration.host`/`port` and reports the bound port to
    /// `onServerRunning`. Graceful shutdown stops the server, the callback sender and its HTTP client.
    public func makeApplication(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "seedgate.emulator.ark")
        logger.logLevel = configuration.logLevel
        let address = self.address
        let fallbackPort = configuration.port
        let sender = CallbackSender(
            book: book, pushing: Self.pushedStatuses, tick: configuration.callbackTick,
            attempts: configuration.callbackAttempts, timeout: configuration.callbackTimeout, logger: logger,
            render: { state in Self.encode(ArkTaskObject(state, baseURL: address.baseURL)) }
        )
        return Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            services: [sender],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? fallbackPort
                address.bind(port: port)
                await onServerRunning(port)
            },
            logger: logger
        )
    }

    /// The routes alone (no callback sender), e.g. for Hummingbird's in-process testing.
    public func makeRouter() -> Router<EmulatorRequestContext> {
        let router = Router(context: EmulatorRequestContext.self)
        let api = router.group("/api/v3/contents/generations/tasks")
            .add(middleware: ArkGatekeeper(apiKey: configuration.apiKey, latency: configuration.latency))
            .add(middleware: EmulatorFaultInjection(book: book, dialect: ArkFaultDialect()))
        api.post { request, context in try await self.create(request, context: context) }
        api.get { request, context in try await self.list(request, context: context) }
        api.get(":id") { _, context in try await self.get(context: context) }
        api.delete(":id") { _, context in try await self.delete(context: context) }
        EmulatorHelperRoutes.add(to: router, book: book, configuration: configuration)
        return router
    }

    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    static func json(_ value: some Encodable) -> Response {
        EmulatorHelperRoutes.jsonResponse(.ok, encode(value))
    }
}

extension ArkEmulator {
    /// The emulator of an Ark-dialect provider selling `models` (Volcengine Ark's or BytePlus ModelArk's ids).
    public static func factory(models: ArkModelSet, options: ArkEmulatorOptions = ArkEmulatorOptions()) -> EmulatorFactory {
        { configuration, onPort in
            EmulatorInstance(
                service: ArkEmulator(configuration: configuration, models: models, options: options).makeApplication(onServerRunning: onPort),
                credentials: ["api_key": configuration.apiKey]
            )
        }
    }
}
