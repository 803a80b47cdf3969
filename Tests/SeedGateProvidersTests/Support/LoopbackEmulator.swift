import Foundation
import Logging
import SeedGateCore
import SeedGateRuntime
import Testing

/// Runs an emulator on an ephemeral loopback port while `body` runs with its base URL and a transport to it, then
/// stops both (also when `body` throws). `start` builds the emulator's application, hands it the callback that
/// receives the bound port, and returns the call that runs it.
func withLoopbackEmulator<T: Sendable>(
    _ name: String, timeout: Duration = .seconds(30),
    start: (_ onPort: @escaping @Sendable (Int) -> Void) -> sending () async throws -> Void,
    _ body: (_ baseURL: String, _ transport: AsyncHTTPClientTransport) async throws -> T
) async throws -> T {
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let run = start { portSink.yield($0) }
    let running = Task { try await run() }
    let client = AsyncHTTPClientTransport.makeClient()
    func stop() async {
        running.cancel()
        _ = await running.result
        try? await client.shutdown()
    }
    do {
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next(), "\(name) did not start")
        let result = try await body("http://127.0.0.1:\(port)", AsyncHTTPClientTransport(client: client, timeout: timeout))
        await stop()
        return result
    } catch {
        await stop()
        throw error
    }
}

/// A wire test's own failure (an answer that is not what the test needs to go on), with what it saw.
struct WireTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension CassetteEmulator {
    /// A context that calls this emulator with its own credentials (and, when given, the manifest `options` and
    /// another transport).
    func context(options: [String: String] = [:], transport: AsyncHTTPClientTransport? = nil) -> ProviderContext {
        ProviderContext(
            baseURL: baseURL, credentials: ProviderCredentials(credentials), transport: transport ?? self.transport,
            logger: Logger(label: "\(provider)-wire-test"), options: options)
    }
}

/// `adapter`'s view of one task; fails when the provider does not know it.
func snapshot(of taskID: String, from adapter: any ProviderAdapter, context: ProviderContext) async throws -> UpstreamSnapshot {
    let results = try await adapter.fetch([FetchTarget(taskID: taskID)], context: context)
    guard case .found(let snapshot)? = results[taskID] else { throw WireTestError("task \(taskID) not found: \(results)") }
    return snapshot
}

/// Polls `adapter`'s view of one task until `done` holds (emulators run on the real clock here): at most 200 reads,
/// 25 ms apart.
func snapshot(
    of taskID: String, from adapter: any ProviderAdapter, context: ProviderContext, until done: (UpstreamSnapshot) -> Bool
) async throws -> UpstreamSnapshot {
    for _ in 0..<200 {
        let read = try await snapshot(of: taskID, from: adapter, context: context)
        if done(read) { return read }
        try await Task.sleep(for: .milliseconds(25))
    }
    throw WireTestError("task \(taskID) never got there")
}
