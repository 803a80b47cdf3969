import Foundation

/// Orphaned paid tasks. A create whose answer was lost (a timeout or reset after the request went out, or SeedGate
/// dying mid-call) may still have made a task the provider bills. SeedGate never resends it; but the job's callback
/// token was stored before the create was sent, so a task the provider did make names itself on that job's callback
/// URL. Such a job waits `unconfirmed` (status `queued`, `unconfirmed_until` in the API) for that callback, adopts the
/// task once a status read of it confirms the provider knows it, and only fails `submit_outcome_unknown` when the
/// window ends with no callback.
extension JobService {
    /// Thirty minutes: Ark calls back on every status change, so a task that exists names itself within seconds of
    /// starting; the margin covers a queue at the provider.
    public static let defaultUnconfirmedWindow: TimeInterval = 1800

    /// Whether a create to `provider` whose answer was lost can still be confirmed: the window is on, and either the
    /// provider calls back and this attempt handed it the job's callback URL, or it lists its recent tasks with what
    /// was sent (`JobService+RecentTasks.swift`).
    func awaitsConfirmation(_ job: Job, provider: ProviderID) -> Bool {
        guard unconfirmedWindow > 0, let configured = providers[provider] else { return false }
        return (job.callbackToken != nil && configured.manifest.callbacks) || configured.adapter.listsRecentTasks
    }

    /// A provider callback for an unconfirmed job, or for one whose create is still in flight or was cut short by a
    /// process that died (`submitting`): it is unsigned, so the task it names is adopted only after the
    /// provider itself answers a status read for that task id. Returns the job as it is afterwards.
    @discardableResult
    func confirmFromCallback(_ job: Job, provider providerID: ProviderID, body: Data) async throws -> Job {
        guard let provider = providers[providerID] else { return job }
        let hint: UpstreamSnapshot
        do throws(ProviderError) {
            hint = try provider.adapter.decodeCallback(body)
        } catch {
            logger.warning(
                "unreadable callback for an unconfirmed job; it keeps waiting",
                metadata: ["job.id": "\(job.id)", "provider": "\(providerID)", "error": "\(error.kind.rawValue)"])
            return job
        }
        guard !hint.taskID.isEmpty else { return job }
        let snapshot: UpstreamSnapshot
        do throws(ProviderError) {
            let target = FetchTarget(taskID: hint.taskID, serviceTier: job.spec.serviceTier ?? .default)
            guard case .found(let found) = try await provider.adapter.fetch([target], context: provider.context)[hint.taskID] else {
                logger.warning(
                    "a callback named a task the provider does not know; the job keeps waiting",
                    metadata: ["job.id": "\(job.id)", "provider": "\(providerID)", "upstream.task_id": "\(hint.taskID)"])
                return job
            }
            snapshot = found
        } catch {
            // The provider cannot confirm it now: answering an error lets a provider that retries callbacks try again.
            logger.warning(
                "could not verify the task a callback named for an unconfirmed job",
                metadata: [
                    "job.id": "\(job.id)", "provider": "\(providerID)", "upstream.task_id": "\(hint.taskID)", "error": "\(error.kind.rawValue)",
                ])
            throw JobServiceError.provider(providerID, error)
        }
        return try await adopt(job, taskID: hint.taskID, snapshot: snapshot, provider: provider, how: "callback")
    }

    /// Makes the confirmed task the job's own, as if the lost create answer had arrived, then applies its state.
    /// `how`: what found the task (`callback`, `listed`), for the log.
    func adopt(_ job: Job, taskID: String, snapshot: UpstreamSnapshot, provider: ConfiguredProvider, how: String) async throws -> Job {
        let date = now()
        let firstCheck = provider.manifest.polling.firstCheckAfter
        // The spec as it went to this provider (what `recordAccepted` keeps); unchanged if it no longer normalises.
        let sent = provider.manifest.offering(for: job.model).flatMap { offering in
            try? JobValidator.normalise(job.requestedSpec ?? job.spec, offering: offering, manifest: provider.manifest)
        }
        var adopted = false
        let saved = try await write(job) { job in
            // `submitting`: the create is in flight (its answer, naming the same task, then changes nothing) or its
            // process died before recording it.
            adopted = job.status == .queued && (job.submission == .unconfirmed || job.submission == .submitting)
            guard adopted else { return false }
            job.submission = .accepted
            if let sent { job.spec = sent }
            job.upstream = UpstreamRef(taskID: taskID, status: nil)
            job.attempts.append(Attempt(provider: provider.id, outcome: .accepted, error: nil, at: date))
            job.unconfirmedUntil = nil
            job.submitAfter = nil
            job.nextCheckAt = date.addingTimeInterval(firstCheck)
            return true
        }
        guard adopted else { return saved }
        logger.notice(
            "adopted the task of a create whose answer was lost",
            metadata: ["job.id": "\(job.id)", "provider": "\(provider.id)", "upstream.task_id": "\(taskID)", "found_by": "\(how)"])
        let applied = try await apply(snapshot, to: saved)
        signals.checks.ring()
        return applied
    }

    /// A callback naming a task for a job that already ended without one: the task is orphaned (made and billed, never
    /// tracked). Nothing can adopt it any more; it is logged so operators can cancel it upstream.
    func reportLateOrphan(_ job: Job, provider providerID: ProviderID, body: Data) {
        guard job.upstream == nil, job.attempts.last?.outcome == .unknown,
            let hint = try? providers[providerID]?.adapter.decodeCallback(body)
        else { return }
        logger.warning(
            "a provider task arrived after its job failed submit_outcome_unknown; it is orphaned (cancel it upstream if it still runs)",
            metadata: [
                "job.id": "\(job.id)", "provider": "\(providerID)", "upstream.task_id": "\(hint.taskID)", "upstream.status": "\(hint.rawStatus)",
            ])
    }

    /// Looks for waiting jobs' tasks where providers list them, then ends the unconfirmed jobs whose window passed
    /// with no task found: `submit_outcome_unknown`, never resent.
    @discardableResult
    public func settleUnconfirmed() async throws -> Int {
        if providers.all.contains(where: \.adapter.listsRecentTasks) {
            try await adoptListedTasks(try await store.jobsUnconfirmed(expiredBy: .distantFuture, limit: 100))
        }
        let date = now()
        var settled = 0
        for job in try await store.jobsUnconfirmed(expiredBy: date, limit: 100) {
            let lost = job.attempts.last { $0.outcome == .unknown }?.error
            let provider = job.provider?.rawValue ?? "the provider"
            let ended = try await write(job) { job in
                guard job.status == .queued, job.submission == .unconfirmed else { return false }
                job.fail(
                    JobError(
                        code: .submitOutcomeUnknown,
                        message:
                            "\(provider) received the create request but its answer was lost (\(lost?.message ?? "no answer")), and no callback or task list named a task within \(Int(unconfirmedWindow)) s; it may still have created one. SeedGate does not resubmit, so you are never billed twice. Submit a new job if you still need the video.",
                        providerCode: lost?.providerCode, providerMessage: lost?.providerMessage
                    ), at: date)
                return true
            }
            if ended.status == .failed { settled += 1 }
        }
        return settled
    }
}
