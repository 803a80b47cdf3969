import Foundation
import Hummingbird
import Logging
import SeedGateCore
import ServiceLifecycle
import Synchronization

/// The SeedGate server as the CLI runs it: makes the dependencies from configuration (`SeedGateDependencies`),
/// builds the application from them (`buildApplication`), and runs it until SIGTERM/SIGINT or `shutdown()`.
public final class SeedGateServer: Sendable {
    let configuration: ServerConfiguration
    let environment: [String: String]
    let logger: Logger
    let handleSignals: Bool
    /// Run beside the application and shut down after it (the OTLP exporter, which flushes then).
    let services: [any Service]
    private let running = Mutex<ServiceGroup?>(nil)

    /// - Parameters:
    ///   - handleSignals: shut down gracefully on SIGTERM/SIGINT (off in tests that run several servers).
    ///   - services: run beside the application, started before it and shut down after it.
    public init(
        configuration: ServerConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger,
        handleSignals: Bool = true, services: [any Service] = []
    ) {
        self.configuration = configuration
        self.environment = environment
        self.logger = logger
        self.handleSignals = handleSignals
        self.services = services
    }

    /// Runs until shut down. `onListening` receives the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await SeedGateDependencies.withDependencies(configuration, environment: environment, logger: logger) { dependencies in
            let application = try buildApplication(
                configuration, dependencies: dependencies, environment: environment, logger: logger, onListening: onListening)
            let group = ServiceGroup(
                configuration: .init(
                    services: services + [application], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger))
            running.withLock { $0 = group }
            defer { running.withLock { $0 = nil } }
            try await group.run()
        }
    }

    /// Begins a graceful shutdown of a running server.
    public func shutdown() async {
        let group = running.withLock { $0 }
        await group?.triggerGracefulShutdown()
    }
}
