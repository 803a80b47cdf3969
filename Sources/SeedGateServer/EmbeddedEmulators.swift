import Foundation
import Hummingbird
import Logging
import SeedGateCore
import SeedGateEmulators
import ServiceLifecycle

/// Provider emulators started inside the server process, each on its own loopback port, reached over real HTTP.
struct EmbeddedEmulators {
    /// The emulator for each provider id (one line per provider that has one).
    static func application(
        for id: ProviderID, configuration: EmulatorConfiguration, onPort: @escaping @Sendable (Int) async -> Void
    ) -> (any Service)? {
        switch id.rawValue {
        case "volcengine-ark": ArkEmulator(configuration: configuration).makeApplication(onServerRunning: onPort)
        default: nil
        }
    }

    let group: ServiceGroup
    let baseURLs: [ProviderID: String]
    let apiKey: String

    /// Builds the emulators for `ids`; `start` runs them and waits until every one is listening.
    static func make(
        ids: [ProviderID], queueSeconds: Double, runSeconds: Double, logger: Logger
    ) throws -> (services: [any Service], ports: AsyncStream<(ProviderID, Int)>, apiKey: String) {
        let (ports, continuation) = AsyncStream.makeStream(of: (ProviderID, Int).self)
        let configuration = EmulatorConfiguration(queueSeconds: queueSeconds, runSeconds: runSeconds, logLevel: .warning)
        let services = try ids.map { id -> any Service in
            guard let service = application(for: id, configuration: configuration, onPort: { continuation.yield((id, $0)) }) else {
                throw ConfigurationError("providers.\(id): no emulator exists for this provider; configure real credentials")
            }
            return service
        }
        return (services, ports, configuration.apiKey)
    }
}
