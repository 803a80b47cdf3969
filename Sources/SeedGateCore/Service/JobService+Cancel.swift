import Foundation

extension JobService {
    /// Cancels a job. Before a provider has it, SeedGate cancels locally. Afterwards it first re-reads the task
    /// (some providers' cancel call deletes finished tasks), and cancels upstream only where the provider allows
    /// it in the task's current state; otherwise the answer is a conflict that says why.
    ///
    /// A create call in flight takes milliseconds as a rule, so a cancel that finds one (at once, or because the
    /// dispatcher claimed the job while the cancel was being written) waits up to `patience` in all for its outcome
    /// rather than refuse (the compatibility facades wait longer: their clients expect a cancel of an unfinished task
    /// to just work).
    public func cancel(id rawID: String, tenant: String?, patience: Duration = .seconds(5)) async throws -> Job {
        let deadline = ContinuousClock.now + patience
        var job = try await self.job(id: rawID, tenant: tenant)
        while true {
            if job.status.isTerminal { throw JobServiceError.conflict(.init(.alreadyFinished, "the job is already \(job.status.rawValue)")) }
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
                job = try await awaitHandOff(of: job, patience: deadline - ContinuousClock.now)
                guard job.submission == .submitting else { continue }
                throw JobServiceError.conflict(
                    .init(
                        .submissionInFlight,
                        "the job is still being handed to a provider (the create call has not answered); retry the cancel in a moment"))
            case .unconfirmed:
                // The provider may have made the task; cancelling only here would leave it running and billed unseen.
                throw JobServiceError.conflict(
                    .init(
                        .submissionUnconfirmed,
                        "the create's answer was lost and SeedGate is waiting for \(job.provider?.rawValue ?? "the provider") to name the task (until \(job.unconfirmedUntil.map { ISO8601DateFormatter().string(from: $0) } ?? "-")); retry the cancel once the job has a task or has failed"
                    ))
            case .accepted:
                return try await cancelUpstream(job)
            case .abandoned:
                throw JobServiceError.conflict(.init(.alreadyFinished, "the job is already \(job.status.rawValue)"))
            }
        }
    }

    private func cancelUpstream(_ job: Job) async throws -> Job {
        guard let providerID = job.provider, let provider = providers[providerID], let task = job.upstream else {
            throw JobServiceError.conflict(.init(.providerNotConfigured, "the job's provider is no longer configured, so it cannot be cancelled"))
        }
        let cancellable = provider.manifest.cancellableStatuses
        guard !cancellable.isEmpty else {
            throw JobServiceError.conflict(.init(.cancelUnsupported, "\(providerID) does not support cancelling tasks"))
        }
        let target = FetchTarget(taskID: task.taskID, serviceTier: job.spec.serviceTier ?? .default)
        let current: Job
        do {
            switch try await provider.adapter.fetch([target], context: provider.context)[task.taskID] {
            case .found(let snapshot): current = try await apply(snapshot, to: job)
            case .notFound, nil:
                try await recordTaskLost(job)
                throw JobServiceError.conflict(.init(.upstreamTaskLost, "\(providerID) no longer knows the task; the job has failed"))
            }
        } catch let error as ProviderError {
            throw JobServiceError.provider(providerID, error)
        }
        if current.status.isTerminal { throw JobServiceError.conflict(.init(.alreadyFinished, "the job is already \(current.status.rawValue)")) }
        guard cancellable.contains(current.status) else {
            let allowed = cancellable.map(\.rawValue).joined(separator: ", ")
            throw JobServiceError.conflict(
                .init(.notCancellableNow, "\(providerID) can cancel a task only while it is \(allowed); this one is \(current.status.rawValue)"))
        }
        let outcome: CancelOutcome
        do {
            outcome = try await provider.adapter.cancel(taskID: task.taskID, context: provider.context)
        } catch {
            if error.kind == .conflict || error.kind == .invalidRequest {
                throw JobServiceError.conflict(.init(.cancelRefused, "\(providerID) refused to cancel: \(error.providerMessage ?? error.summary)"))
            }
            throw JobServiceError.provider(providerID, error)
        }
        switch outcome {
        case .cancelled: break
        case .refused(let reason): throw JobServiceError.conflict(.init(.cancelRefused, reason))
        case .finished(let snapshot):
            let settled = try await apply(snapshot, to: current)
            logger.notice(
                "cancel found the task already finished upstream", metadata: ["job.id": "\(job.id)", "upstream.status": "\(snapshot.rawStatus)"])
            throw JobServiceError.conflict(.init(.alreadyFinished, "the job is already \(settled.status.rawValue)"))
        }
        let date = now()
        logger.info("job cancelled upstream", metadata: ["job.id": "\(job.id)", "provider": "\(providerID)"])
        return try await write(current) { job in
            guard job.transition(to: .cancelled, at: date) else { return false }
            job.upstream?.status = "cancelled"
            return true
        }
    }

    /// The job once its create call has answered, or as it is when `patience` runs out. Writes made in this process
    /// ring at once (the job's watchers); a re-read every 250 ms catches those made by other replicas.
    func awaitHandOff(of job: Job, patience: Duration) async throws -> Job {
        guard job.submission == .submitting else { return job }
        let watch = watchers.watch(job.id)
        let written = Doorbell()
        let forward = Task { for await _ in watch.changes { written.ring() } }
        defer {
            watch.stop()
            forward.cancel()
        }
        let deadline = ContinuousClock.now + patience
        var current = job
        while current.submission == .submitting {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { break }
            await written.wait(upTo: min(remaining, .milliseconds(250)))
            guard let fresh = try await store.job(id: job.id) else { throw JobServiceError.notFound(.init(.job, "no job \(job.id)")) }
            current = fresh
        }
        return current
    }
}
