import Foundation
import SeedGateCore
import Tracing

/// A `JobStore` decorator that makes every store write a span (`store.insert`, `store.update`, …; reads are passed
/// through untraced). A write inside a trace is a child of the current span; a write of a job outside any trace (an
/// archiver or retention write) continues the job's own trace (`Job.traceParent`). Claims (which only take leases)
/// are spans only inside a trace, so idle polling rounds do not start a trace four times a second.
///
/// Span attributes: `db.system.name`, `db.operation.name`, `seedgate.job.id`, `seedgate.job.status` (the status
/// written), `seedgate.store.conflict` (a compare-and-set that lost), `seedgate.store.claimed` (rows a claim took).
/// Never a job's body, a shared value (it may be a secret) or a webhook URL.
public enum TracingJobStore {
    /// `store` with its writes traced. A store that offers `ProviderSharedState` still does (its writes traced too),
    /// so `store as? any ProviderSharedState` finds it through the wrapper.
    /// - Parameter system: the database, for `db.system.name` (`sqlite`, `postgresql`, `memory`).
    public static func wrap(_ store: any JobStore, system: String) -> any JobStore {
        if let shared = store as? any ProviderSharedState {
            return TracedSharedStateStore(base: store, system: system, shared: shared)
        }
        return TracedStore(base: store, system: system)
    }
}

struct TracedStore: TracedJobStoreForwarding {
    let base: any JobStore
    let system: String
}

struct TracedSharedStateStore: TracedJobStoreForwarding, ProviderSharedState {
    let base: any JobStore
    let system: String
    let shared: any ProviderSharedState

    func sharedValue(_ key: String) async throws -> SharedStateEntry? { try await shared.sharedValue(key) }

    func setSharedValue(_ key: String, to value: String, expecting version: Int?) async throws -> SharedStateEntry? {
        try await traced("set_shared_value") { span in
            let entry = try await shared.setSharedValue(key, to: value, expecting: version)
            span.attributes["seedgate.store.conflict"] = entry == nil
            return entry
        }
    }

    func acquireSharedLease(_ key: String, holder: String, until: Date, now: Date) async throws -> Bool {
        try await traced("acquire_shared_lease") { span in
            let acquired = try await shared.acquireSharedLease(key, holder: holder, until: until, now: now)
            span.attributes["seedgate.store.conflict"] = !acquired
            return acquired
        }
    }

    func releaseSharedLease(_ key: String, holder: String) async throws {
        try await traced("release_shared_lease") { _ in try await shared.releaseSharedLease(key, holder: holder) }
    }
}

protocol TracedJobStoreForwarding: JobStore {
    var base: any JobStore { get }
    var system: String { get }
}

extension TracedJobStoreForwarding {
    /// Runs a write in a span `store.<operation>`: a child of the current span, or else of the job's trace (a new
    /// trace without either). With `onlyInTrace`, outside a trace the write runs without a span.
    func traced<T>(
        _ operation: String, job: Job? = nil, jobID: JobID? = nil, onlyInTrace: Bool = false, _ body: (any Span) async throws -> T
    ) async rethrows -> T {
        let parent: ServiceContext
        if let current = ServiceContext.current, SeedGateTracing.traceParent(of: current) != nil {
            parent = current
        } else if onlyInTrace {
            return try await body(NoOpTracer.NoOpSpan(context: .topLevel))
        } else {
            parent = SeedGateTracing.context(continuing: job?.traceParent)
        }
        let span = InstrumentationSystem.tracer.startSpan("store.\(operation)", context: parent, ofKind: .client)
        defer { span.end() }
        span.updateAttributes { attributes in
            attributes["db.system.name"] = system
            attributes["db.operation.name"] = operation
            if let id = jobID ?? job?.id { attributes["seedgate.job.id"] = id.rawValue }
            if let job { attributes["seedgate.job.status"] = job.status.rawValue }
        }
        return try await SeedGateTracing.running(span, body)
    }

    // MARK: writes

    func insert(_ job: Job, events: [JobEvent]) async throws -> Job {
        try await traced("insert", job: job) { _ in try await base.insert(job, events: events) }
    }

    func update(_ job: Job, expecting version: Int, events: [JobEvent]) async throws -> Job? {
        try await traced("update", job: job) { span in
            let stored = try await base.update(job, expecting: version, events: events)
            span.attributes["seedgate.store.conflict"] = stored == nil
            return stored
        }
    }

