import AsyncHTTPClient
import ServiceLifecycle

/// Owns the upstream HTTP client's lifetime: it runs until graceful shutdown, then shuts the client down
/// after the services that use it (order it before them in the service group).
public struct HTTPClientService: Service {
    public let client: HTTPClient

    public init(client: HTTPClient) { self.client = client }

    public func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
