import Foundation
import Hummingbird
import Logging
import SeedGateCore

/// A local HTTP imitation of ModelVerse's (UCloud) generic task API as it serves Seedance 1.5 pro, for tests,
/// benchmarks and the zero-credential demo (facts: docs/providers/modelverse.md, [S002]).
///
/// Flow, as on ModelVerse: `POST /v1/tasks/submit` with `{"model", "input": {"content"}, "parameters"}` answers
/// `{"output": {"task_id"}, "request_id"}`; the task is `Pending` for `configuration.queueSeconds`, `Running` for
/// `configuration.runSeconds`, then `Success` (or what a `FailureMarker` in the prompt planned: `Failure` with an
/// `error_message`, `Expired`); `GET /v1/tasks/status?task_id=` reports it with `output.urls[]` and `usage`. There is
/// no list, cancel, delete or callback, as none is documented. The key is checked in `Authorization`. Result URLs
/// point at the emulator's `/emulator/files/`; `GET /emulator/stats` serves the counters and `/emulator/faults` injects
/// faults into submits and status reads (`ModelVerseFaultDialect`).
///
/// The model runs on Ark, so a request that passes ModelVerse's own checks is held to Ark's rules for 1.5 pro
/// (content roles, draft mode, ratios, durations), with ModelVerse's narrower seed range and its defaults.
public struct ModelVerseEmulator: Sendable {
    /// Largest submit body accepted. EMULATOR ASSUMPTION: ModelVerse's limit is not documented.
    static let maxBodyBytes = 64 << 20

    public let configuration: EmulatorConfiguration
    public let models: ArkModelSet
    /// The emulator's tasks and counters.
    public let book: EmulatedTaskBook<ArkTaskSpec>
    let address: EmulatorAddress

    /// - Parameter now: the emulator's clock; tests may pass a manual one to step tasks through their statuses.
    public init(
        configuration: EmulatorConfiguration = EmulatorConfiguration(), models: ArkModelSet = .modelverse,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.models = models
        self.book = EmulatedTaskBook(now: now)
        self.address = EmulatorAddress(configuration: configuration)
    }

    /// What the emulator has seen so far.
    public func counters() async -> EmulatorCounters { await book.counters() }

    /// The port the server is bound to, once it is running.
    public var boundPort: Int? { address.port }

    /// `http://host:port` of the running server (or `publicBaseURL`); ModelVerse clients use it as the base URL.
    public var baseURL: String { address.baseURL }

    /// The HTTP application (no background services: ModelVerse sends no callbacks). Run it with `run()` or inside
    /// a `ServiceGroup`; it binds `configuration.host`/`port`, reports the bound port to `onServerRunning`, and stops
    /// on graceful shutdown.
    public func makeApplication(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "seedgate.emulator.modelverse")
        logger.logLevel = configuration.logLevel
        let address = self.address
        let fallbackPort = configuration.port
        return Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? fallbackPort
                address.bind(port: port)
                await onServerRunning(port)
            },
            logger: logger
        )
    }

    /// The routes alone, e.g. for Hummingbird's in-process testing.
    public func makeRouter() -> Router<EmulatorRequestContext> {
        let router = Router(context: EmulatorRequestContext.self)
        let api = router.group("/v1/tasks")
            .add(middleware: ModelVerseGatekeeper(apiKey: configuration.apiKey, latency: configuration.latency))
            .add(middleware: EmulatorFaultInjection(book: book, dialect: ModelVerseFaultDialect()))
        api.post("submit") { request, _ in try await self.submit(request) }
        api.get("status") { request, _ in try await self.status(request) }
        EmulatorHelperRoutes.add(to: router, book: book, configuration: configuration)
        return router
    }
}

extension ModelVerseEmulator {
    public static let factory: EmulatorFactory = { configuration, onPort in
        EmulatorInstance(
            service: ModelVerseEmulator(configuration: configuration).makeApplication(onServerRunning: onPort),
            credentials: ["api_key": configuration.apiKey]
        )
    }
}
