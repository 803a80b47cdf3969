import Foundation

/// Archiving (SeedGate's own copy of a succeeded job's files) and retention, as job state: the archiver and the
/// retention service do the I/O, these use cases record what they did. The job's status stays `succeeded`
/// throughout; `output.archive` changes, and `job.archived` (or `job.archive_failed`) is the event clients hear.
extension JobService {
    /// Which file of a job: the video, or the last frame.
    public enum MediaVariant: String, Sendable, CaseIterable {
        case video
        case lastFrame = "last_frame"
    }

    /// Called inside the write that makes a job `succeeded`: keeps the provider's URLs aside and schedules the
    /// archive's first try at once.
    func beginArchive(_ job: inout Job, at date: Date) {
        guard archivePolicy.enabled, job.status == .succeeded, var output = job.output, output.archive == nil else { return }
        output.providerVideoURL = output.videoURL
        output.providerLastFrameURL = output.lastFrameURL
        output.archive = ArchiveState(phase: .pending, attempts: 0, nextAttemptAt: date)
        job.output = output
    }

    /// Claims up to `limit` jobs whose archive try is due, each leased for `archivePolicy.lease`.
    public func claimArchives(limit: Int) async throws -> [Job] {
        let date = now()
        return try await store.claimDueArchives(dueBy: date, limit: limit, leaseUntil: date.addingTimeInterval(archivePolicy.lease))
    }

    /// Records a finished archive: the files' descriptions, and the job's URLs moved to SeedGate's own.
    @discardableResult
    public func recordArchived(_ job: Job, store kind: String, video: ArchivedFile, lastFrame: ArchivedFile?) async throws -> Job {
        let date = now()
        let base = contentBase()
        return try await write(job) { job in
            guard job.status == .succeeded, var output = job.output, var archive = output.archive, archive.phase == .pending else { return false }
            archive.phase = .archived
            archive.attempts += 1
            archive.nextAttemptAt = nil
            archive.lastError = nil
            archive.store = kind
            archive.video = video
            archive.lastFrame = lastFrame
            archive.archivedAt = date
            output.archive = archive
            let path = "/v1/jobs/\(job.id.rawValue)/content"
            output.videoURL = base.map { $0 + path } ?? path
            if lastFrame != nil { output.lastFrameURL = (base ?? "") + path + "?variant=last_frame" }
            job.output = output
            return true
        }
    }

    /// Gives a claimed try back without counting it (the process is shutting down): due now, and the write ends the
    /// claim, so the next process or replica takes it at once.
    public func releaseArchiveClaim(_ job: Job) async throws {
        let date = now()
        try await write(job) { job in
            guard job.status == .succeeded, job.output?.archive?.phase == .pending else { return false }
            job.output?.archive?.nextAttemptAt = date
            return true
        }
    }

    /// Records a failed try: retried with exponential back-off, or given up (`failed`) after `maxAttempts` tries or a
    /// permanent failure. The job stays `succeeded` with the provider's URLs.
    @discardableResult
    public func recordArchiveFailure(_ job: Job, _ failure: ArchiveFailure) async throws -> Job {
        let date = now()
        let policy = archivePolicy
        logger.warning(
            "archive try failed",
            metadata: ["job.id": "\(job.id)", "archive.error": "\(failure.code.rawValue)", "archive.message": "\(failure.message)"])
        return try await write(job) { job in
            guard job.status == .succeeded, var output = job.output, var archive = output.archive, archive.phase == .pending else { return false }
            archive.attempts += 1
            archive.lastError = failure
            if failure.permanent || archive.attempts >= policy.maxAttempts {
                archive.phase = .failed
                archive.nextAttemptAt = nil
            } else {
                archive.nextAttemptAt = date.addingTimeInterval(policy.backoff(afterAttempts: archive.attempts))
            }
            output.archive = archive
            job.output = output
            return true
        }
    }

