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
        /// Tasks created per minute and tasks in flight, per model, overriding the manifest.
        public var limits: Limits?

        public init(
            id: ProviderID, baseURL: String? = nil, credentialVariables: [String: String] = [:], emulated: Bool = false,
            timeoutSeconds: Double = 30, limits: Limits? = nil
        ) {
            self.id = id
            self.limits = limits
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
            do {
                file = try YAMLDecoder().decode(ConfigurationFile.self, from: text)
            } catch {
                throw ConfigurationError("configuration file \(path) is invalid: \(error)")
            }
        }
        var configuration = try ServerConfiguration(file)
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
        providers = file.providers?.sorted { $0.key < $1.key }.map { id, provider in
            ProviderSettings(
                id: ProviderID(id), baseURL: provider.baseURL, credentialVariables: provider.credentials ?? [:],
                emulated: provider.emulated ?? false, timeoutSeconds: provider.timeoutSeconds ?? 30,
                limits: provider.rpm == nil && provider.concurrency == nil ? nil : Limits(rpm: provider.rpm, concurrency: provider.concurrency)
            )
        }
        if let routing = file.routing {
            self.routing = RoutingPolicy(
                routes: (routing.routes ?? [:]).mapValues { $0.map(\.entry) },
                defaultRoute: (routing.defaultRoute ?? []).map(\.entry),
                allowRequestProvider: routing.allowRequestProvider ?? false
            )
            allowRequestProviderSet = routing.allowRequestProvider != nil
        }
        if let webhooks = file.webhooks {
            webhookSecretVariable = webhooks.secretEnv ?? webhookSecretVariable
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
