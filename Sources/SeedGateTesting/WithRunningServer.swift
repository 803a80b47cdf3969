import Foundation
import Logging
import SeedGateServer

/// A SeedGate server running in this process on an ephemeral loopback port.
public struct RunningGateway: Sendable {
    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }
}

/// Runs `SeedGateServer` (configuration → dependencies → application, as the CLI does) on port 0 while `body` runs,
/// then shuts it down gracefully and waits for it to stop, whether `body` returned or threw.
public func withRunningServer<T: Sendable>(
    _ configuration: ServerConfiguration, environment: [String: String] = [:], logger: Logger = TestGateway.logger,
    _ body: (RunningGateway) async throws -> T
) async throws -> T {
    var configuration = configuration
    configuration.port = 0
    let server = SeedGateServer(configuration: configuration, environment: environment, logger: logger, handleSignals: false)
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let task = Task { try await server.run(onListening: { portSink.yield($0) }) }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else {
        try await task.value
        throw CancellationError()
    }
    let result: Result<T, any Error>
    do {
        result = .success(try await body(RunningGateway(port: port)))
    } catch {
        result = .failure(error)
    }
    await server.shutdown()
    try await task.value
    return try result.get()
}
