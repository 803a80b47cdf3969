import Foundation
import SeedGateCore
import SeedGateEmulators

/// Which providers this process talks to, and whether each is real or emulated in-process.
///
/// - With `providers:` in the configuration: exactly those; a real one needs every credential its manifest
///   names, from the environment (start-up fails, naming the variable, when one is missing).
/// - Without: every registered provider whose credentials are all in the environment is used for real; when
///   there are none, SeedGate runs in *embedded* mode with every provider emulated in-process.
struct ProviderPlan {
    struct Entry {
        var manifest: ProviderManifest
        var baseURL: String
        var credentials: [String: String]
        var emulated: Bool
        var timeoutSeconds: Double
    }

    var entries: [Entry]
    /// No configuration and no credentials: the zero-setup demo.
    var embedded: Bool

    var emulatedIDs: [ProviderID] { entries.filter(\.emulated).map(\.manifest.id) }

    /// Decides the plan; `emulatorURL` gives the base URL of a started emulator.
    static func make(
        configuration: ServerConfiguration, manifests: [ProviderID: ProviderManifest], registered: Set<ProviderID>,
        environment: [String: String]
    ) throws -> ProviderPlan {
        if let settings = configuration.providers {
            let entries = try settings.map { setting -> Entry in
                guard registered.contains(setting.id) else {
                    throw ConfigurationError(
                        "providers.\(setting.id): no such provider; known: \(registered.sorted().map(\.rawValue).joined(separator: ", "))")
                }
                guard var manifest = manifests[setting.id] else {
                    throw ConfigurationError("providers.\(setting.id): no manifest found under the catalogue directory")
                }
                if let limits = setting.limits {
                    manifest.limits = Limits(rpm: limits.rpm ?? manifest.limits.rpm, concurrency: limits.concurrency ?? manifest.limits.concurrency)
                    for index in manifest.models.indices { manifest.models[index].limits = manifest.limits }
                }
                if setting.emulated {
                    return Entry(manifest: manifest, baseURL: "", credentials: [:], emulated: true, timeoutSeconds: setting.timeoutSeconds)
                }
                var credentials: [String: String] = [:]
                for (name, defaultVariable) in manifest.credentials {
                    let variable = setting.credentialVariables[name] ?? defaultVariable
                    guard let value = environment[variable], !value.isEmpty else {
                        throw ConfigurationError(
                            "providers.\(setting.id) needs its \(name) in the environment variable \(variable), which is not set")
                    }
                    credentials[name] = value
                }
                return Entry(
                    manifest: manifest, baseURL: setting.baseURL ?? manifest.baseURL, credentials: credentials, emulated: false,
                    timeoutSeconds: setting.timeoutSeconds
                )
            }
            if entries.isEmpty { throw ConfigurationError("providers: at least one provider must be configured") }
            return ProviderPlan(entries: entries, embedded: false)
        }
        let usable = registered.sorted().compactMap { manifests[$0] }
        let real = usable.compactMap { manifest -> Entry? in
            var credentials: [String: String] = [:]
            for (name, variable) in manifest.credentials {
                guard let value = environment[variable], !value.isEmpty else { return nil }
                credentials[name] = value
            }
            return Entry(manifest: manifest, baseURL: manifest.baseURL, credentials: credentials, emulated: false, timeoutSeconds: 30)
        }
        if !real.isEmpty { return ProviderPlan(entries: real, embedded: false) }
        let emulated = usable.map { Entry(manifest: $0, baseURL: "", credentials: [:], emulated: true, timeoutSeconds: 30) }
        return ProviderPlan(entries: emulated, embedded: true)
    }
}
