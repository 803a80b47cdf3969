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

    public init(maxBodyBytes: Int = 20 * 1024 * 1024, keys: APIKeys = APIKeys([])) {
        self.maxBodyBytes = maxBodyBytes
        self.keys = keys
    }
}

/// Builds the router for the unified API: middleware first, then the handlers generated from openapi/seedgate.yaml.
public func buildRouter(
    jobs: JobService, emulated: Set<ProviderID> = [], settings: HTTPSettings = HTTPSettings()
) throws -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: AuthenticationMiddleware(keys: settings.keys))
    router.add(middleware: BodyLimitMiddleware(maxBytes: settings.maxBodyBytes))
    // RFC 3339 with milliseconds: job timestamps are compared at sub-second scale (lag, ordering).
    try JobsAPI(jobs: jobs, emulated: emulated).registerHandlers(on: router, configuration: .init(dateTranscoder: .iso8601WithFractionalSeconds))
    return router
}
