import Foundation
import SeedGateCore
import SeedGateRuntime

/// Archive and retention settings, resolved from the file's `archive:` and `retention:` and the environment.
public struct ArchiveConfiguration: Sendable {
    public enum StoreKind: String, Sendable {
        case directory
        case s3
    }

    /// S3-compatible object storage: where, and how to address it. Credentials come from the environment only.
    public struct S3: Sendable, Equatable {
        public var endpoint: String
        public var region: String
        public var bucket: String
        public var prefix: String
        public var pathStyle: Bool
        public var partSizeBytes: Int

        public init(
            endpoint: String, region: String = "us-east-1", bucket: String, prefix: String = "", pathStyle: Bool = true,
            partSizeBytes: Int = 8 * 1024 * 1024
        ) {
            self.endpoint = endpoint
            self.region = region
            self.bucket = bucket
            self.prefix = prefix
            self.pathStyle = pathStyle
            self.partSizeBytes = partSizeBytes
        }
    }

    public var enabled = true
    public var storeKind = StoreKind.directory
    /// The media directory (nil: `media/` beside the SQLite file, `./data/media` by default).
    public var directory: String?
    public var s3: S3?
    public var settings = ArchiveSettings()
    public var policy = ArchivePolicy()
    /// How long a signed link to an archived file works.
    public var signedURLSeconds: TimeInterval = 24 * 3600
    /// The environment variable holding the signed links' secret.
    public var linkSecretVariable = "SEEDGATE_MEDIA_LINK_SECRET"
    public var allowPrivateNetworks = true
    public var allowLoopback = true

    /// The directory the directory store uses.
    public func mediaDirectory(sqlitePath: String) -> String {
        directory ?? URL(fileURLWithPath: sqlitePath).deletingLastPathComponent().appendingPathComponent("media").path
    }
}

extension ServerConfiguration {
    mutating func applyMedia(_ file: ConfigurationFile) throws {
        if let archive = file.archive {
            var resolved = ArchiveConfiguration()
            resolved.enabled = archive.enabled ?? true
            if let store = archive.store {
                guard let kind = ArchiveConfiguration.StoreKind(rawValue: store) else {
                    throw ConfigurationError("archive.store must be directory or s3, not \(store)")
                }
                resolved.storeKind = kind
            }
            resolved.directory = archive.directory
            if let s3 = archive.s3 { resolved.s3 = try Self.s3(s3) }
            if let value = archive.maxBytes { resolved.settings.maxBytes = try Self.positive(value, "archive.max_bytes") }
            if let value = archive.concurrency { resolved.settings.concurrency = Int(try Self.positive(Int64(value), "archive.concurrency")) }
            if let value = archive.bandwidthBytesPerSecond {
                resolved.settings.bandwidthBytesPerSecond = Int(try Self.positive(Int64(value), "archive.bandwidth_bytes_per_second"))
            }
            if let value = archive.stallTimeoutSeconds { resolved.settings.stallTimeout = try Self.positive(value, "archive.stall_timeout_seconds") }
            if let value = archive.maxAttempts { resolved.policy.maxAttempts = Int(try Self.positive(Int64(value), "archive.max_attempts")) }
            if let value = archive.retryBaseSeconds { resolved.policy.baseBackoff = try Self.positive(value, "archive.retry_base_seconds") }
            if let value = archive.leaseSeconds { resolved.policy.lease = try Self.positive(value, "archive.lease_seconds") }
            if let value = archive.signedURLSeconds { resolved.signedURLSeconds = try Self.positive(value, "archive.signed_url_seconds") }
            resolved.linkSecretVariable = archive.linkSecretEnv ?? resolved.linkSecretVariable
            resolved.allowPrivateNetworks = archive.allowPrivateNetworks ?? true
            resolved.allowLoopback = archive.allowLoopback ?? true
            if resolved.storeKind == .s3, resolved.s3 == nil { throw ConfigurationError("archive.store is s3 but archive.s3 is missing") }
            self.archive = resolved
        }
        if let retention = file.retention {
            var policy = RetentionPolicy(defaultRule: try Self.rule(retention.defaultRule, "retention.default"))
            for (tenant, rule) in retention.tenants ?? [:] { policy.tenants[tenant] = try Self.rule(rule, "retention.tenants.\(tenant)") }
            if let seconds = retention.intervalSeconds {
                policy.interval = .milliseconds(Int64(try Self.positive(seconds, "retention.interval_seconds") * 1000))
            }
            self.retention = policy
        }
    }

    /// `SEEDGATE_MEDIA_DIR` (directory store), `SEEDGATE_ARCHIVE=off`.
    mutating func applyMediaEnvironment(_ environment: [String: String]) throws {
        if let directory = environment["SEEDGATE_MEDIA_DIR"], !directory.isEmpty { archive.directory = directory }
        if let switchValue = environment["SEEDGATE_ARCHIVE"] {
            switch switchValue.lowercased() {
            case "off", "false", "0": archive.enabled = false
            case "on", "true", "1": archive.enabled = true
            default: throw ConfigurationError("SEEDGATE_ARCHIVE must be on or off, not \(switchValue)")
            }
        }
    }

    static func s3(_ s3: ConfigurationFile.S3) throws -> ArchiveConfiguration.S3 {
        guard let endpoint = s3.endpoint, let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ConfigurationError("archive.s3.endpoint must be an http(s) URL such as https://s3.eu-west-1.amazonaws.com")
        }
        guard let bucket = s3.bucket, !bucket.isEmpty else { throw ConfigurationError("archive.s3.bucket is required") }
        let partSize = s3.partSizeBytes ?? 8 * 1024 * 1024
        guard partSize >= 5 * 1024 * 1024 else { throw ConfigurationError("archive.s3.part_size_bytes must be at least 5 MiB (S3's minimum part)") }
        var prefix = s3.prefix ?? ""
        if !prefix.isEmpty, !prefix.hasSuffix("/") { prefix += "/" }
        return ArchiveConfiguration.S3(
            endpoint: endpoint, region: s3.region ?? "us-east-1", bucket: bucket, prefix: prefix, pathStyle: s3.pathStyle ?? true,
            partSizeBytes: partSize)
    }

    static func rule(_ rule: ConfigurationFile.Rule?, _ name: String) throws -> RetentionRule {
        func seconds(_ days: Double?, _ field: String) throws -> TimeInterval? {
            guard let days else { return nil }
            guard days > 0 else { throw ConfigurationError("\(name).\(field) must be a positive number of days") }
            return days * 86400
        }
        let resolved = RetentionRule(
            media: try seconds(rule?.mediaDays, "media_days"), record: try seconds(rule?.jobDays, "job_days"),
            idempotencyKey: try seconds(rule?.idempotencyKeyDays, "idempotency_key_days"))
        if let media = resolved.media, let record = resolved.record, record < media {
            throw ConfigurationError("\(name): job_days must not be shorter than media_days (a job's record outlives its media)")
        }
        return resolved
    }

    static func positive<T: Numeric & Comparable>(_ value: T, _ name: String) throws -> T {
        guard value > 0 else { throw ConfigurationError("\(name) must be positive") }
        return value
    }
}
