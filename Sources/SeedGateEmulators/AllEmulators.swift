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

/// The one registration list of emulators, by provider id (one line per provider).
public enum AllEmulators {
    public typealias Factory = @Sendable (EmulatorConfiguration, @escaping @Sendable (Int) async -> Void) -> EmulatorInstance

    public static let factories: [ProviderID: Factory] = [
        "volcengine-ark": { configuration, onPort in
            EmulatorInstance(
                service: ArkEmulator(configuration: configuration).makeApplication(onServerRunning: onPort),
                credentials: ["api_key": configuration.apiKey]
            )
        },
        "byteplus-modelark": { configuration, onPort in
            EmulatorInstance(
                service: ArkEmulator(configuration: configuration, models: .byteplus).makeApplication(onServerRunning: onPort),
                credentials: ["api_key": configuration.apiKey]
            )
        },
        "modelverse": { configuration, onPort in
            EmulatorInstance(
                service: ModelVerseEmulator(configuration: configuration).makeApplication(onServerRunning: onPort),
                credentials: ["api_key": configuration.apiKey]
            )
        },
        "acedata": { configuration, onPort in
            EmulatorInstance(
                service: AceDataEmulator(configuration: configuration).makeApplication(onServerRunning: onPort),
                credentials: ["api_key": configuration.apiKey]
            )
        },
        "chanjing": { configuration, onPort in
            EmulatorInstance(
                service: ChanjingEmulator(configuration: configuration).makeApplication(onServerRunning: onPort),
                credentials: ["app_id": "emulator-app", "secret_key": configuration.apiKey]
            )
        },
    ]

    /// The emulator for `provider`, or nil when none exists.
    public static func make(
        _ provider: ProviderID, configuration: EmulatorConfiguration, onPort: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> EmulatorInstance? {
        factories[provider].map { $0(configuration, onPort) }
    }
}
