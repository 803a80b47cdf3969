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
    /// Told about every answered request: method, route template, status, seconds.
    public var requestObserver: (@Sendable (AnsweredRequest) -> Void)?
    /// Where archived files are read from (nil: `/v1/jobs/{id}/content` answers 503).
    public var media: (any MediaStore)?
    /// Signed links to archived files, shown on every job (nil: none).
    public var links: MediaLinks?
    /// Demo mode: every provider is emulated (`/readyz` says so).
    public var demo = false

    public init(
        maxBodyBytes: Int = 20 * 1024 * 1024, keys: APIKeys = APIKeys([]), metricsText: (@Sendable () -> String)? = nil,
        requestObserver: (@Sendable (AnsweredRequest) -> Void)? = nil, media: (any MediaStore)? = nil, links: MediaLinks? = nil
    ) {
        self.media = media
        self.links = links
        self.maxBodyBytes = maxBodyBytes
        self.keys = keys
        self.metricsText = metricsText
        self.requestObserver = requestObserver
    }
}

/// Builds the router: the unified API generated from openapi/seedgate.yaml, the two compatibility facades and
/// `/metrics`. Router-wide middleware gives every request an id, a log line and the body limit, and renders errors.
/// Authentication is by route group: the open group (health, readiness, the spec, metrics, and provider callbacks,
/// whose unguessable per-job URL is their credential) has none; the API group and each facade require a client key
/// when clients are configured.
public func buildRouter(
    jobs: JobService, emulated: Set<ProviderID> = [], settings: HTTPSettings = HTTPSettings()
) throws -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    // Outermost: the request's span (continuing its traceparent) holds its log line and all it does; docs/tracing.md.
    router.add(middleware: RequestTracingMiddleware())
    router.add(middleware: ProblemMiddleware(observe: settings.requestObserver))
    router.add(middleware: BodyLimitMiddleware(maxBytes: settings.maxBodyBytes))
    router.add(middleware: LocationHeaderMiddleware())
    let open = router.group()
    let authenticated = router.group().add(middleware: AuthenticationMiddleware(keys: settings.keys))
    // RFC 3339 with milliseconds: job timestamps are compared at sub-second scale (lag, ordering).
    // Archived files: streamed with Range from the media store, readable with a key or a signed link.
    JobContentRoutes(jobs: jobs, media: settings.media, links: settings.links, keys: settings.keys).add(open: open, authenticated: authenticated)
    SpecRoutes.add(to: open)
    try JobsAPI(jobs: jobs, emulated: emulated, demo: settings.demo, links: settings.links).registerHandlers(
        on: GroupedTransport(open: open, authenticated: authenticated, openPaths: JobsAPI.openPaths),
        configuration: .init(dateTranscoder: .iso8601WithFractionalSeconds))
    // The OpenAI Videos and Volcengine Ark compatible APIs, over the same jobs.
    addCompatibilityFacades(to: router, jobs: jobs, keys: settings.keys, maxBodyBytes: settings.maxBodyBytes, media: settings.media)
    if let metricsText = settings.metricsText {
        open.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metricsText()))
            )
        }
    }
    return router
}
