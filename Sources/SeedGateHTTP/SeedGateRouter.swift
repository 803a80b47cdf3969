import Hummingbird
import OpenAPIHummingbird
import SeedGateAPI
import SeedGateCore

/// Settings of the HTTP layer.
public struct HTTPSettings: Sendable {
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    /// Client API keys; none means the API is open.
    public var keys: APIKeys
    /// The Prometheus text for `GET /metrics` (no route when nil).
    public var metricsText: (@Sendable () -> String)?
    /// Told about every answered request: method, status, seconds.
    public var requestObserver: (@Sendable (String, Int, Double) -> Void)?

    public init(
        maxBodyBytes: Int = 20 * 1024 * 1024, keys: APIKeys = APIKeys([]), metricsText: (@Sendable () -> String)? = nil,
        requestObserver: (@Sendable (String, Int, Double) -> Void)? = nil
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.keys = keys
        self.metricsText = metricsText
        self.requestObserver = requestObserver
    }
}

/// Builds the router for the unified API: middleware first, then the handlers generated from openapi/seedgate.yaml.
public func buildRouter(
    jobs: JobService, emulated: Set<ProviderID> = [], settings: HTTPSettings = HTTPSettings()
) throws -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ProblemMiddleware(observe: settings.requestObserver))
    router.add(middleware: AuthenticationMiddleware(keys: settings.keys))
    router.add(middleware: BodyLimitMiddleware(maxBytes: settings.maxBodyBytes))
    // RFC 3339 with milliseconds: job timestamps are compared at sub-second scale (lag, ordering).
    try JobsAPI(jobs: jobs, emulated: emulated).registerHandlers(on: router, configuration: .init(dateTranscoder: .iso8601WithFractionalSeconds))
    // The OpenAI Videos and Volcengine Ark compatible APIs, over the same jobs and behind the same middleware.
    addCompatibilityFacades(to: router, jobs: jobs, maxBodyBytes: settings.maxBodyBytes)
    if let metricsText = settings.metricsText {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metricsText()))
            )
        }
    }
    return router
}
