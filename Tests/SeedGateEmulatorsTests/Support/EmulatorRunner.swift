import AsyncHTTPClient
import Foundation
import Hummingbird
import Testing

/// Runs an emulator application on an ephemeral loopback port while `body` runs (given the base URL and a client),
/// then stops it. `makeApplication` receives the callback that reports the bound port.
func withEmulatorApplication<App: ApplicationProtocol, T: Sendable>(
    _ makeApplication: (@escaping @Sendable (Int) async -> Void) -> App,
    _ body: (_ baseURL: String, _ client: HTTPClient) async throws -> T
) async throws -> T {
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let application = makeApplication { port in portSink.yield(port) }
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let result = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.run() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            return try await body("http://127.0.0.1:\(port)", client)
        }
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Polls until `condition` holds or `seconds` pass; true if it held.
func pollUntil(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(25))
    }
    return try await condition()
}
