import AsyncHTTPClient
import Foundation
import SeedGateClient

/// The HTTP clients of one client command, shut down when it ends.
///
/// Requests to SeedGate go through `api` (the typed client, the key added by its middleware) over an AsyncHTTPClient
/// that follows no redirect, so the key is only ever sent to `--url`. A provider's result link is fetched with
/// `downloads`, which follows redirects and sends no key. Neither retries a refused connection: a server that is not
/// there fails the command at once instead of at the request's deadline.
struct ClientSession {
    let options: ClientOptions
    let http: HTTPClient
    let downloads: HTTPClient
    let api: Client
    let baseURL: URL
    private let key: String?

    static func with<T>(_ options: ClientOptions, _ body: (ClientSession) async throws -> T) async throws -> T {
        let baseURL = try options.baseURL()
        let key = try options.key()
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)))
        configuration.connectionPool.retryConnectionEstablishment = false
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        configuration.redirectConfiguration = .follow(max: 5, allowCycles: false)
        let downloads = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let session = ClientSession(
            options: options, http: http, downloads: downloads,
            api: Client.make(baseURL: baseURL, apiKey: key, httpClient: http, timeout: options.requestTimeout, throwingProblems: true),
            baseURL: baseURL, key: key)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(session))
        } catch {
            result = .failure(CLIFailure.connection(error, url: baseURL) ?? error)
        }
        try? await http.shutdown()
        try? await downloads.shutdown()
        return try result.get()
    }

    /// The typed client with a longer deadline, for streaming a result file.
    func downloadClient() -> Client {
        Client.make(baseURL: baseURL, apiKey: key, httpClient: http, timeout: .seconds(6 * 3600), throwingProblems: true)
    }
}
