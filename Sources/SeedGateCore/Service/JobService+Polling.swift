import Foundation

/// Jobs of one provider claimed for one status call (one job, or several where the provider reads many at once).
/// `permit` is the leave the provider's read circuit gave the call; `check` settles it.
public struct CheckBatch: Sendable, Equatable {
    public var provider: ProviderID
    public var jobs: [Job]
    public var permit: CircuitBreakers.Permit

    public init(provider: ProviderID, jobs: [Job], permit: CircuitBreakers.Permit = .closed) {
        self.provider = provider
        self.jobs = jobs
        self.permit = permit
    }
}

/// The polling use case: which accepted jobs are checked now (claimed under a lease, batched per provider, within
/// each provider's status-call budget), and one status call with its results applied. The poller service only loops
/// and bounds parallelism.
extension JobService {
    /// How long a claimed check is held: longer than one status call to the slowest provider, plus a margin. A check
    /// whose result is never recorded (the process died) is taken up again when it runs out.
    var checkLease: TimeInterval {
        providers.longestCallTimeout / .seconds(1) + 10
    }

    /// Claims up to `limit` due checks and groups them into status calls. A call the provider's budget has no room
    /// for now is put back for a second later rather than sent. While the provider's read circuit is open its checks
    /// wait for the cool-down; a half-open circuit lets one call through and the rest wait for its outcome.
    public func claimDueChecks(limit: Int) async throws -> [CheckBatch] {
        let date = now()
        let claims = try await store.claimDueForCheck(dueBy: date, limit: limit, leaseUntil: date.addingTimeInterval(checkLease))
        for claim in claims { if let dueAt = claim.dueAt { observer?.checkStarted(lateBy: date.timeIntervalSince(dueAt)) } }
        var batches: [CheckBatch] = []
        for (providerID, group) in Dictionary(grouping: claims.map(\.job), by: { $0.provider }) {
            guard let providerID, let provider = providers[providerID] else { continue }
            var permit = breakers.permit(providerID, .read)
            if permit == nil {
                let until = max(breakers.reopensAt(providerID, .read) ?? date, date.addingTimeInterval(1))
                for job in group { try await deferCheck(job, until: until) }
                continue
            }
            let size = max(1, provider.adapter.maxBatchSize)
            for start in stride(from: 0, to: group.count, by: size) {
                let batch = Array(group[start..<min(start + size, group.count)])
                if let granted = permit, statusCallBudgets.take(providerID, perMinute: provider.manifest.polling.maxRequestsPerMinute) {
                    batches.append(CheckBatch(provider: providerID, jobs: batch, permit: granted))
                    if granted == .trial { permit = nil }
                } else {
                    for job in batch { try await deferCheck(job, until: date.addingTimeInterval(1)) }
                }
            }
            // A trial no call could use (the budget was spent) is handed back for the next round.
            if permit == .trial { breakers.settle(providerID, .read, .trial, .released) }
        }
        return batches
    }

    /// Asks the provider about every job of the batch in one call and applies the answers: a snapshot moves the job,
    /// an unknown task fails it, and a failed call (or a job missing from the answer) schedules another check.
    ///
    /// A batch whose answer cannot be used for a reason that is not an outage (too large, unreadable, refused) is
    /// asked again job by job, within the provider's call budget, so one unreadable task never stalls the others.
    /// Only a whole batch failing transiently counts against the provider's read circuit (the read failure of one
    /// job never opens it, though a failed trial reopens it); the batch's permit is settled however the call ends.
    public func check(_ batch: CheckBatch) async throws {
        guard let provider = providers[batch.provider] else { return }
        var verdict = CircuitBreakers.Verdict.released
        defer { breakers.settle(provider.id, .read, batch.permit, verdict) }
        let targets = batch.jobs.compactMap { job in
            job.upstream.map { FetchTarget(taskID: $0.taskID, serviceTier: job.spec.serviceTier ?? .default) }
        }
        let results: [String: FetchResult]
        do throws(ProviderError) {
            results = try await provider.adapter.fetch(targets, context: provider.context)
        } catch {
            if batch.jobs.count > 1, !error.isTransient {
                logger.warning(
                    "batch status call failed; asking job by job",
                    metadata: ["provider": "\(provider.id)", "jobs": "\(batch.jobs.count)", "error": "\(error.kind.rawValue)"])
                for job in batch.jobs {
                    if statusCallBudgets.take(provider.id, perMinute: provider.manifest.polling.maxRequestsPerMinute) {
                        try await check(CheckBatch(provider: batch.provider, jobs: [job]))
                    } else {
                        try await deferCheck(job, until: now().addingTimeInterval(1))
                    }
                }
                return
            }
            if error.isTransient, batch.jobs.count > 1 || batch.permit == .trial { verdict = .failure }
            for job in batch.jobs { try await recordCheckFailure(job, error: error) }
            return
        }
        verdict = .success
        for job in batch.jobs {
            guard let taskID = job.upstream?.taskID else { continue }
            switch results[taskID] {
            case .found(let snapshot): try await apply(snapshot, to: job)
            case .notFound: try await recordTaskLost(job)
            case nil:
                try await recordCheckFailure(job, error: ProviderError(.malformedResponse, providerMessage: "no answer for this task in the batch"))
            }
        }
    }
}