    /// The archived file a client may read: the tenant's succeeded job with that variant archived. Throws not-found
    /// (no such job, or no last frame), gone (deleted), or a conflict (not archived yet, or archiving failed).
    public func archivedFile(id rawID: String, tenant: String?, variant: MediaVariant) async throws -> (job: Job, file: ArchivedFile) {
        let job = try await job(id: rawID, tenant: tenant)
        guard job.status == .succeeded else {
            throw JobServiceError.conflict(.init(.notArchived, "job \(job.id) is \(job.status.rawValue): only a succeeded job has content"))
        }
        guard let archive = job.output?.archive else {
            throw JobServiceError.conflict(.init(.notArchived, "job \(job.id) was not archived (archiving is off); its video is at output.video_url"))
        }
        switch archive.phase {
        case .archived:
            let file = variant == .video ? archive.video : archive.lastFrame
            guard let file else { throw JobServiceError.notFound(.init(.media, "job \(job.id) has no last frame")) }
            return (job, file)
        case .pending:
            throw JobServiceError.conflict(
                .init(.notArchived, "job \(job.id) is being archived (try \(archive.attempts + 1)); the job.archived event says when it is ready"))
        case .failed:
            throw JobServiceError.conflict(
                .init(.notArchived, "archiving job \(job.id) failed (\(archive.lastError?.code.rawValue ?? "unknown")); see output.archive"))
        case .deleted:
            let when = archive.deletedAt.map { " at \($0.formatted(.iso8601))" } ?? ""
            throw JobServiceError.gone(.init(.mediaDeleted, "job \(job.id)'s media were deleted by \(archive.deletedBy ?? "retention")\(when)"))
        }
    }

    /// Marks a job's media deleted (the files themselves are removed by the caller, before or after): by the client
    /// (`DELETE /v1/jobs/{id}/content`) or by retention. The job's URLs go back to the provider's (which may have
    /// expired). Returns the job as stored and the files that were archived (for the caller to remove).
    @discardableResult
    public func recordMediaDeleted(_ job: Job, by who: String) async throws -> (job: Job, files: [ArchivedFile]) {
        let date = now()
        var removed: [ArchivedFile] = []
        let saved = try await write(job) { job in
            guard var output = job.output, var archive = output.archive, archive.phase != .deleted else { return false }
            removed = [archive.video, archive.lastFrame].compactMap { $0 }
            archive.phase = .deleted
            archive.deletedAt = date
            archive.deletedBy = who
            archive.nextAttemptAt = nil
            archive.video = nil
            archive.lastFrame = nil
            output.archive = archive
            output.videoURL = output.providerVideoURL
            output.lastFrameURL = output.providerLastFrameURL
            job.output = output
            return true
        }
        return (saved, removed)
    }

    /// The tenant's job whose media a client wants deleted: it must be succeeded and have an archive.
    public func jobForMediaDeletion(id rawID: String, tenant: String?) async throws -> Job {
        let job = try await job(id: rawID, tenant: tenant)
        guard job.status == .succeeded, let archive = job.output?.archive else {
            throw JobServiceError.conflict(.init(.notArchived, "job \(job.id) has no archived media to delete"))
        }
        if archive.phase == .deleted {
            throw JobServiceError.gone(.init(.mediaDeleted, "job \(job.id)'s media were already deleted by \(archive.deletedBy ?? "retention")"))
        }
        return job
    }

    /// Retention: finished jobs a rule applies to.
    public func retentionCandidates(_ query: RetentionQuery) async throws -> [Job] {
        try await store.retentionCandidates(query)
    }

    /// Retention: forgets a finished job's idempotency key, so the key may be used again.
    @discardableResult
    public func forgetIdempotencyKey(_ job: Job) async throws -> Job {
        try await write(job) { job in
            guard job.status.isTerminal, job.idempotencyKey != nil else { return false }
            job.idempotencyKey = nil
            return true
        }
    }

    /// Retention: removes a finished job's record, its events and its deliveries (its media must be gone first).
    public func purge(_ job: Job) async throws {
        guard job.status.isTerminal else { return }
        logger.info("job purged by retention", metadata: ["job.id": "\(job.id)"])
        try await store.deleteJob(job.id)
    }
}

extension JobService {
    /// Takes (or extends) the named lease for `holder` until `until`, where the store shares leases between replicas
    /// (every store SeedGate ships does); without shared state this process is the only one, and it holds the lease.
    public func acquireLease(_ key: String, holder: String, until: Date) async throws -> Bool {
        guard let shared = store as? any ProviderSharedState else { return true }
        return try await shared.acquireSharedLease(key, holder: holder, until: until, now: now())
    }

    /// Ends `holder`'s lease on `key`.
    public func releaseLease(_ key: String, holder: String) async throws {
        try await (store as? any ProviderSharedState)?.releaseSharedLease(key, holder: holder)
    }
}
