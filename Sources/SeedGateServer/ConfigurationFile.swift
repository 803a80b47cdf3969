import SeedGateCore

/// The YAML configuration file as written by an operator; every key is optional. `docs/configuration.md`
/// documents each one. Secrets are never in this file: it names the environment variables that hold them.
public struct ConfigurationFile: Decodable, Sendable {
    public struct Server: Decodable, Sendable {
        var host: String?
        var port: Int?
        var maxBodyBytes: Int?
        var publicURL: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case host, port
            case maxBodyBytes = "max_body_bytes"
            case publicURL = "public_url"
        }
    }

    public struct Store: Decodable, Sendable {
        var kind: String?
        var path: String?
        /// `postgres://user[:password]@host:port/database` (better given as SEEDGATE_DATABASE_URL: it may hold a password).
        var url: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case kind, path, url }
    }

    public struct Emulators: Decodable, Sendable {
        var queueSeconds: Double?
        var runSeconds: Double?
        var fileLifetimeSeconds: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case queueSeconds = "queue_seconds"
            case runSeconds = "run_seconds"
            case fileLifetimeSeconds = "file_lifetime_seconds"
        }
    }

    public struct Provider: Decodable, Sendable {
        var baseURL: String?
        /// Credential name → environment variable that holds it.
        var credentials: [String: String]?
        var emulated: Bool?
        var timeoutSeconds: Double?
        /// Caps on every model's limits at this provider (a model's own limit wins when it is lower), and the limits
        /// of models the manifest gives none.
        var rpm: Int?
        var concurrency: Int?
        /// Per model (`"*"`: every model), limits that replace the manifest's: for accounts with raised quotas.
        var models: [String: ModelLimits]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case credentials, emulated, rpm, concurrency, models
            case baseURL = "base_url"
            case timeoutSeconds = "timeout_seconds"
        }
    }

    /// `providers.<id>.models.<model>`: a model's limits at one provider, replacing the manifest's.
    public struct ModelLimits: Decodable, Sendable {
        var rpm: Int?
        var concurrency: Int?

        enum CodingKeys: String, CodingKey, CaseIterable { case rpm, concurrency }
    }

    public struct Routing: Decodable, Sendable {
        var allowRequestProvider: Bool?
        var defaultRoute: [RouteEntry]?
        var routes: [String: [RouteEntry]]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case routes
            case allowRequestProvider = "allow_request_provider"
            case defaultRoute = "default"
        }
    }

    public struct Webhooks: Decodable, Sendable {
        var secretEnv: String?
        /// Variable holding the previous secret during a rotation (deliveries are then signed with both).
        var previousSecretEnv: String?
        var endpoints: [String]?
        var allowHosts: [String]?
        var denyHosts: [String]?
        var allowPrivateNetworks: Bool?
        var allowLoopback: Bool?
        var retryForSeconds: Double?
        var retryBaseSeconds: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case endpoints
            case retryBaseSeconds = "retry_base_seconds"
            case secretEnv = "secret_env"
            case previousSecretEnv = "previous_secret_env"
            case allowHosts = "allow_hosts"
            case denyHosts = "deny_hosts"
            case allowPrivateNetworks = "allow_private_networks"
            case allowLoopback = "allow_loopback"
            case retryForSeconds = "retry_for_seconds"
        }
    }

    /// A client of the API: its key (from an environment variable, or stored only as a SHA-256 digest) and tenant.
    public struct Client: Decodable, Sendable {
        var name: String
        var tenant: String?
        var keyEnv: String?
        var keySHA256: String?
        var admin: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, tenant, admin
            case keyEnv = "key_env"
            case keySHA256 = "key_sha256"
        }
    }

    public struct Log: Decodable, Sendable {
        var level: String?
        var format: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case level, format }
    }

    /// Creates whose answer was lost, and the providers' circuit breakers (`submission:`).
    public struct Submission: Decodable, Sendable {
        var unconfirmedWindowSeconds: Double?
        var circuitFailureThreshold: Int?
        var circuitCoolDownSeconds: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case unconfirmedWindowSeconds = "unconfirmed_window_seconds"
            case circuitFailureThreshold = "circuit_failure_threshold"
            case circuitCoolDownSeconds = "circuit_cool_down_seconds"
        }
    }

    var server: Server?
    var submission: Submission?
    var store: Store?
    var catalogDirectory: String?
    var emulators: Emulators?
    var providers: [String: Provider]?
    var routing: Routing?
    var webhooks: Webhooks?
    var clients: [Client]?
    var log: Log?
    var archive: Archive?
    var retention: Retention?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case server, submission, store, emulators, providers, routing, webhooks, clients, log, archive, retention
        case catalogDirectory = "catalog_dir"
    }

    public init() {}
}

/// A route entry: either a provider id, or `{provider, weight, tier}`.
public struct RouteEntry: Decodable, Sendable {
    var entry: RoutingPolicy.Entry

    enum CodingKeys: String, CodingKey, CaseIterable { case provider, weight, tier }

    public init(from decoder: any Decoder) throws {
        if let id = try? decoder.singleValueContainer().decode(String.self) {
            entry = .init(provider: ProviderID(id))
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entry = .init(
            provider: ProviderID(try container.decode(String.self, forKey: .provider)),
            weight: try container.decodeIfPresent(Double.self, forKey: .weight),
            tier: try container.decodeIfPresent(Int.self, forKey: .tier)
        )
    }
}
