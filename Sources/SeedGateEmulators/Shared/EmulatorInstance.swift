import SeedGateCore
import ServiceLifecycle

/// One emulator ready to run: the service (a Hummingbird application) and the credentials a client must present,
/// by the credential names of the provider's manifest (`api_key`, or `app_id` + `secret_key`, …).
public struct EmulatorInstance: Sendable {
    public let service: any Service
    public let credentials: [String: String]

    public init(service: any Service, credentials: [String: String]) {
        self.service = service
        self.credentials = credentials
    }
}

/// Builds a provider's emulator from a configuration; the closure is told the bound port once it listens. Each
/// emulator offers its own (`ArkEmulator.factory(models:)`, `ModelVerseEmulator.factory`, …); the provider module
/// list in SeedGateServer pairs each with its adapter.
public typealias EmulatorFactory = @Sendable (EmulatorConfiguration, @escaping @Sendable (Int) async -> Void) -> EmulatorInstance
