import Foundation
import Logging
import SeedGateCore
import SeedGateRuntime

/// `seedgate check-config`: every check `serve` makes before it opens anything (the file's keys and values, the
/// providers and their credentials, the routes, the client keys, the webhook endpoints and secrets), then the
/// effective configuration as text. Secrets are never printed: only whether their variable is set.
public enum ConfigurationReport {
    /// The effective configuration, or the first problem as a `ConfigurationError`.
    public static func check(_ configuration: ServerConfiguration, environment: [String: String]) throws -> String {
        let plan = try ProviderPlan.checked(configuration, environment: environment)
        _ = try apiKeys(configuration, environment: environment)
        let destinations = DestinationGuard(
            allowList: configuration.webhookAllowHosts, denyList: configuration.webhookDenyHosts,
            allowPrivateNetworks: configuration.webhookAllowPrivateNetworks, allowLoopback: configuration.webhookAllowLoopback)
        for endpoint in configuration.webhookEndpoints {
            if let refusal = destinations.checkSyntax(endpoint) { throw ConfigurationError("webhooks.endpoints: \(endpoint): \(refusal.message)") }
        }
        let quiet = Logger(label: "seedgate.check-config", factory: { _ in SwiftLogNoOpLogHandler() })
        _ = try webhookSigner(configuration, environment: environment, logger: quiet)
        _ = try mediaLinks(configuration, environment: environment, base: { nil }, logger: quiet, enabled: configuration.archive.enabled)
        return render(configuration, plan: plan, environment: environment)
    }

    static func render(_ configuration: ServerConfiguration, plan: ProviderPlan, environment: [String: String]) -> String {
        func isSet(_ variable: String) -> String { (environment[variable] ?? "").isEmpty ? "unset" : "set" }
        var lines: [String] = []
        lines.append("server: \(configuration.host):\(configuration.port), max body \(configuration.maxBodyBytes) bytes")
        lines.append("  public_url: \(configuration.publicURL ?? "unset (providers are polled; no callbacks unless on loopback)")")
        lines.append(
            "store: "
                + {
                    switch configuration.storeKind {
                    case .sqlite: "sqlite at \(configuration.sqlitePath)"
                    case .postgres: "postgres at \(SeedGateDependencies.redacted(configuration.databaseURL ?? ""))"
                    case .memory: "memory (jobs are lost on exit)"
                    }
                }())
        lines.append(
            configuration.demo
                ? "mode: demo (asked for; every provider emulated in-process, nothing is paid for)"
                : plan.embedded
                    ? "mode: embedded demo (no configuration, loopback: every provider emulated in-process)" : "mode: configured providers")
        lines.append("providers:")
        for entry in plan.entries {
            let manifest = entry.manifest
            if entry.emulated {
                lines.append("  \(manifest.id): emulated, timeout \(format(entry.timeoutSeconds)) s")
            } else {
                lines.append("  \(manifest.id): \(entry.baseURL), timeout \(format(entry.timeoutSeconds)) s")
                let variables = configuration.providers?.first { $0.id == manifest.id }?.credentialVariables ?? [:]
                for name in manifest.credentials.keys.sorted() {
                    let variable = variables[name] ?? manifest.credentials[name] ?? "?"
                    lines.append("    credential \(name): \(variable) \(isSet(variable))")
                }
            }
            lines.append("    limits (rpm / concurrency, per model; - = none):")
            for offering in manifest.models {
                let own = offering.limits
                let rpm = own?.rpm ?? manifest.limits.rpm
                let concurrency = own?.concurrency ?? manifest.limits.concurrency
                lines.append("      \(offering.name): \(rpm.map(String.init) ?? "-") / \(concurrency.map(String.init) ?? "-")")
            }
        }
        lines.append("routes (providers in the order tried; a group in [] shares load by weight):")
        var routing = configuration.routing
        if routing.fallbackOrder.isEmpty { routing.fallbackOrder = ProviderModules.defaultOrder }
        let configured = Set(plan.entries.map(\.manifest.id))
        let models = Set(plan.entries.flatMap { $0.manifest.models.map(\.name) }).sorted()
        for model in models {
            let serving = Set(plan.entries.filter { $0.manifest.offering(for: model) != nil }.map(\.manifest.id))
            let entries = routing.routes[model] ?? routing.defaultRoute
            let source = routing.routes[model] != nil ? "route" : entries.isEmpty ? "default order" : "default route"
            let text: String
            if entries.isEmpty {
                text = routing.inFallbackOrder(serving).map(\.rawValue).joined(separator: " → ")
            } else {
                let usable = entries.enumerated().filter { serving.contains($0.element.provider) && configured.contains($0.element.provider) }
                let tiers = Dictionary(grouping: usable) { $0.element.tier ?? $0.offset }
                text = tiers.keys.sorted().map { tier in
                    let group = tiers[tier]!.map { "\($0.element.provider)" + ($0.element.weight.map { " ×\(format($0))" } ?? "") }
                    return group.count == 1 ? group[0] : "[\(group.joined(separator: ", "))]"
                }.joined(separator: " → ")
            }
            lines.append("  \(model): \(text.isEmpty ? "no provider" : text) (\(source))")
        }
        lines.append("  request may name its provider: \(routing.allowRequestProvider || (plan.embedded && !configuration.allowRequestProviderSet))")
        lines.append("clients:")
        if configuration.clients.isEmpty { lines.append("  none: the API is open to anyone who can reach it") }
        for client in configuration.clients {
            let key = client.keySHA256 != nil ? "key_sha256 given" : "key \(client.keyVariable ?? "?") \(isSet(client.keyVariable ?? ""))"
            lines.append("  \(client.name): tenant \(client.tenant)\(client.isAdmin ? ", admin" : ""), \(key)")
        }
        lines.append("webhooks: secret \(configuration.webhookSecretVariable) \(isSet(configuration.webhookSecretVariable))")
        if isSet(configuration.webhookPreviousSecretVariable) == "set" {
            lines.append("  previous secret \(configuration.webhookPreviousSecretVariable) set: deliveries carry both signatures")
        }
        lines.append(
            "  endpoints: \(configuration.webhookEndpoints.isEmpty ? "none (per job only)" : configuration.webhookEndpoints.joined(separator: ", "))")
        lines.append(
            "  private networks \(configuration.webhookAllowPrivateNetworks ? "allowed" : "refused"), loopback \(configuration.webhookAllowLoopback ? "allowed" : "refused")"
        )
        let archive = configuration.archive
        if archive.enabled {
            let place =
                archive.storeKind == .s3
                ? "S3 bucket \(archive.s3?.bucket ?? "?")" : "directory \(archive.mediaDirectory(sqlitePath: configuration.sqlitePath))"
            lines.append("archive: \(place); link secret \(archive.linkSecretVariable) \(isSet(archive.linkSecretVariable))")
        } else {
            lines.append("archive: off")
        }
        lines.append("retention: \(configuration.retention.isEmpty ? "keep everything" : "configured")")
        lines.append(
            "submission: unconfirmed window \(format(configuration.unconfirmedWindowSeconds)) s, circuit opens after \(configuration.circuitFailureThreshold) failures for \(format(configuration.circuitCoolDownSeconds)) s"
        )
        lines.append("log: \(configuration.logLevel)\(configuration.jsonLogs ? ", json" : "")")
        return lines.joined(separator: "\n")
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
