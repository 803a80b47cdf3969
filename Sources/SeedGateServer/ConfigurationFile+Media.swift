/// The `archive:` and `retention:` sections of the configuration file (see docs/configuration.md).
extension ConfigurationFile {
    /// How succeeded jobs' files are kept: where, how fast, how many tries, and the signed links to them.
    public struct Archive: Decodable, Sendable {
        var enabled: Bool?
        /// `directory` (default) or `s3`.
        var store: String?
        var directory: String?
        var s3: S3?
        var maxBytes: Int64?
        var concurrency: Int?
        var bandwidthBytesPerSecond: Int?
        var stallTimeoutSeconds: Double?
        var maxAttempts: Int?
        var retryBaseSeconds: Double?
        var leaseSeconds: Double?
        var signedURLSeconds: Double?
        var linkSecretEnv: String?
        var allowPrivateNetworks: Bool?
        var allowLoopback: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case enabled, store, directory, s3, concurrency
            case maxBytes = "max_bytes"
            case bandwidthBytesPerSecond = "bandwidth_bytes_per_second"
            case stallTimeoutSeconds = "stall_timeout_seconds"
            case maxAttempts = "max_attempts"
            case retryBaseSeconds = "retry_base_seconds"
            case leaseSeconds = "lease_seconds"
            case signedURLSeconds = "signed_url_seconds"
            case linkSecretEnv = "link_secret_env"
            case allowPrivateNetworks = "allow_private_networks"
            case allowLoopback = "allow_loopback"
        }
    }

    /// S3-compatible object storage; credentials come from the environment (`AWS_ACCESS_KEY_ID`, …), never the file.
    public struct S3: Decodable, Sendable {
        var endpoint: String?
        var region: String?
        var bucket: String?
        var prefix: String?
        var pathStyle: Bool?
        var partSizeBytes: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case endpoint, region, bucket, prefix
            case pathStyle = "path_style"
            case partSizeBytes = "part_size_bytes"
        }
    }

    /// How long finished jobs keep their media, their records and their idempotency keys: a default, and per tenant.
    public struct Retention: Decodable, Sendable {
        var defaultRule: Rule?
        var tenants: [String: Rule]?
        var intervalSeconds: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case tenants
            case defaultRule = "default"
            case intervalSeconds = "interval_seconds"
        }
    }

    /// Days after a job finished; absent means kept for ever.
    public struct Rule: Decodable, Sendable {
        var mediaDays: Double?
        var jobDays: Double?
        var idempotencyKeyDays: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case mediaDays = "media_days"
            case jobDays = "job_days"
            case idempotencyKeyDays = "idempotency_key_days"
        }
    }
}