    func claimDueForCheck(dueBy: Date, limit: Int, leaseUntil: Date) async throws -> [ClaimedCheck] {
        try await traced("claim_checks", onlyInTrace: true) { span in
            let claimed = try await base.claimDueForCheck(dueBy: dueBy, limit: limit, leaseUntil: leaseUntil)
            span.attributes["seedgate.store.claimed"] = claimed.count
            return claimed
        }
    }

    func claimDueDeliveries(dueBy: Date, limit: Int, leaseUntil: Date) async throws -> [ClaimedDelivery] {
        try await traced("claim_deliveries", onlyInTrace: true) { span in
            let claimed = try await base.claimDueDeliveries(dueBy: dueBy, limit: limit, leaseUntil: leaseUntil)
            span.attributes["seedgate.store.claimed"] = claimed.count
            return claimed
        }
    }

    func recordDeliveryAttempt(_ id: String, at: Date, outcome: DeliveryOutcome) async throws {
        try await traced("record_delivery_attempt") { _ in try await base.recordDeliveryAttempt(id, at: at, outcome: outcome) }
    }

    func claimDueArchives(dueBy: Date, limit: Int, leaseUntil: Date) async throws -> [Job] {
        try await traced("claim_archives", onlyInTrace: true) { span in
            let claimed = try await base.claimDueArchives(dueBy: dueBy, limit: limit, leaseUntil: leaseUntil)
            span.attributes["seedgate.store.claimed"] = claimed.count
            return claimed
        }
    }

    func deleteJob(_ id: JobID) async throws {
        try await traced("delete_job", jobID: id) { _ in try await base.deleteJob(id) }
    }

    // MARK: reads, untraced

    func job(id: JobID) async throws -> Job? { try await base.job(id: id) }
    func list(_ query: JobQuery) async throws -> JobPage { try await base.list(query) }
    func jobsAwaitingSubmission(dueBy: Date, limit: Int) async throws -> [Job] {
        try await base.jobsAwaitingSubmission(dueBy: dueBy, limit: limit)
    }
    func jobsAwaitingSubmission(in lane: ProviderModel?, dueBy: Date, limit: Int) async throws -> [Job] {
        try await base.jobsAwaitingSubmission(in: lane, dueBy: dueBy, limit: limit)
    }
    func jobsDueForCheck(dueBy: Date, limit: Int) async throws -> [Job] { try await base.jobsDueForCheck(dueBy: dueBy, limit: limit) }
    func openJobCounts() async throws -> [JobStatus: Int] { try await base.openJobCounts() }
    func jobsStuckSubmitting(updatedBefore: Date, limit: Int) async throws -> [Job] {
        try await base.jobsStuckSubmitting(updatedBefore: updatedBefore, limit: limit)
    }
    func jobsUnconfirmed(expiredBy: Date, limit: Int) async throws -> [Job] { try await base.jobsUnconfirmed(expiredBy: expiredBy, limit: limit) }
    func events(jobID: JobID) async throws -> [JobEvent] { try await base.events(jobID: jobID) }
    func ping() async throws { try await base.ping() }
    func job(tenant: String, idempotencyKey: String) async throws -> Job? { try await base.job(tenant: tenant, idempotencyKey: idempotencyKey) }
    func job(callbackToken: String) async throws -> Job? { try await base.job(callbackToken: callbackToken) }
    func job(provider: ProviderID, upstreamTaskID: String) async throws -> Job? {
        try await base.job(provider: provider, upstreamTaskID: upstreamTaskID)
    }
    func queuePosition(of id: JobID) async throws -> Int { try await base.queuePosition(of: id) }
    func queuePosition(of id: JobID, in lane: ProviderModel) async throws -> Int { try await base.queuePosition(of: id, in: lane) }
    func inFlightCounts() async throws -> [ProviderModel: Int] { try await base.inFlightCounts() }
    func inFlightCounts(resolution: String) async throws -> [ProviderModel: Int] { try await base.inFlightCounts(resolution: resolution) }
    func deliveries(jobID: JobID) async throws -> [WebhookDelivery] { try await base.deliveries(jobID: jobID) }
    func retentionCandidates(_ query: RetentionQuery) async throws -> [Job] { try await base.retentionCandidates(query) }
}
