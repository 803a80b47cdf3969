import Foundation

extension JobService {
    /// Cancels a job. Before a provider has it, SeedGate cancels locally. Afterwards it first re-reads the task
    /// (some providers' cancel call deletes finished tasks), and cancels upstream only where the provider allows
    /// it in the task's current state; otherwise the answer is a conflict that says why.
    public func cancel(id rawID: String, tenant: String?) async throws -> Job {
        var job = try await self.job(id: rawID, tenant: tenant)
        // A create call in flight takes milliseconds as a rule: wait for its outcome rather than refuse.
        let patience = ContinuousClock.now + .seconds(5)
        while job.submission == .submitting, ContinuousClock.now < patience {
            try await Task.sleep(for: .milliseconds(50))
            job = try await self.job(id: rawID, tenant: tenant)
        }
        while true {
            if job.status.isTerminal { throw JobServiceError.conflict("the job is already \(job.status.rawValue)") }
            switch job.submission {
            case .pending:
                let date = now()
                let saved = try await write(job) { job in
                    guard job.submission == .pending else { return false }
                    return job.transition(to: .cancelled, at: date)
                }
                if saved.status == .cancelled { return saved }
                job = saved
            case .submitting:
                throw JobServiceError.conflict("the job is still being handed to a provider (the create call has not answered); retry the cancel in a moment")
            case .accepted:
                return try await cancelUpstream(job)
            case .abandoned:
                throw JobServiceError.conflict("the job is already \(job.status.rawValue)")
            }
        }
    }

    private func cancelUpstream(_ job: Job) async throws -> Job {
        guard let providerID = job.provider, let provider = providers[providerID], let task = job.upstream else {
            throw JobServiceError.conflict("the job's provider is no longer configured, so it cannot be cancelled")
        }
        let cancellable = provider.manifest.cancellableStatuses
        guard !cancellable.isEmpty else {
            throw JobServiceError.conflict("\(providerID) does not support cancelling tasks")
        }
        let target = FetchTarget(taskID: task.taskID, serviceTier: job.spec.serviceTier ?? .default)
        let current: Job
        do {
            switch try await provider.adapter.fetch([target], context: provider.context)[task.taskID] {
            case .found(let snapshot): current = try await apply(snapshot, to: job)
            case .notFound, nil:
                try await recordTaskLost(job)
                throw JobServiceError.conflict("\(providerID) no longer knows the task; the job has failed")
            }
        } catch let error as ProviderError {
            throw JobServiceError.provider(providerID, error)
        }
        if current.status.isTerminal { throw JobServiceError.conflict("the job is already \(current.status.rawValue)") }
        guard cancellable.contains(current.status) else {
            let allowed = cancellable.map(\.rawValue).joined(separator: ", ")
            throw JobServiceError.conflict("\(providerID) can cancel a task only while it is \(allowed); this one is \(current.status.rawValue)")
        }
        let outcome: CancelOutcome
        do {
            outcome = try await provider.adapter.cancel(taskID: task.taskID, context: provider.context)
        } catch {
            if error.kind == .conflict || error.kind == .invalidRequest {
                throw JobServiceError.conflict("\(providerID) refused to cancel: \(error.providerMessage ?? error.summary)")
            }
            throw JobServiceError.provider(providerID, error)
        }
        if case .refused(let reason) = outcome { throw JobServiceError.conflict(reason) }
        let date = now()
        logger.info("job cancelled upstream", metadata: ["job.id": "\(job.id)", "provider": "\(providerID)"])
        return try await write(current) { job in
            guard job.transition(to: .cancelled, at: date) else { return false }
            job.upstream?.status = "cancelled"
            return true
        }
    }
}
