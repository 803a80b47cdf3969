import Foundation

/// A `JobStore` held in memory, for tests. Same semantics as the database stores.
public actor InMemoryJobStore: JobStore {
    var jobs: [JobID: Job] = [:]
    var outbox: [JobEvent] = []
    var deliveryLog: [WebhookDelivery] = []
    /// Claimed archive tries (`InMemoryJobStore+Archive.swift`).
    var archiveLeases: [JobID: Date] = [:]
    /// Claimed checks: the job is not due again before its lease ends, or until it is next written.
    private var leases: [JobID: Date] = [:]
    /// Provider shared state (`InMemoryJobStore+SharedState.swift`), by key.
    var sharedRows: [String: SharedStateRow] = [:]

    public init() {}

    public func insert(_ job: Job, events: [JobEvent]) throws -> Job {
        precondition(jobs[job.id] == nil, "duplicate job id")
        if let key = job.idempotencyKey, jobs.values.contains(where: { $0.tenant == job.tenant && $0.idempotencyKey == key }) {
            throw JobStoreError.duplicateIdempotencyKey
        }
        var stored = job
        stored.version = 1
        jobs[job.id] = stored
        record(events)
        return stored
    }

    public func job(id: JobID) -> Job? { jobs[id] }

    public func list(_ query: JobQuery) -> JobPage {
        let rows = jobs.values.filter(query.matches).sorted { $0.id > $1.id }.prefix(max(0, query.limit) + 1)
        return JobPage(rows: Array(rows), limit: max(0, query.limit))
    }

    public func update(_ job: Job, expecting version: Int, events: [JobEvent]) -> Job? {
        guard let current = jobs[job.id], current.version == version else { return nil }
        var stored = job
        stored.version = version + 1
        jobs[job.id] = stored
        leases[job.id] = nil
        archiveLeases[job.id] = nil
        record(events)
        return stored
    }

    public func jobsAwaitingSubmission(dueBy: Date, limit: Int) -> [Job] {
        jobs.values.filter { $0.status == .queued && $0.submission == .pending && ($0.submitAfter ?? .distantPast) <= dueBy }
            .sorted { $0.id < $1.id }.prefix(limit).map { $0 }
    }

    public func jobsAwaitingSubmission(in lane: ProviderModel?, dueBy: Date, limit: Int) -> [Job] {
        jobsAwaitingSubmission(dueBy: dueBy, limit: Int.max).filter { $0.lane == lane }
            .prefix(max(0, limit)).map { $0 }
    }

    public func jobsUnconfirmed(expiredBy: Date, limit: Int) -> [Job] {
        jobs.values.filter { $0.status == .queued && $0.submission == .unconfirmed && ($0.dueAt ?? .distantFuture) <= expiredBy }
            .sorted { ($0.dueAt ?? .distantFuture, $0.id) < ($1.dueAt ?? .distantFuture, $1.id) }.prefix(max(0, limit)).map { $0 }
    }

    public func jobsDueForCheck(dueBy: Date, limit: Int) -> [Job] {
        jobs.values.filter {
            !$0.status.isTerminal && $0.submission == .accepted && ($0.nextCheckAt ?? .distantFuture) <= dueBy
                && (leases[$0.id] ?? .distantPast) <= dueBy
        }
        .sorted { ($0.nextCheckAt ?? .distantFuture, $0.id) < ($1.nextCheckAt ?? .distantFuture, $1.id) }.prefix(max(0, limit)).map { $0 }
    }

    public func claimDueForCheck(dueBy: Date, limit: Int, leaseUntil: Date) -> [ClaimedCheck] {
        jobsDueForCheck(dueBy: dueBy, limit: limit).map { job in
            leases[job.id] = leaseUntil
            return ClaimedCheck(job: job, dueAt: job.nextCheckAt)
        }
    }

    public func openJobCounts() -> [JobStatus: Int] {
        var counts: [JobStatus: Int] = [:]
        for job in jobs.values where !job.status.isTerminal { counts[job.status, default: 0] += 1 }
        return counts
    }

    public func jobsStuckSubmitting(updatedBefore: Date, limit: Int) -> [Job] {
        jobs.values.filter { $0.status == .queued && $0.submission == .submitting && $0.updatedAt < updatedBefore }
            .sorted { $0.id < $1.id }.prefix(max(0, limit)).map { $0 }
    }

    public func events(jobID: JobID) -> [JobEvent] { outbox.filter { $0.jobID == jobID } }

    public func ping() {}

    public func job(tenant: String, idempotencyKey: String) -> Job? {
        jobs.values.first { $0.tenant == tenant && $0.idempotencyKey == idempotencyKey }
    }

    public func job(callbackToken: String) -> Job? { jobs.values.first { $0.callbackToken == callbackToken } }

    public func job(provider: ProviderID, upstreamTaskID: String) -> Job? {
        jobs.values.first { $0.provider == provider && $0.upstream?.taskID == upstreamTaskID }
    }

    public func queuePosition(of id: JobID) -> Int {
        jobs.values.filter { $0.status == .queued && $0.submission == .pending && $0.id < id }.count
    }

    public func queuePosition(of id: JobID, in lane: ProviderModel) -> Int {
        jobs.values.filter { $0.lane == lane && $0.id < id }.count
    }

    public func inFlightCounts() -> [ProviderModel: Int] { inFlightCounts { _ in true } }

    public func inFlightCounts(resolution: String) -> [ProviderModel: Int] { inFlightCounts { $0.spec.resolution == resolution } }

    private func inFlightCounts(where included: (Job) -> Bool) -> [ProviderModel: Int] {
        var counts: [ProviderModel: Int] = [:]
        for job in jobs.values where !job.status.isTerminal && (job.submission == .submitting || job.submission == .accepted) && included(job) {
            guard let provider = job.provider else { continue }
            counts[ProviderModel(provider: provider, model: job.model), default: 0] += 1
        }
        return counts
    }

    public func claimDueDeliveries(dueBy: Date, limit: Int, leaseUntil: Date) -> [ClaimedDelivery] {
        let due = deliveryLog.indices.filter { deliveryLog[$0].status == .pending && (deliveryLog[$0].nextAttemptAt ?? .distantFuture) <= dueBy }
            .sorted { (deliveryLog[$0].nextAttemptAt ?? .distantFuture) < (deliveryLog[$1].nextAttemptAt ?? .distantFuture) }
            .prefix(max(0, limit))
        return due.compactMap { index in
            deliveryLog[index].nextAttemptAt = leaseUntil
            let delivery = deliveryLog[index]
            return outbox.first { $0.id == delivery.eventID }.map { ClaimedDelivery(delivery: delivery, event: $0) }
        }
    }

    public func recordDeliveryAttempt(_ id: String, at date: Date, outcome: DeliveryOutcome) {
        guard let index = deliveryLog.firstIndex(where: { $0.id == id }) else { return }
        deliveryLog[index].apply(outcome, at: date)
    }

    public func deliveries(jobID: JobID) -> [WebhookDelivery] { deliveryLog.filter { $0.jobID == jobID } }

    private func record(_ events: [JobEvent]) {
        outbox += events
        for event in events {
            for url in event.webhookURLs { deliveryLog.append(WebhookDelivery(id: WebhookDelivery.newID(), event: event, url: url)) }
        }
    }
}

extension WebhookDelivery {
    public static func newID() -> String { "dlv_" + String(JobID.generate().rawValue.dropFirst(JobID.prefix.count)) }

    /// Folds an attempt's outcome into the record (shared by every store). Only a pending delivery takes it: the
    /// late result of a worker whose lease ran out must not undo a delivery another worker completed since.
    public mutating func apply(_ outcome: DeliveryOutcome, at date: Date) {
        guard status == .pending else { return }
        attempts += 1
        lastAttemptAt = date
        switch outcome {
        case .delivered(let status):
            self.status = .delivered
            lastResponseStatus = status
            lastError = nil
            deliveredAt = date
            nextAttemptAt = nil
        case .failed(let status, let error, let retryAt):
            lastResponseStatus = status
            lastError = error
            nextAttemptAt = retryAt
            if retryAt == nil { self.status = .dead }
        }
    }
}
