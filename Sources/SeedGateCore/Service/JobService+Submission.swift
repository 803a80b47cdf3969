import Foundation

/// Submission policy (used by the dispatcher). A job moves `pending → submitting → accepted`; once a provider
/// accepted a task the job never moves and is never submitted again. A create whose outcome is unknown (sent,
/// then no readable answer) is never resent: where the provider calls back, the job waits `unconfirmed` for the
/// callback to name the task (`JobService+Unconfirmed.swift`); otherwise, or when none comes, it ends `failed` with
/// `submit_outcome_unknown` instead of risking a second paid task.
extension JobService {
    /// How long a job may wait for a provider to accept it before it fails as `provider_unavailable`.
    public static let submissionGiveUpAfter: TimeInterval = 900

    /// The provider the next attempt should go to: the route, in order, round after round.
    public func nextProvider(for job: Job) -> ProviderID? {
        job.nextProvider
    }

    /// Claims a pending job for a create call to `provider`; nil if it is no longer pending. With
    /// `callbackToken`, the job will recognise that provider's callbacks carrying the token.
    public func beginSubmission(_ job: Job, to provider: ProviderID, callbackToken: String? = nil) async throws -> Job? {
        var claimed = false
        let saved = try await write(job) { job in
            claimed = job.status == .queued && job.submission == .pending
            guard claimed else { return false }
            job.submission = .submitting
            job.provider = provider
            job.callbackToken = callbackToken ?? job.callbackToken
            return true
        }
        return claimed ? saved : nil
    }

    /// Records that `provider` accepted the task (`sent`: the spec as sent to it, which the job shows from now on);
    /// applies the result too if the create already carried one.
    @discardableResult
    public func recordAccepted(_ job: Job, by provider: ProviderID, submission: Submission, sent: JobSpec? = nil) async throws -> Job {
        let date = now()
        let firstCheck = providers[provider]?.manifest.polling.firstCheckAfter ?? 5
        let saved = try await write(job) { job in
            guard job.submission == .submitting else { return false }
            job.submission = .accepted
            job.provider = provider
            if let sent { job.spec = sent }
            job.upstream = UpstreamRef(taskID: submission.taskID, status: nil)
            job.attempts.append(Attempt(provider: provider, outcome: .accepted, error: nil, at: date))
            job.nextCheckAt = date.addingTimeInterval(firstCheck)
            job.submitAfter = nil
            return true
        }
        guard saved.upstream?.taskID == submission.taskID else {
            // Only a callback adopts a task before the create's answer arrives, and it names this same task; anything
            // else is a task nobody tracks.
            logger.error(
                "a create answered with a task the job does not track; it is orphaned (cancel it upstream if it still runs)",
                metadata: [
                    "job.id": "\(job.id)", "provider": "\(provider)", "upstream.task_id": "\(submission.taskID)",
                    "tracked_task_id": "\(saved.upstream?.taskID ?? "-")",
                ])
            return saved
        }
        logger.info(
            "job accepted upstream", metadata: ["job.id": "\(job.id)", "provider": "\(provider)", "upstream.task_id": "\(submission.taskID)"])
        if let snapshot = submission.snapshot { return try await apply(snapshot, to: saved) }
        return saved
    }

    /// Settles jobs whose create call was in flight when their process died: the provider may or may not have made
    /// the task, so they end like any create with an unknown outcome (`submit_outcome_unknown`), never resubmitted.
    /// A job counts as abandoned once its provider's call timeout plus `margin` has passed since it was claimed.
    @discardableResult
    public func settleAbandonedSubmissions(margin: TimeInterval = 10) async throws -> Int {
        let date = now()
        let candidates = try await store.jobsStuckSubmitting(updatedBefore: date.addingTimeInterval(-(margin + 1)), limit: 100)
        var settled = 0
        for job in candidates {
            guard let provider = job.provider else { continue }
            // A provider no longer configured is given the longest timeout any provider has.
            let timeout = (providers[provider]?.callTimeout ?? providers.longestCallTimeout) / .seconds(1)
            guard date.timeIntervalSince(job.updatedAt) > timeout + margin else { continue }
            try await recordSubmitFailure(
                job, provider: provider,
                error: ProviderError(
                    .timeout, providerMessage: "SeedGate stopped while this create call was in flight", requestSent: true
                ))
            settled += 1
        }
        return settled
    }

    /// Records a failed create call and decides what happens next: another provider, a later retry, or failure.
    @discardableResult
    public func recordSubmitFailure(_ job: Job, provider: ProviderID, error: ProviderError) async throws -> Job {
        let date = now()
        let jobError = error.jobError(provider: provider)
        let unknown = CreateOutcome(of: error, dialect: providers[provider]?.manifest.errors) == .unknown
        let switchable = error.isTransient || error.kind == .unauthorized || error.kind == .quotaExceeded
        // A refusal the adapter made before sending anything (the provider cannot take this job) is final only when
        // no other provider of the route is left to serve it.
        let refusedUnsent = !error.requestSent && !switchable
        // The provider was handed a callback URL for this job: a task it made will name itself there.
        let confirmable = unknown && awaitsConfirmation(job, provider: provider)
        logger.warning("submit failed", metadata: ["job.id": "\(job.id)", "provider": "\(provider)", "error": "\(error.kind.rawValue)"])
        return try await write(job) { job in
            guard job.submission == .submitting else { return false }
            if refusedUnsent, job.route.contains(where: { $0 != provider }) {
                job.attempts.append(Attempt(provider: provider, outcome: .rejected, error: jobError, at: date))
                job.route.removeAll { $0 == provider }
                job.submission = .pending
                job.provider = nil
                job.submitAfter = nil
            } else if confirmable {
                job.attempts.append(Attempt(provider: provider, outcome: .unknown, error: jobError, at: date))
                job.submission = .unconfirmed
                job.unconfirmedUntil = date.addingTimeInterval(unconfirmedWindow)
            } else if unknown {
                job.attempts.append(Attempt(provider: provider, outcome: .unknown, error: jobError, at: date))
                job.fail(
                    JobError(
                        code: .submitOutcomeUnknown,
                        message:
                            "\(provider) received the create request but its answer was lost (\(error.summary)); it may have created a task. SeedGate does not resubmit, so you are never billed twice. Submit a new job if you still need the video.",
                        providerCode: error.providerCode, providerMessage: error.providerMessage
                    ), at: date)
            } else if switchable {
                job.attempts.append(Attempt(provider: provider, outcome: .retryable, error: jobError, at: date))
                job.submission = .pending
                job.provider = nil
                let tried = job.attempts.filter { $0.outcome == .retryable }.count
                if date.timeIntervalSince(job.createdAt) > Self.submissionGiveUpAfter {
                    job.fail(
                        JobError(
                            code: .providerUnavailable,
                            message: "no provider accepted the job within \(Int(Self.submissionGiveUpAfter)) s; last: \(jobError.message)",
                            providerCode: error.providerCode, providerMessage: error.providerMessage), at: date)
                } else if tried % max(1, job.route.count) == 0 {
                    // Every provider of the route failed in this round: back off before the next round.
                    let rounds = tried / max(1, job.route.count)
                    let delay = max(error.retryAfter ?? 0, min(60, pow(2, Double(rounds))))
                    job.submitAfter = date.addingTimeInterval(delay)
                } else {
                    job.submitAfter = nil
                }
            } else {
                job.attempts.append(Attempt(provider: provider, outcome: .rejected, error: jobError, at: date))
                job.fail(jobError, at: date)
            }
            return true
        }
    }
}
