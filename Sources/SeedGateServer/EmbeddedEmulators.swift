import Foundation
import Logging
import SeedGateCore
import SeedGateEmulators
import ServiceLifecycle

/// Provider emulators started inside the server process, each on its own loopback port, reached over real HTTP.
enum EmbeddedEmulators {
    struct Started {
        var services: [any Service]
        var credentials: [ProviderID: [String: String]]
        /// Yields (provider, bound port) as each emulator starts listening.
        var ports: AsyncStream<(ProviderID, Int)>
    }

    /// Builds the emulators for `ids`; the caller runs `services` and reads `ports`.
    static func make(ids: [ProviderID], queueSeconds: Double, runSeconds: Double, fileLifetimeSeconds: Double = 86_400) throws -> Started {
        let (ports, continuation) = AsyncStream.makeStream(of: (ProviderID, Int).self)
        let configuration = EmulatorConfiguration(
            queueSeconds: queueSeconds, runSeconds: runSeconds, logLevel: .warning, fileLifetime: .milliseconds(Int64(fileLifetimeSeconds * 1000)))
        var services: [any Service] = []
        var credentials: [ProviderID: [String: String]] = [:]
        for id in ids {
            guard let emulator = ProviderModules.module(id)?.emulator else {
                throw ConfigurationError("providers.\(id): no emulator exists for this provider; configure real credentials")
            }
            let instance = emulator(configuration) { continuation.yield((id, $0)) }
            services.append(instance.service)
            credentials[id] = instance.credentials
        }
        return Started(services: services, credentials: credentials, ports: ports)
    }
}
