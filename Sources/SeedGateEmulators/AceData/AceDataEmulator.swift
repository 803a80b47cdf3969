import Foundation
import Hummingbird
import Logging
import SeedGateCore
import Synchronization

/// A local HTTP imitation of AceData Cloud's Seedance API (`POST /seedance/videos`, `POST /seedance/tasks`), for
/// tests, benchmarks and the zero-credential demo.
///
/// Flow, as on AceData: a create with a `callback_url` answers `{"task_id"}` at once [S003]; a create without one
/// (AceData's default; `async: true` alone too, unless `honoursAsyncFlag`) holds the HTTP request until the task has
/// ended and answers with the finished generate response — the quirk SeedGate's adapter must never trigger (counted
/// in `blockingCreates`). A running task's record reports `data.status: processing` [DOCS-TASKS-GUIDE]. The task is
/// queued for `configuration.queueSeconds` (no `started_at`), runs for `configuration.runSeconds`, then succeeds
/// (or ends as a `FailureMarker` planned). Seedance 1.x and 2.x (2.0, 2.0 fast, 2.0 mini, 2.5: reference images,
/// videos and audios, `AceDataSeedance2Rules`) are emulated. `/seedance/tasks` answers task records (`retrieve`, `retrieve_batch`);
/// `finished_at`, `elapsed` and `response` appear when the task ends, and the final response is POSTed once to an
/// http(s) `callback_url`. Result URLs point at `/emulator/files/`; `GET /emulator/stats` serves the counters,
/// `/emulator/faults` injects faults (`AceDataFaultDialect`) and `GET /emulator/acedata/stats` the count of blocking
/// creates.
public struct AceDataEmulator: Sendable {
    /// AceData calls back once, when the task completes. [S003] EMULATOR ASSUMPTION: failed and expired tasks are
    /// called back too (not documented), and a refused delivery is retried like every emulator's (no retry policy
    /// is documented).
    static let pushedStatuses: Set<JobStatus> = [.succeeded, .failed, .expired]
    /// Largest body accepted (EMULATOR ASSUMPTION: AceData's limit is not documented; data URLs can be 15 MB).
    static let maxBodyBytes = 32 << 20

    /// Address, token, pacing and callback knobs (shared by every emulator).
    public let configuration: EmulatorConfiguration
    let book: EmulatedTaskBook<AceDataTaskSpec>
    let address: EmulatorAddress
    private let blocking: AceDataBlockingCount

    /// Whether `async: true` alone answers at once. The seed document names only `callback_url` as the switch
    /// [S003] and the newer guides add `async` [DOCS-VIDEOS]: by default the emulator takes the stricter reading
    /// (without `callback_url` a create is synchronous, as on AceData without a switch), and this option the other.
    public let honoursAsyncFlag: Bool
    /// How the Seedance 2.x models read what their documents leave open (defaults: the strict readings).
    public let seedance2: AceDataSeedance2Options

    /// - Parameters:
    ///   - now: the emulator's clock; tests may pass a manual one to step tasks through their statuses.
    ///   - honoursAsyncFlag: see `honoursAsyncFlag` (off: the stricter reading).
    ///   - seedance2: see `AceDataSeedance2Options`.
    public init(
        configuration: EmulatorConfiguration = EmulatorConfiguration(), honoursAsyncFlag: Bool = false,
        seedance2: AceDataSeedance2Options = AceDataSeedance2Options(), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.honoursAsyncFlag = honoursAsyncFlag
        self.seedance2 = seedance2
        self.book = EmulatedTaskBook(now: now)
        self.address = EmulatorAddress(configuration: configuration)
        self.blocking = AceDataBlockingCount()
    }

    /// What the emulator has seen so far.
    public func counters() async -> EmulatorCounters { await book.counters() }

    /// Creates that came without `async: true` or `callback_url` and so held their HTTP request until the end.
    public var blockingCreates: Int { blocking.value }

    /// The port the server is bound to, once it is running.
    public var boundPort: Int? { address.port }

    /// `http://host:port` of the running server (or `publicBaseURL`); AceData clients use it as their base URL.
    public var baseURL: String { address.baseURL }

    /// The HTTP application: the AceData routes plus the callback sender as a background service. Graceful
    /// shutdown stops the server, the callback sender and its HTTP client.
    public func makeApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var logger = Logger(label: "seedgate.emulator.acedata")
        logger.logLevel = configuration.logLevel
        let address = self.address
        let fallbackPort = configuration.port
        let sender = CallbackSender(
            book: book, pushing: Self.pushedStatuses, tick: configuration.callbackTick,
            attempts: configuration.callbackAttempts, timeout: configuration.callbackTimeout, logger: logger,
            render: { state in Self.encode(Self.generateBody(state, baseURL: address.baseURL)) }
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

    /// The routes alone (no callback sender).
    public func makeRouter() -> Router<EmulatorRequestContext> {
        let router = Router(context: EmulatorRequestContext.self)
        let api = router.group("/seedance")
            .add(middleware: AceDataGatekeeper(apiKey: configuration.apiKey, latency: configuration.latency))
            .add(middleware: EmulatorFaultInjection(book: book, dialect: AceDataFaultDialect(book: book)))
        api.post("videos") { request, _ in try await self.create(request) }
        api.post("tasks") { request, _ in try await self.tasks(request) }
        EmulatorHelperRoutes.add(to: router, book: book, configuration: configuration)
        let blocking = self.blocking
        router.get("/emulator/acedata/stats") { _, _ -> Response in
            EmulatorHelperRoutes.jsonResponse(.ok, Data("{\"blocking_creates\":\(blocking.value)}".utf8))
        }
        return router
    }

    func countBlockingCreate() { blocking.increment() }

    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    static func json(_ value: some Encodable) -> Response {
        EmulatorHelperRoutes.jsonResponse(.ok, encode(value))
    }
}

/// A thread-safe counter shared by the handlers and the stats route.
final class AceDataBlockingCount: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}

extension AceDataEmulator {
    public static let factory: EmulatorFactory = { configuration, onPort in
        EmulatorInstance(
            service: AceDataEmulator(configuration: configuration).makeApplication(onServerRunning: onPort),
            credentials: ["api_key": configuration.apiKey]
        )
    }
}
