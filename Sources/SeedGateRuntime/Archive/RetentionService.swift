import Foundation
import Logging
import SeedGateCore
import ServiceLifecycle

/// How long finished jobs keep what they hold, in seconds after they finished (nil: for ever).
public struct RetentionRule: Sendable, Equatable {
    public var media: TimeInterval?
    public var record: TimeInterval?
    public var idempotencyKey: TimeInterval?

    public init(media: TimeInterval? = nil, record: TimeInterval? = nil, idempotencyKey: TimeInterval? = nil) {
        self.media = media
        self.record = record
        self.idempotencyKey = idempotencyKey
    }

    /// This rule, with `fallback`'s values where it says nothing.
    func over(_ fallback: RetentionRule) -> RetentionRule {
        RetentionRule(media: media ?? fallback.media, record: record ?? fallback.record, idempotencyKey: idempotencyKey ?? fallback.idempotencyKey)
    }

    func age(_ target: RetentionQuery.Target) -> TimeInterval? {
        switch target {
        case .media: media
        case .record: record
        case .idempotencyKey: idempotencyKey
        }
    }
}

/// Retention for every tenant: a default rule, and rules of their own for some tenants (merged over the default).
public struct RetentionPolicy: Sendable, Equatable {
    public var defaultRule: RetentionRule
    public var tenants: [String: RetentionRule]
    /// Time between sweeps.
    public var interval: Duration

    public init(defaultRule: RetentionRule = RetentionRule(), tenants: [String: RetentionRule] = [:], interval: Duration = .seconds(3600)) {
        self.defaultRule = defaultRule
        self.tenants = tenants
        self.interval = interval
    }

    /// Whether any rule removes anything.
    public var isEmpty: Bool {
        ([defaultRule] + Array(tenants.values)).allSatisfy { $0.media == nil && $0.record == nil && $0.idempotencyKey == nil }
    }
}

/// Enforces `RetentionPolicy`: every `interval`, the one replica holding the `seedgate.retention` lease removes
/// media past their age (files first, then the job records `deleted`, so reads answer 410), forgets idempotency
/// keys past theirs, and purges job records past theirs (their media first). Work is done in batches of
/// `batchSize` and every step goes through `JobService`.
public struct RetentionService: Service {
    let jobs: JobService
    let media: (any MediaStore)?
    let policy: RetentionPolicy
    let metrics: SeedGateMetrics?
    let logger: Logger
    let holder = "retention-" + UUID().uuidString
    let batchSize = 200
    static let leaseKey = "seedgate.retention"

    public init(
        jobs: JobService, media: (any MediaStore)?, policy: RetentionPolicy, metrics: SeedGateMetrics? = nil,
        logger: Logger = Logger(label: "seedgate.retention")
    ) {
        self.jobs = jobs
        self.media = media
        self.policy = policy
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        guard !policy.isEmpty else { return }
        logger.info("retention started", metadata: ["interval_s": "\(policy.interval.components.seconds)"])
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                _ = try await sweep()
            } catch {
                logger.error("retention sweep failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: policy.interval) }
        }
        try? await jobs.releaseLease(Self.leaseKey, holder: holder)
    }

    /// One sweep, if this replica holds the lease; returns how many items it removed (nil: another replica holds it).
    @discardableResult
    public func sweep() async throws -> Int? {
        let leaseSeconds = max(60, 2 * Double(policy.interval.components.seconds))
        guard try await jobs.acquireLease(Self.leaseKey, holder: holder, until: jobs.now().addingTimeInterval(leaseSeconds)) else { return nil }
        var removed = 0
        for target in [RetentionQuery.Target.media, .idempotencyKey, .record] {
            for (tenant, rule) in rules() {
                guard let age = rule.age(target) else { continue }
                let cutoff = jobs.now().addingTimeInterval(-age)
                let others = tenant == nil ? Array(policy.tenants.keys) : []
                while true {
                    let batch = try await jobs.retentionCandidates(
                        RetentionQuery(target: target, tenant: tenant, excludingTenants: others, finishedBefore: cutoff, limit: batchSize))
                    for job in batch { try await remove(target, of: job) }
                    removed += batch.count
                    metrics?.retentionRemoved(target.rawValue, count: batch.count)
                    if batch.count < batchSize { break }
                }
            }
        }
        if removed > 0 { logger.info("retention sweep removed items", metadata: ["removed": "\(removed)"]) }
        return removed
    }

    /// The rule of each tenant with one, and the default (tenant nil) for everyone else.
    func rules() -> [(String?, RetentionRule)] {
        [(nil, policy.defaultRule)] + policy.tenants.sorted { $0.key < $1.key }.map { ($0.key, $0.value.over(policy.defaultRule)) }
    }

    func remove(_ target: RetentionQuery.Target, of job: Job) async throws {
        switch target {
        case .media:
            try await deleteFiles(of: job)
            try await jobs.recordMediaDeleted(job, by: "retention")
        case .idempotencyKey:
            try await jobs.forgetIdempotencyKey(job)
        case .record:
            if job.output?.archive.map({ $0.phase != .deleted }) == true { try await deleteFiles(of: job) }
            try await jobs.purge(job)
        }
    }

    func deleteFiles(of job: Job) async throws {
        guard let media, let archive = job.output?.archive else { return }
        for file in [archive.video, archive.lastFrame].compactMap({ $0 }) { try await media.delete(file.key) }
    }
}
