import Foundation
import Logging
import SeedGateCore
import SeedGateRuntime
import Yams

/// The resolved configuration: file values, overridden by environment variables, overridden by command-line
/// flags, with defaults for everything. With no file and no credentials this is the embedded demo:
/// SQLite in ./data and every provider emulated in-process.
public struct ServerConfiguration: Sendable {
    public struct ProviderSettings: Sendable {
        public var id: ProviderID
        public var baseURL: String?
        /// Credential name → environment variable.
        public var credentialVariables: [String: String]
        public var emulated: Bool
        public var timeoutSeconds: Double
        /// Caps on tasks created per minute and tasks in flight, for every model of the provider: a model's own
        /// (lower) limit wins; a model without one of its own gets the cap.
        public var limits: Limits?
        /// Per model name (`*`: every model), limits that replace the manifest's model limits (then capped by `limits`).
        public var modelLimits: [String: Limits]

        public init(
            id: ProviderID, baseURL: String? = nil, credentialVariables: [String: String] = [:], emulated: Bool = false,
            timeoutSeconds: Double = 30, limits: Limits? = nil, modelLimits: [String: Limits] = [:]
        ) {
            self.id = id
            self.limits = limits
            self.modelLimits = modelLimits
            self.baseURL = baseURL
            self.credentialVariables = credentialVariables
            self.emulated = emulated
            self.timeoutSeconds = timeoutSeconds
        }
    }

    public struct ClientSettings: Sendable {
        public var name: String
        public var tenant: String
        public var isAdmin: Bool
        /// Environment variable holding the key, or
        public var keyVariable: String?
        /// the key's SHA-256 (hex), so the file never holds the key itself.
        public var keySHA256: String?

        public init(name: String, tenant: String, isAdmin: Bool = false, keyVariable: String? = nil, keySHA256: String? = nil) {
            self.name = name
            self.tenant = tenant
            self.isAdmin = isAdmin
            self.keyVariable = keyVariable
            self.keySHA256 = keySHA256
        }
    }

    public enum StoreKind: String, Sendable {
        case sqlite
        case postgres
        case memory
    }

    public var host = "127.0.0.1"
    public var port = 8080
    public var maxBodyBytes = 20 * 1024 * 1024
    /// The URL providers can reach SeedGate at, for their callbacks (unset: providers are only polled).
    public var publicURL: String?
    /// Seconds a job whose create answer was lost waits for the provider's callback to name its task (0: it fails at
    /// once). Only providers that call back, with `publicURL` (or the embedded loopback) reachable, ever call.
    public var unconfirmedWindowSeconds = JobService.defaultUnconfirmedWindow
    /// Consecutive transient failures of a provider's creates (or, apart, status reads) that open its circuit.
    public var circuitFailureThreshold = 5
    /// How long an open circuit skips the provider before one trial call.
    public var circuitCoolDownSeconds = 30.0
    public var storeKind = StoreKind.sqlite
    public var sqlitePath = "./data/seedgate.sqlite"
    /// The PostgreSQL URL when `storeKind` is `.postgres`.
    public var databaseURL: String?
    public var catalogDirectory = "Providers"
    public var emulatorQueueSeconds = 1.0
    public var emulatorRunSeconds = 3.0
    /// How long the emulators' result links work (the providers document 24 hours).
    public var emulatorFileLifetimeSeconds = 86_400.0
    /// Providers named in the file; nil means "decide from the environment" (see `ProviderPlan`).
    public var providers: [ProviderSettings]?
    public var routing = RoutingPolicy()
    /// Whether the file said anything about `allow_request_provider`.
    public var allowRequestProviderSet = false
    /// Environment variable holding the webhook signing secret (`whsec_…`).
    public var webhookSecretVariable = "SEEDGATE_WEBHOOK_SECRET"
    /// Environment variable holding the previous signing secret during a rotation: when it is set, every delivery
    /// is signed with both secrets.
    public var webhookPreviousSecretVariable = "SEEDGATE_WEBHOOK_SECRET_PREVIOUS"
    /// Endpoints that receive every job's events.
    public var webhookEndpoints: [String] = []
    public var webhookAllowHosts: [String] = []
    public var webhookDenyHosts: [String] = []
    public var webhookAllowPrivateNetworks = true
    public var webhookAllowLoopback = true
    /// How long a failing delivery is retried before it is dead-lettered.
    public var webhookRetryWindow: Duration = .seconds(24 * 60 * 60)
    /// The first retry delay; each later one doubles (with jitter), up to an hour.
    public var webhookRetryBase: Duration = .seconds(5)
    /// API clients: name, tenant, admin flag, and where the key comes from.
    public var clients: [ClientSettings] = []
    public var logLevel = Logger.Level.info
    public var jsonLogs = false
    /// Keeping succeeded jobs' files (`archive:`).
    public var archive = ArchiveConfiguration()
    /// How long finished jobs keep media, records and idempotency keys (`retention:`; empty: for ever).
    public var retention = RetentionPolicy()

