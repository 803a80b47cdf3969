import Foundation
import Hummingbird
import Logging
import SeedGateCore

/// A local HTTP imitation of Chanjing's AI-creation video API (facts: docs/providers/chanjing.md), for tests,
/// benchmarks and the zero-credential demo.
///
/// Flow, as on Chanjing: `POST /open/v1/access_token` with the app's `app_id` + `secret_key` issues a token that
/// lasts `tokenLifetime` seconds and invalidates the app's previous token; every other call needs the current
/// token in the `access_token` header (else code 10400). `POST /open/v1/ai_creation/task/submit` answers the
/// task's `unique_id`; the task reads `Queued`, then `Ready` for the second half of `configuration.queueSeconds`,
/// `Generating` for `configuration.runSeconds`, then `Success` with the video in `output_url` (or `Error` with an
/// `err_msg`, as a `FailureMarker` planned). A submit is refused (40000) when it lacks a required field, holds a
/// value the page does not offer, or carries a field [S004]'s parameter table does not list (`ref_img_url` only with
/// `acceptsRefImgURL`). `GET /open/v1/ai_creation/task?unique_id=` and
/// `POST /open/v1/ai_creation/task/page` report tasks. Every answer is HTTP 200 with
/// `{"trace_id","code","msg","data"}`. There is no cancel, and no callback is sent (the payload is undocumented).
/// Videos are served from `/emulator/files/`, counters from `/emulator/stats`, token counts from `/emulator/tokens`;
/// `/emulator/faults` injects faults into submits and task reads (`ChanjingFaultDialect`).
public struct ChanjingEmulator: Sendable {
    /// The `app_id` the emulator knows unless told otherwise; its `secret_key` is `configuration.apiKey`.
    public static let defaultAppID = "emulator-app"
    /// Largest request body accepted (EMULATOR ASSUMPTION: Chanjing's limit is undocumented; bodies carry URLs only).
    static let maxBodyBytes = 1 << 20

    public let configuration: EmulatorConfiguration
    /// The emulator's tasks and counters.
    public let book: EmulatedTaskBook<ChanjingTaskSpec>
    /// Whether a submit may carry the frames as `ref_img_url` (the reading of [S004]'s code samples). Off by default:
    /// the parameter table and body example list only `start_frame` / `end_frame`, and the stricter reading refuses
    /// a field the table does not list (code 40000).
    public let acceptsRefImgURL: Bool
    let tokens: ChanjingTokenRegistry
    let address: EmulatorAddress

    /// - Parameters:
    ///   - appID: the app whose credentials the token call accepts (with `configuration.apiKey` as secret key).
    ///   - tokenLifetime: seconds a token lasts (Chanjing: one day).
    ///   - acceptsRefImgURL: take frames as `ref_img_url` too (for the manifest option `image_field: ref_img_url`).
    ///   - now: the emulator's clock (tasks and tokens); tests may pass a manual one.
    public init(
        configuration: EmulatorConfiguration = EmulatorConfiguration(), appID: String = Self.defaultAppID,
        tokenLifetime: Double = 86_400, acceptsRefImgURL: Bool = false, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.acceptsRefImgURL = acceptsRefImgURL
        self.book = EmulatedTaskBook(now: now)
        self.tokens = ChanjingTokenRegistry(appID: appID, secretKey: configuration.apiKey, lifetime: tokenLifetime, now: now)
        self.address = EmulatorAddress(configuration: configuration)
    }

    /// What the emulator has seen so far.
    public func counters() async -> EmulatorCounters { await book.counters() }

    /// Token exchanges and refusals so far.
    public func tokenStats() async -> ChanjingTokenStats { await tokens.statistics() }

    /// The port the server is bound to, once it is running.
    public var boundPort: Int? { address.port }

    /// `http://host:port` of the running server (or `publicBaseURL`); clients add `/open/v1/…`.
    public var baseURL: String { address.baseURL }

    /// The HTTP application. Run it with `run()` or inside a `ServiceGroup`; it binds `configuration.host`/`port`
    /// and reports the bound port to `onServerRunning`. Graceful shutdown stops the server.
    public func makeApplication(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "seedgate.emulator.chanjing")
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

    /// The routes, e.g. for Hummingbird's in-process testing.
    public func makeRouter() -> Router<EmulatorRequestContext> {
        let router = Router(context: EmulatorRequestContext.self)
        router.group("/open/v1/access_token")
            .add(middleware: ChanjingGatekeeper(tokens: tokens, latency: configuration.latency, requiresToken: false))
            .post { request, _ in try await self.issueToken(request) }
        let tasks = router.group("/open/v1/ai_creation/task")
            .add(middleware: ChanjingGatekeeper(tokens: tokens, latency: configuration.latency, requiresToken: true))
            .add(middleware: EmulatorFaultInjection(book: book, dialect: ChanjingFaultDialect()))
        tasks.post("submit") { request, _ in try await self.submit(request) }
        tasks.get { request, _ in try await self.task(request) }
        tasks.post("page") { request, _ in try await self.page(request) }
        EmulatorHelperRoutes.add(to: router, book: book, configuration: configuration)
        router.get("/emulator/tokens") { _, _ -> Response in
            EmulatorHelperRoutes.jsonResponse(.ok, try JSONEncoder().encode(await self.tokens.statistics()))
        }
        return router
    }

    /// A 32-hex-digit trace id, like Chanjing's `trace_id`.
    static func traceID() -> String {
        (0..<32).map { _ in String(UInt8.random(in: 0..<16), radix: 16) }.joined()
    }

    /// A success envelope around `data`.
    static func success(_ data: some Encodable) -> Response {
        envelope(ChanjingEnvelopeBody(traceID: traceID(), code: 0, msg: "success", data: data))
    }

    /// Every Chanjing answer is HTTP 200 JSON, errors included.
    static func envelope(_ body: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = (try? encoder.encode(body)) ?? Data(#"{"code":50000,"msg":"系统内部错误","data":null}"#.utf8)
        return EmulatorHelperRoutes.jsonResponse(.ok, data)
    }
}

extension ChanjingEmulator {
    /// Clients exchange `app_id` + `secret_key` for a token; the emulator's secret is the configured API key.
    public static let factory: EmulatorFactory = { configuration, onPort in
        EmulatorInstance(
            service: ChanjingEmulator(configuration: configuration).makeApplication(onServerRunning: onPort),
            credentials: ["app_id": defaultAppID, "secret_key": configuration.apiKey]
        )
    }
}
