import Foundation

/// Following accepted tasks (used by the poller and by cancel): what a provider says becomes job state here.
extension JobService {
    /// Seconds of slack past `expires_after` before a job the provider still reports as unfinished is expired.
    public static let deadlineGrace: TimeInterval = 300

    /// How long a job whose provider reports success without a result is still followed before it fails as
    /// `result_missing`.
    public static let missingResultPatience: TimeInterval = 600

    /// Whether a succeeded task's output holds the video.
    static func carriesResult(_ output: JobOutput?) -> Bool {
        guard let url = output?.videoURL else { return false }
        return !url.trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// Applies what the provider reported. Unrecognised statuses keep the job's state (and stay visible in
    /// `upstream.status`); illegal moves (e.g. back to queued) are ignored; a job past its deadline is expired
    /// only after this fresh report still shows it unfinished.
    @discardableResult
    public func apply(_ snapshot: UpstreamSnapshot, to job: Job) async throws -> Job {
        if case .unrecognised(let raw) = snapshot.status {
            observer?.unrecognisedStatus(provider: job.provider ?? "unknown", raw: raw)
            logger.warning(
                "unrecognised upstream status; job keeps its state",
                metadata: [
                    "job.id": "\(job.id)", "provider": "\(job.provider?.rawValue ?? "-")", "upstream.status": "\(raw)",
                ])
        }
        let date = now()
        let patience = Self.missingResultPatience
        let saved = try await write(job) { job in
            guard !job.status.isTerminal, job.upstream?.taskID == snapshot.taskID else { return false }
            job.upstream?.status = snapshot.rawStatus
            if case .mapped(.succeeded) = snapshot.status, !Self.carriesResult(snapshot.output) {
                // "Succeeded" without a video is not the end: the result may still be on its way (or never come).
                // The job stays unfinished and is followed for `missingResultPatience`, then fails with a clear code.
                if job.status == .queued { _ = job.transition(to: .running, at: date) }
                let since = job.upstream?.resultMissingSince ?? date
                job.upstream?.resultMissingSince = since
                if let usage = snapshot.usage { job.usage = usage }
                if date.timeIntervalSince(since) >= patience {
                    job.fail(
                        JobError(
                            code: .resultMissing,
                            message:
                                "\(job.provider?.rawValue ?? "the provider") reported the task succeeded (\(snapshot.rawStatus)) but gave no video URL for \(Int(patience)) s"
                        ), at: date)
                } else {
                    job.nextCheckAt = min(nextCheck(for: job, at: date), since.addingTimeInterval(patience))
                }
                return true
            }
            job.upstream?.resultMissingSince = nil
            if case .mapped(let status) = snapshot.status, status != job.status, job.transition(to: status, at: date) {
                switch status {
                case .failed:
                    job.error = snapshot.error ?? JobError(code: .generationFailed, message: "the provider reported the task failed without a reason")
                case .expired:
                    job.error = snapshot.error ?? JobError(code: .expired, message: "the provider expired the task before it finished")
                default: break
                }
            }
            if let output = snapshot.output, job.status == .succeeded {
                job.output = output
                beginArchive(&job, at: date)
            }
            if let usage = snapshot.usage { job.usage = usage }
            if !job.status.isTerminal, isPastDeadline(job, at: date) {
                job.transition(to: .expired, at: date)
                job.error = JobError(code: .expired, message: "the job did not finish within expires_after (\(job.spec.expiresAfter ?? 0) s)")
            }
            if !job.status.isTerminal { job.nextCheckAt = nextCheck(for: job, at: date) }
            return true
        }
        if saved.archiveDueAt != nil { signals.archives.ring() }
        return saved
    }

    /// The provider no longer knows the task: the job fails instead of waiting forever.
    @discardableResult
    public func recordTaskLost(_ job: Job) async throws -> Job {
        let date = now()
        logger.warning("upstream task not found", metadata: ["job.id": "\(job.id)", "upstream.task_id": "\(job.upstream?.taskID ?? "-")"])
        return try await write(job) { job in
            guard !job.status.isTerminal else { return false }
            job.fail(
                JobError(
                    code: .upstreamTaskNotFound,
                    message:
                        "\(job.provider?.rawValue ?? "the provider") no longer knows task \(job.upstream?.taskID ?? "-") (deleted or past its retention)"
                ), at: date)
            return true
        }
    }

    /// A status check failed; try again later, no sooner than the provider asked.
    @discardableResult
    public func recordCheckFailure(_ job: Job, error: ProviderError) async throws -> Job {
        let date = now()
        logger.warning("status check failed", metadata: ["job.id": "\(job.id)", "error": "\(error.kind.rawValue)"])
        return try await write(job) { job in
            guard !job.status.isTerminal else { return false }
            let delay = max(error.retryAfter ?? 0, nextCheck(for: job, at: date).timeIntervalSince(date))
            job.nextCheckAt = date.addingTimeInterval(delay)
            return true
        }
    }

    /// Puts a claimed check back for later (the provider's call budget is spent for now).
    public func deferCheck(_ job: Job, until date: Date) async throws {
        try await write(job) { job in
            guard !job.status.isTerminal, job.submission == .accepted else { return false }
            job.nextCheckAt = date
            return true
        }
    }

    /// Asks for a check as soon as possible (a provider callback arrived, or a client is waiting). The write also
    /// ends any claim on the job's current check, so the poller takes it again at once even mid-check.
    public func requestCheck(_ job: Job) async throws {
        guard !job.status.isTerminal, job.submission == .accepted else { return }
        let date = now()
        try await write(job) { job in
            guard !job.status.isTerminal else { return false }
            job.nextCheckAt = min(job.nextCheckAt ?? date, date)
            return true
        }
        signals.checks.ring()
    }

    func nextCheck(for job: Job, at date: Date) -> Date {
        let policy =
            job.provider.flatMap { providers[$0]?.manifest.polling }
            ?? PollingPolicy(firstCheckAfter: 5, minInterval: 5, maxInterval: 60, ageFactor: 0.2, maxRequestsPerMinute: 60)
        let age = date.timeIntervalSince(job.acceptedAt ?? job.createdAt)
        return date.addingTimeInterval(policy.interval(forAge: age))
    }

    func isPastDeadline(_ job: Job, at date: Date) -> Bool {
        guard let accepted = job.acceptedAt else { return false }
        let allowed = TimeInterval(job.spec.expiresAfter ?? RequestLimits.defaultExpiresAfter) + Self.deadlineGrace
        return date.timeIntervalSince(accepted) > allowed
    }
}
