import Foundation
import SeedGateCore
import SeedGateEmulators

/// Which providers this process talks to, and whether each is real or emulated in-process.
///
/// - With `providers:` in the configuration: exactly those; a real one needs every credential its manifest
///   names, from the environment (start-up fails, naming the variable, when one is missing).
/// - Without: every registered provider whose credentials are all in the environment is used for real; when
///   there are none, SeedGate runs in *embedded* mode with every provider emulated in-process, but only in the
///   local default (no configuration file, a loopback address): anywhere else that is a start-up error, so a
///   deployment that forgot its credentials never hands out emulated results as real ones.
/// - Demo mode (`--demo`, `SEEDGATE_DEMO=1`) emulates every provider (those of `providers:`, or all), whatever
///   credentials are set, so a demo never spends money.
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

    /// The plan for `configuration`, with its routes checked against it: what `serve` and `check-config` both run.
    static func checked(_ configuration: ServerConfiguration, environment: [String: String]) throws -> ProviderPlan {
        let manifests = Dictionary(
            try SeedGateDependencies.loadManifests(configuration).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let plan = try make(configuration: configuration, manifests: manifests, registered: Set(ProviderModules.ids), environment: environment)
        try plan.checkRoutes(configuration.routing, manifests: manifests)
        return plan
    }

    /// Decides the plan; `emulatorURL` gives the base URL of a started emulator.
    static func make(
        configuration: ServerConfiguration, manifests: [ProviderID: ProviderManifest], registered: Set<ProviderID>,
        environment: [String: String]
    ) throws -> ProviderPlan {
        if configuration.demo {
            let ids = configuration.providers.map { $0.map(\.id) } ?? Array(registered)
            let entries = try ids.sorted().map { id -> Entry in
                guard registered.contains(id), var manifest = manifests[id] else {
                    throw ConfigurationError(
                        "providers.\(id): no such provider; known: \(registered.sorted().map(\.rawValue).joined(separator: ", "))")
                }
                let setting = configuration.providers?.first { $0.id == id }
                if let setting { try applyLimits(setting, to: &manifest) }
                return Entry(manifest: manifest, baseURL: "", credentials: [:], emulated: true, timeoutSeconds: setting?.timeoutSeconds ?? 30)
            }
            return ProviderPlan(entries: entries, embedded: true)
        }
        if let settings = configuration.providers {
            let entries = try settings.map { setting -> Entry in
                guard registered.contains(setting.id) else {
                    throw ConfigurationError(
                        "providers.\(setting.id): no such provider; known: \(registered.sorted().map(\.rawValue).joined(separator: ", "))")
                }
                guard var manifest = manifests[setting.id] else {
                    throw ConfigurationError("providers.\(setting.id): no manifest found under the catalogue directory")
                }
                try applyLimits(setting, to: &manifest)
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
        try refuseImplicitDemo(configuration, manifests: usable)
        let emulated = usable.map { Entry(manifest: $0, baseURL: "", credentials: [:], emulated: true, timeoutSeconds: 30) }
        return ProviderPlan(entries: emulated, embedded: true)
    }

    /// Falling back to emulated providers is only for the README's local default: no configuration file and a loopback
    /// address. A container (0.0.0.0) or a configuration that forgot its providers must ask for demo mode instead.
    static func refuseImplicitDemo(_ configuration: ServerConfiguration, manifests: [ProviderManifest]) throws {
        var reasons: [String] = []
        if let file = configuration.configurationFile { reasons.append("a configuration file (\(file)) is in use") }
        if !isLoopback(configuration.host) { reasons.append("the address \(configuration.host) is not loopback") }
        guard !reasons.isEmpty else { return }
        let variables = manifests.flatMap { $0.credentials.values.sorted() }
        throw ConfigurationError(
            "no provider is configured and no provider credentials are set (\(variables.joined(separator: ", "))), and "
                + reasons.joined(separator: " and ")
                + ": SeedGate emulates providers only when asked. Set a provider's credentials or a providers: section, or ask for demo mode with --demo (SEEDGATE_DEMO=1)."
        )
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    /// The configuration's limits on a provider's manifest. `providers.<id>.models.<model>` (or `*`) replaces a model's
    /// documented limits (an account with a raised quota); the provider-level `rpm` / `concurrency` then cap every
    /// model: a model's own lower limit wins, and a model without one gets the cap.
    static func applyLimits(_ setting: ServerConfiguration.ProviderSettings, to manifest: inout ProviderManifest) throws {
        var overrides: [String: Limits] = [:]
        for (model, limits) in setting.modelLimits where model != "*" {
            guard manifest.offering(for: model) != nil else {
                let near = ConfigurationKeys.nearest(to: model, among: manifest.models.map(\.name))
                throw ConfigurationError(
                    "providers.\(setting.id).models.\(model): \(setting.id) does not offer this model"
                        + (near.map { " (did you mean \($0)?)" } ?? "; it offers \(manifest.models.map(\.name).joined(separator: ", "))"))
            }
            overrides[model] = limits
        }
        let cap = setting.limits
        func capped(_ value: Int?, _ cap: Int?) -> Int? {
            guard let value else { return nil }
            return cap.map { min(value, $0) } ?? value
        }
        for index in manifest.models.indices {
            var own = manifest.models[index].limits
            // The model's own entry, then `*`, then the manifest: each limit separately.
            let named = overrides[manifest.models[index].name]
            let all = setting.modelLimits["*"]
            if named != nil || all != nil {
                own = Limits(
                    rpm: named?.rpm ?? all?.rpm ?? own?.rpm, concurrency: named?.concurrency ?? all?.concurrency ?? own?.concurrency)
            }
            manifest.models[index].limits = own.map { Limits(rpm: capped($0.rpm, cap?.rpm), concurrency: capped($0.concurrency, cap?.concurrency)) }
        }
        if let cap {
            manifest.limits = Limits(
                rpm: capped(manifest.limits.rpm, cap.rpm) ?? cap.rpm,
                concurrency: capped(manifest.limits.concurrency, cap.concurrency) ?? cap.concurrency)
        }
    }

    /// Routes that could never be used are start-up errors: a model no provider offers, a provider that is not
    /// configured (or does not exist), a provider that does not offer the routed model.
    func checkRoutes(_ routing: RoutingPolicy, manifests: [ProviderID: ProviderManifest]) throws {
        let configured = Dictionary(entries.map { ($0.manifest.id, $0.manifest) }, uniquingKeysWith: { a, _ in a })
        let knownModels = Set(manifests.values.flatMap { $0.models.map(\.name) })
        func check(_ entry: RoutingPolicy.Entry, at path: String, model: String?) throws {
            guard let manifest = configured[entry.provider] else {
                if manifests[entry.provider] != nil {
                    throw ConfigurationError(
                        "\(path): provider \(entry.provider) is not configured here; configured: \(configured.keys.sorted().map(\.rawValue).joined(separator: ", "))"
                    )
                }
                let near = ConfigurationKeys.nearest(to: entry.provider.rawValue, among: manifests.keys.map(\.rawValue))
                throw ConfigurationError(
                    "\(path): no such provider \(entry.provider)"
                        + (near.map { " (did you mean \($0)?)" } ?? "; known: \(manifests.keys.sorted().map(\.rawValue).joined(separator: ", "))"))
            }
            if let model, manifest.offering(for: model) == nil {
                throw ConfigurationError("\(path): \(entry.provider) does not offer \(model)")
            }
        }
        for (model, route) in routing.routes.sorted(by: { $0.key < $1.key }) {
            let path = "routing.routes.\(model)"
            guard knownModels.contains(model) else {
                let near = ConfigurationKeys.nearest(to: model, among: Array(knownModels))
                throw ConfigurationError("\(path): no such model" + (near.map { " (did you mean \($0)?)" } ?? ""))
            }
            if route.isEmpty { throw ConfigurationError("\(path): a route needs at least one provider") }
            for (index, entry) in route.enumerated() { try check(entry, at: "\(path)[\(index)]", model: model) }
        }
        for (index, entry) in routing.defaultRoute.enumerated() { try check(entry, at: "routing.default[\(index)]", model: nil) }
    }
}