    /// Demo mode asked for (`--demo`, `SEEDGATE_DEMO=1`): every provider emulated in-process, on any address.
    public var demo = false
    /// The configuration file read, if any. Without one (and on loopback) SeedGate may fall back to demo mode.
    public var configurationFile: String?

    public init() {}

    /// Reads the file at `path` (if any) and applies environment overrides.
    public static func load(file path: String?, environment: [String: String]) throws -> ServerConfiguration {
        var file = ConfigurationFile()
        if let path = path ?? environment["SEEDGATE_CONFIG"] {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigurationError("cannot read configuration file \(path): \(error.localizedDescription)")
            }
            let unknown: [String]
            do {
                unknown = try ConfigurationKeys.unknownKeys(in: text)
                file = try YAMLDecoder().decode(ConfigurationFile.self, from: text)
            } catch {
                throw ConfigurationError("configuration file \(path) is invalid: \(error)")
            }
            if !unknown.isEmpty {
                throw ConfigurationError(
                    "configuration file \(path): " + (unknown.count == 1 ? unknown[0] : "\n  " + unknown.joined(separator: "\n  ")))
            }
        }
        var configuration = try ServerConfiguration(file)
        configuration.configurationFile = path ?? environment["SEEDGATE_CONFIG"]
        try configuration.apply(environment: environment)
        return configuration
    }

    init(_ file: ConfigurationFile) throws {
        if let server = file.server {
            host = server.host ?? host
            port = server.port ?? port
            maxBodyBytes = server.maxBodyBytes ?? maxBodyBytes
            publicURL = server.publicURL
        }
        if let window = file.submission?.unconfirmedWindowSeconds {
            guard window >= 0 else { throw ConfigurationError("submission.unconfirmed_window_seconds must be 0 or more seconds") }
            unconfirmedWindowSeconds = window
        }
        if let threshold = file.submission?.circuitFailureThreshold {
            guard threshold >= 1 else { throw ConfigurationError("submission.circuit_failure_threshold must be at least 1") }
            circuitFailureThreshold = threshold
        }
        if let coolDown = file.submission?.circuitCoolDownSeconds {
            guard coolDown > 0 else { throw ConfigurationError("submission.circuit_cool_down_seconds must be more than 0 seconds") }
            circuitCoolDownSeconds = coolDown
        }
        if let store = file.store {
            if let kind = store.kind {
                guard let parsed = StoreKind(rawValue: kind) else {
                    throw ConfigurationError("store.kind must be sqlite, postgres or memory, not \(kind)")
                }
                storeKind = parsed
            }
            sqlitePath = store.path ?? sqlitePath
            databaseURL = store.url
        }
        catalogDirectory = file.catalogDirectory ?? catalogDirectory
        emulatorQueueSeconds = file.emulators?.queueSeconds ?? emulatorQueueSeconds
        emulatorRunSeconds = file.emulators?.runSeconds ?? emulatorRunSeconds
        emulatorFileLifetimeSeconds = file.emulators?.fileLifetimeSeconds ?? emulatorFileLifetimeSeconds
        providers = try file.providers?.sorted { $0.key < $1.key }.map { id, provider in
            let path = "providers.\(id)"
            if let timeout = provider.timeoutSeconds, !(timeout > 0 && timeout <= 3600) {
                throw ConfigurationError("\(path).timeout_seconds must be more than 0 and at most 3600 seconds, not \(timeout)")
            }
            let cap = try Self.limits(rpm: provider.rpm, concurrency: provider.concurrency, at: path)
            var modelLimits: [String: Limits] = [:]
            for (model, limits) in provider.models ?? [:] {
                modelLimits[model] = try Self.limits(rpm: limits.rpm, concurrency: limits.concurrency, at: "\(path).models.\(model)")
            }
            return ProviderSettings(
                id: ProviderID(id), baseURL: provider.baseURL, credentialVariables: provider.credentials ?? [:],
                emulated: provider.emulated ?? false, timeoutSeconds: provider.timeoutSeconds ?? 30, limits: cap, modelLimits: modelLimits
            )
        }
        if let routing = file.routing {
            for (model, entries) in routing.routes ?? [:] {
                try Self.checkRoute(entries.map(\.entry), at: "routing.routes.\(model)")
            }
            try Self.checkRoute((routing.defaultRoute ?? []).map(\.entry), at: "routing.default")
            self.routing = RoutingPolicy(
                routes: (routing.routes ?? [:]).mapValues { $0.map(\.entry) },
                defaultRoute: (routing.defaultRoute ?? []).map(\.entry),
                allowRequestProvider: routing.allowRequestProvider ?? false
            )
            allowRequestProviderSet = routing.allowRequestProvider != nil
        }
        if let webhooks = file.webhooks {
            webhookSecretVariable = webhooks.secretEnv ?? webhookSecretVariable
            webhookPreviousSecretVariable = webhooks.previousSecretEnv ?? webhookPreviousSecretVariable
            webhookEndpoints = webhooks.endpoints ?? []
            webhookAllowHosts = webhooks.allowHosts ?? []
            webhookDenyHosts = webhooks.denyHosts ?? []
            webhookAllowPrivateNetworks = webhooks.allowPrivateNetworks ?? true
            webhookAllowLoopback = webhooks.allowLoopback ?? true
            if let seconds = webhooks.retryBaseSeconds {
                guard seconds > 0 else { throw ConfigurationError("webhooks.retry_base_seconds must be positive") }
                webhookRetryBase = .milliseconds(Int64(seconds * 1000))
            }
            if let seconds = webhooks.retryForSeconds {
                guard seconds >= 0 else { throw ConfigurationError("webhooks.retry_for_seconds must not be negative") }
                webhookRetryWindow = .milliseconds(Int64(seconds * 1000))
            }
        }
        clients = try (file.clients ?? []).map { client in
            guard (client.keyEnv == nil) != (client.keySHA256 == nil) else {
                throw ConfigurationError("clients.\(client.name): give exactly one of key_env or key_sha256")
            }
            if let digest = client.keySHA256, digest.count != 64 || !digest.allSatisfy(\.isHexDigit) {
                throw ConfigurationError("clients.\(client.name): key_sha256 must be 64 hex digits")
            }
            return ClientSettings(
                name: client.name, tenant: client.tenant ?? client.name, isAdmin: client.admin ?? false,
                keyVariable: client.keyEnv, keySHA256: client.keySHA256
            )
        }
        if let level = file.log?.level {
            guard let parsed = Logger.Level(rawValue: level) else { throw ConfigurationError("log.level \(level) is not a log level") }
            logLevel = parsed
        }
        if let format = file.log?.format { jsonLogs = try Self.parseLogFormat(format) }
        try applyMedia(file)
    }

    /// Limits as written at `path` (nil when neither is given); each must be at least 1.
    static func limits(rpm: Int?, concurrency: Int?, at path: String) throws -> Limits? {
        if let rpm, rpm < 1 { throw ConfigurationError("\(path).rpm must be at least 1, not \(rpm)") }
        if let concurrency, concurrency < 1 { throw ConfigurationError("\(path).concurrency must be at least 1, not \(concurrency)") }
        return rpm == nil && concurrency == nil ? nil : Limits(rpm: rpm, concurrency: concurrency)
    }

    /// A route's entries: weights more than 0 (and at most 1,000,000), tiers from 0 to 99, no provider twice.
    static func checkRoute(_ entries: [RoutingPolicy.Entry], at path: String) throws {
        var seen: Set<ProviderID> = []
        for (index, entry) in entries.enumerated() {
            if let weight = entry.weight, !(weight > 0 && weight <= 1_000_000) {
                throw ConfigurationError("\(path)[\(index)].weight must be more than 0 and at most 1000000, not \(weight)")
            }
            if let tier = entry.tier, !(0...99).contains(tier) {
                throw ConfigurationError("\(path)[\(index)].tier must be from 0 to 99, not \(tier)")
            }
            guard seen.insert(entry.provider).inserted else {
                throw ConfigurationError("\(path)[\(index)]: \(entry.provider) is already in this route")
            }
        }
    }

    mutating func apply(environment: [String: String]) throws {
        if let host = environment["SEEDGATE_HOST"] { self.host = host }
        if let port = environment["SEEDGATE_PORT"] {
            guard let value = Int(port), (0...65535).contains(value) else { throw ConfigurationError("SEEDGATE_PORT must be a port number") }
            self.port = value
        }
        if let path = environment["SEEDGATE_SQLITE_PATH"] { sqlitePath = path }
        if let url = environment["SEEDGATE_DATABASE_URL"], !url.isEmpty {
            storeKind = .postgres
            databaseURL = url
        }
        if storeKind == .postgres, databaseURL == nil {
            throw ConfigurationError("store.kind is postgres but neither store.url nor SEEDGATE_DATABASE_URL is set")
        }
        if let directory = environment["SEEDGATE_CATALOG_DIR"] { catalogDirectory = directory }
        if let lifetime = environment["SEEDGATE_EMULATOR_FILE_LIFETIME"] {
            guard let seconds = Double(lifetime), seconds > 0 else {
                throw ConfigurationError("SEEDGATE_EMULATOR_FILE_LIFETIME must be a positive number of seconds")
            }
            emulatorFileLifetimeSeconds = seconds
        }
        if let url = environment["SEEDGATE_PUBLIC_URL"] { publicURL = url }
        if let value = environment["SEEDGATE_DEMO"], !value.isEmpty {
            switch value.lowercased() {
            case "1", "true", "yes", "on": demo = true
            case "0", "false", "no", "off": demo = false
            default: throw ConfigurationError("SEEDGATE_DEMO must be 1/true or 0/false, not \(value)")
            }
        }
        if let window = environment["SEEDGATE_UNCONFIRMED_WINDOW"] {
            guard let seconds = Double(window), seconds >= 0 else {
                throw ConfigurationError("SEEDGATE_UNCONFIRMED_WINDOW must be 0 or more seconds")
            }
            unconfirmedWindowSeconds = seconds
        }
        if let level = environment["SEEDGATE_LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level) else { throw ConfigurationError("SEEDGATE_LOG_LEVEL \(level) is not a log level") }
            logLevel = parsed
        }
        if let format = environment["SEEDGATE_LOG_FORMAT"] { jsonLogs = try Self.parseLogFormat(format) }
        try applyMediaEnvironment(environment)
    }

    static func parseLogFormat(_ format: String) throws -> Bool {
        switch format {
        case "json": return true
        case "text": return false
        default: throw ConfigurationError("log format must be text or json, not \(format)")
        }
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
