import Foundation
import SeedGateCore
import Testing

/// Archive claims, retention candidates and job deletion.
extension JobStoreBehaviour {
    /// Each retention query shape (target, tenant filter) and the index both database stores answer it from.
    static let retentionIndexes: [(RetentionQuery.Target, String?, String)] = [
        (.record, nil, "jobs_retention"), (.record, "acme", "jobs_tenant_retention"),
        (.media, nil, "jobs_media_retention"), (.media, "acme", "jobs_tenant_media_retention"),
        (.idempotencyKey, nil, "jobs_key_retention"), (.idempotencyKey, "acme", "jobs_tenant_key_retention"),
    ]

    /// After a migration from before `v5-archive-and-retention` (SQLite) or migration 6 (PostgreSQL), the old jobs'
    /// new columns were backfilled: retention finds them by `finished_at`, media by `archive_phase`, and the pending
    /// archive is claimable by `archive_due_at`.
    static func backfilledJobsAreFound(
        _ store: any JobStore, failed: Job, archived: Job, pending: Job, running: Job, now: Date
    ) async throws {
        func retained(_ target: RetentionQuery.Target, before: Date = now) async throws -> [JobID] {
            let query = RetentionQuery(target: target, tenant: nil, finishedBefore: before, limit: 10)
            return try await store.retentionCandidates(query).map(\.id)
        }
        #expect(try await retained(.record) == [failed.id, archived.id, pending.id], "finished_at was backfilled")
        #expect(try await retained(.record, before: now.addingTimeInterval(-60)) == [failed.id, archived.id])
        #expect(try await retained(.record, before: now.addingTimeInterval(-100.3)).isEmpty)
        #expect(try await retained(.media) == [archived.id, pending.id], "archive_phase was backfilled")
        #expect(try await retained(.idempotencyKey) == [failed.id])
        #expect(try await store.jobsDueForCheck(dueBy: now, limit: 10).map(\.id) == [running.id])

        let lease = now.addingTimeInterval(30)
        #expect(try await store.claimDueArchives(dueBy: now.addingTimeInterval(-45), limit: 10, leaseUntil: lease).isEmpty)
        let claimed = try await store.claimDueArchives(dueBy: now, limit: 10, leaseUntil: lease)
        #expect(claimed == [pending], "archive_due_at was backfilled")
        #expect(try await store.claimDueArchives(dueBy: now, limit: 10, leaseUntil: lease).isEmpty)
    }

    /// Only succeeded jobs whose archive is pending and due are claimed, most overdue first; a claim leases them
    /// without rewriting them, and they are not handed out again until the lease has passed or the job is next written.
    static func claimDueArchives(_ store: any JobStore) async throws {
        let now = Date()
        let jobs = JobFixtures.jobs(10, from: now.addingTimeInterval(-200))
        let pending = { (next: Double?) in ArchiveState(phase: .pending, attempts: 1, nextAttemptAt: next.map(now.addingTimeInterval)) }
        let states = [
            JobFixtures.succeeded(jobs[0], finishedAt: now.addingTimeInterval(-30), archive: pending(-10)),
            // No retry time yet: due since it finished.
            JobFixtures.succeeded(jobs[1], finishedAt: now.addingTimeInterval(-50), archive: ArchiveState()),
            JobFixtures.succeeded(jobs[2], finishedAt: now.addingTimeInterval(-60), archive: pending(10)),
            JobFixtures.succeeded(jobs[3], finishedAt: now.addingTimeInterval(-90), archive: ArchiveState(phase: .archived)),
            JobFixtures.succeeded(jobs[4], finishedAt: now.addingTimeInterval(-90), archive: ArchiveState(phase: .failed)),
            JobFixtures.succeeded(jobs[5], finishedAt: now.addingTimeInterval(-90), archive: ArchiveState(phase: .deleted)),
            JobFixtures.succeeded(jobs[6], finishedAt: now.addingTimeInterval(-90), archive: nil),
            // A pending archive on a job that did not succeed is no work for the archiver.
            JobFixtures.succeeded(jobs[7], finishedAt: now.addingTimeInterval(-90), archive: pending(-90)).with { $0.status = .failed },
            jobs[8].with {
                $0.status = .running
                $0.output = JobOutput(videoURL: "https://cdn.example.com/r.mp4")
                $0.output?.archive = pending(-90)
            },
            jobs[9],
        ]
        for job in states { _ = try await store.insert(job, events: []) }
        let lease = now.addingTimeInterval(30)

        let first = try await store.claimDueArchives(dueBy: now, limit: 1, leaseUntil: lease)
        #expect(first == [states[1].with { $0.version = 1 }], "the most overdue first")
        let rest = try await store.claimDueArchives(dueBy: now, limit: 10, leaseUntil: lease)
        #expect(rest.map(\.id) == [jobs[0].id])
        #expect(try await store.claimDueArchives(dueBy: now, limit: 10, leaseUntil: lease).isEmpty, "leased archives are not claimed twice")
        #expect(try await store.job(id: jobs[0].id) == rest.first, "a claim does not rewrite the job")

        // The lease ends: the two leased jobs and the one that became due are claimed again, in due order.
        let later = lease.addingTimeInterval(1)
        let again = try await store.claimDueArchives(dueBy: later, limit: 10, leaseUntil: later.addingTimeInterval(30))
        #expect(again.map(\.id) == [jobs[1].id, jobs[0].id, jobs[2].id], "by when each try was due")
        #expect(again.map(\.version) == [1, 1, 1], "a claim does not bump the version")
        #expect(try await store.claimDueArchives(dueBy: later, limit: 0, leaseUntil: later).isEmpty)

        // Writing a leased job ends its archive lease: it is due again at its (new) next try.
        let retry = states[0].with { $0.output?.archive?.nextAttemptAt = later }
        let written = try await store.update(retry, expecting: 1, events: [])
        #expect(written?.version == 2, "a claim is not a write: the archiver's compare-and-set still holds")
        let retried = try await store.claimDueArchives(dueBy: later, limit: 10, leaseUntil: later.addingTimeInterval(30))
        #expect(retried.map(\.id) == [jobs[0].id])

        // A write that ends the archive takes the job out of the queue for good.
        let archived = states[2].with { $0.output?.archive = ArchiveState(phase: .archived, attempts: 2) }
        _ = try #require(try await store.update(archived, expecting: 1, events: []))
        let farLater = later.addingTimeInterval(3600)
        let last = try await store.claimDueArchives(dueBy: farLater, limit: 10, leaseUntil: farLater.addingTimeInterval(30))
        #expect(last.map(\.id) == [jobs[1].id, jobs[0].id])
        #expect(last.map(\.version) == [1, 2])
    }

    /// A check claim and an archive claim lease separately: neither takes, ends or blocks the other, and a write
    /// ends both.
    static func checkAndArchiveClaimsAreIndependent(_ store: any JobStore) async throws {
        let now = Date()
        let jobs = JobFixtures.jobs(3, from: now.addingTimeInterval(-100))
        let checking = jobs[0].with {
            $0.status = .running
            $0.submission = .accepted
            $0.provider = "volcengine-ark"
            $0.nextCheckAt = now.addingTimeInterval(-5)
        }
        let archiving = JobFixtures.succeeded(jobs[1], finishedAt: now.addingTimeInterval(-20), archive: ArchiveState())
        _ = try await store.insert(checking, events: [])
        _ = try await store.insert(archiving, events: [])
        let lease = now.addingTimeInterval(30)

        #expect(try await store.claimDueArchives(dueBy: now, limit: 10, leaseUntil: lease).map(\.id) == [archiving.id])
        #expect(try await store.claimDueForCheck(dueBy: now, limit: 10, leaseUntil: lease).map(\.job.id) == [checking.id])
        let archivesAgain = try await store.claimDueArchives(dueBy: now, limit: 10, leaseUntil: lease)
        #expect(archivesAgain.isEmpty, "a check claim does not end an archive lease")
        let checksAgain = try await store.claimDueForCheck(dueBy: now, limit: 10, leaseUntil: lease)
        #expect(checksAgain.isEmpty, "an archive claim does not end a check lease")

        // The checked job succeeds (written while its check is leased): its archive is due at once, whatever the check
        // lease, and the job is no longer due for a check.
        let succeeded = JobFixtures.succeeded(checking, finishedAt: now.addingTimeInterval(-1), archive: ArchiveState())
        _ = try #require(try await store.update(succeeded, expecting: 1, events: []))
        #expect(try await store.claimDueForCheck(dueBy: lease, limit: 10, leaseUntil: lease).isEmpty)
        #expect(try await store.claimDueArchives(dueBy: now, limit: 10, leaseUntil: lease).map(\.id) == [checking.id])
        #expect(try await store.job(id: checking.id)?.version == 2, "neither claim rewrote it")

        // Another job still running is due for its check after both kinds of claim, and for nothing else.
        let other = jobs[2].with {
            $0.status = .running
            $0.submission = .accepted
            $0.provider = "volcengine-ark"
            $0.nextCheckAt = now.addingTimeInterval(-5)
        }
        _ = try await store.insert(other, events: [])
        #expect(try await store.claimDueArchives(dueBy: lease, limit: 10, leaseUntil: lease).map(\.id) == [archiving.id, checking.id])
        #expect(try await store.claimDueForCheck(dueBy: now, limit: 10, leaseUntil: lease).map(\.job.id) == [other.id])
    }

    /// Every target, the tenant filters, the strict cutoff, order (oldest finish first, ties by id) and limit; jobs
    /// that are not finished are never selected, and updates keep the selection in step.
    static func retentionCandidates(_ store: any JobStore) async throws {
        let base = Date().addingTimeInterval(-1000)
        let at = { (seconds: Double) in base.addingTimeInterval(seconds + 0.000_25) }
        let jobs = (0..<13).map { index in
            let tenant = [0, 1, 2, 7, 8, 9, 11].contains(index) ? "acme" : [3, 4, 10].contains(index) ? "globex" : "initech"
            return JobFixtures.job(tenant: tenant, createdAt: base.addingTimeInterval(Double(index)))
        }
        func finished(_ job: Job, _ status: JobStatus, at seconds: Double, key: String? = nil) -> Job {
            job.with {
                $0.status = status
                $0.finishedAt = at(seconds)
                $0.updatedAt = at(seconds)
                $0.idempotencyKey = key
            }
        }
        let states = [
            JobFixtures.succeeded(jobs[0], finishedAt: at(10), archive: ArchiveState(phase: .archived)).with { $0.idempotencyKey = "k0" },
            JobFixtures.succeeded(jobs[1], finishedAt: at(20), archive: ArchiveState(phase: .deleted)),
            finished(jobs[2], .failed, at: 30, key: "k2"),
            JobFixtures.succeeded(jobs[3], finishedAt: at(5), archive: ArchiveState()).with { $0.idempotencyKey = "k3" },
            JobFixtures.succeeded(jobs[4], finishedAt: at(40), archive: nil),
            finished(jobs[5], .cancelled, at: 15),
            // Not finished: queued with a key, and running with a finish time it should not have.
            jobs[6].with { $0.idempotencyKey = "k6" },
            finished(jobs[7], .running, at: 1, key: "k7"),
            // Exactly at the cutoff: not before it.
            finished(jobs[8], .expired, at: 50),
            JobFixtures.succeeded(jobs[9], finishedAt: at(25), archive: ArchiveState(phase: .failed)),
            // Finished at the same time as jobs[1]: after it, by id.
            finished(jobs[10], .cancelled, at: 20),
            // After the cutoff.
            JobFixtures.succeeded(jobs[11], finishedAt: at(60), archive: ArchiveState(phase: .archived)).with { $0.idempotencyKey = "k11" },
            // A media-holding job of a tenant excluded below.
            JobFixtures.succeeded(jobs[12], finishedAt: at(12), archive: ArchiveState(phase: .pending)),
        ]
        for job in states { _ = try await store.insert(job, events: []) }
        let cutoff = at(50)
        func ids(_ target: RetentionQuery.Target, tenant: String? = nil, excluding: [String] = [], before: Date = cutoff, limit: Int = 100)
            async throws -> [Int]
        {
            let query = RetentionQuery(target: target, tenant: tenant, excludingTenants: excluding, finishedBefore: before, limit: limit)
            let found = try await store.retentionCandidates(query)
            for job in found { #expect(query.matches(job), "\(query.target) selected \(job.id), which it does not match") }
            return found.map { job in jobs.firstIndex { $0.id == job.id } ?? -1 }
        }

        #expect(try await ids(.record) == [3, 0, 12, 5, 1, 10, 9, 2, 4], "oldest finish first, ties by id, strictly before the cutoff")
        #expect(try await ids(.record, before: cutoff.addingTimeInterval(0.001)) == [3, 0, 12, 5, 1, 10, 9, 2, 4, 8])
        #expect(try await ids(.record, before: at(5)).isEmpty)
        #expect(try await ids(.media) == [3, 0, 12, 9], "succeeded jobs whose archive is pending, archived or failed")
        #expect(try await ids(.idempotencyKey) == [3, 0, 2])
        #expect(try await ids(.record, tenant: "acme") == [0, 1, 9, 2])
        #expect(try await ids(.media, tenant: "acme") == [0, 9])
        #expect(try await ids(.idempotencyKey, tenant: "globex") == [3])
        #expect(try await ids(.record, tenant: "umbrella").isEmpty)
        #expect(try await ids(.record, excluding: ["acme"]) == [3, 12, 5, 10, 4])
        #expect(try await ids(.record, excluding: ["acme", "initech"]) == [3, 10, 4])
        #expect(try await ids(.media, excluding: ["initech"]) == [3, 0, 9])
        #expect(try await ids(.record, tenant: "acme", excluding: ["acme"]) == [0, 1, 9, 2], "a named tenant ignores the exclusions")
        #expect(try await ids(.record, limit: 3) == [3, 0, 12])
        #expect(try await ids(.record, limit: 0).isEmpty)
        #expect(try await ids(.record, limit: -1).isEmpty)
        let query = RetentionQuery(target: .record, tenant: "globex", finishedBefore: cutoff, limit: 1)
        #expect(try await store.retentionCandidates(query) == [states[3].with { $0.version = 1 }])

        // Updates keep the selection in step: media removed, an idempotency key dropped, a job finishing.
        let removed = states[0].with { $0.output?.archive = ArchiveState(phase: .deleted) }
        _ = try #require(try await store.update(removed, expecting: 1, events: []))
        let forgotten = states[2].with { $0.idempotencyKey = nil }
        _ = try #require(try await store.update(forgotten, expecting: 1, events: []))
        let done = JobFixtures.succeeded(states[6], finishedAt: at(2), archive: ArchiveState(phase: .archived))
        _ = try #require(try await store.update(done, expecting: 1, events: []))
        #expect(try await ids(.media) == [6, 3, 12, 9])
        #expect(try await ids(.idempotencyKey) == [6, 3, 0])
        #expect(try await ids(.record, tenant: "initech") == [6, 12, 5])
    }

    /// Deleting a job removes it with its events and deliveries, and nothing else; deleting again (or an unknown
    /// job) is fine, and the job's idempotency key is free again.
    static func deleteJob(_ store: any JobStore) async throws {
        let now = Date()
        let queued = JobFixtures.job(createdAt: now.addingTimeInterval(-60), idempotencyKey: "k-delete")
        let doomed = JobFixtures.succeeded(queued, finishedAt: now.addingTimeInterval(-30), archive: ArchiveState())
        let kept = JobFixtures.job(createdAt: now.addingTimeInterval(-50), idempotencyKey: "k-keep")
        let hooks = ["https://a.example/hook", "https://b.example/hook"]
        _ = try await store.insert(queued, events: [JobEvent.statusChanged(queued, at: now, webhookURLs: hooks)])
        let done = JobEvent.statusChanged(doomed, at: now, webhookURLs: hooks)
        _ = try #require(try await store.update(doomed, expecting: 1, events: [done]))
        let keptEvents = [JobEvent.statusChanged(kept, at: now, webhookURLs: hooks)]
        let storedKept = try await store.insert(kept, events: keptEvents)
        #expect(try await store.deliveries(jobID: doomed.id).count == 4)
        let keptDeliveries = try await store.deliveries(jobID: kept.id)
        #expect(keptDeliveries.count == 2)

        try await store.deleteJob(doomed.id)
        #expect(try await store.job(id: doomed.id) == nil)
        #expect(try await store.events(jobID: doomed.id).isEmpty)
        #expect(try await store.deliveries(jobID: doomed.id).isEmpty)
        #expect(try await store.job(tenant: doomed.tenant, idempotencyKey: "k-delete") == nil)
        #expect(try await store.list(JobQuery()).jobs.map(\.id) == [kept.id])
        #expect(try await store.claimDueArchives(dueBy: now, limit: 10, leaseUntil: now.addingTimeInterval(30)).isEmpty)
        #expect(try await store.retentionCandidates(RetentionQuery(target: .record, tenant: nil, finishedBefore: now, limit: 10)).isEmpty)

        #expect(try await store.job(id: kept.id) == storedKept)
        #expect(try await store.events(jobID: kept.id) == keptEvents)
        #expect(try await store.deliveries(jobID: kept.id) == keptDeliveries)
        let lease = now.addingTimeInterval(30)
        let claimed = try await store.claimDueDeliveries(dueBy: now.addingTimeInterval(1), limit: 10, leaseUntil: lease)
        #expect(claimed.map(\.delivery.jobID) == [kept.id, kept.id], "the deleted job's deliveries are not sent")

        try await store.deleteJob(doomed.id)
        try await store.deleteJob(JobID.generate())
        #expect(try await store.job(id: kept.id) == storedKept)

        let reused = JobFixtures.job(idempotencyKey: "k-delete")
        _ = try await store.insert(reused, events: [])
        #expect(try await store.job(tenant: reused.tenant, idempotencyKey: "k-delete")?.id == reused.id)
        await #expect(throws: JobStoreError.duplicateIdempotencyKey) {
            try await store.insert(JobFixtures.job(idempotencyKey: "k-keep"), events: [])
        }
    }
}

extension JobFixtures {
    /// `job` as a provider finished it successfully at `finishedAt`, with `archive` as its archive state.
    static func succeeded(_ job: Job, finishedAt: Date, archive: ArchiveState?) -> Job {
        job.with {
            $0.status = .succeeded
            $0.submission = .accepted
            $0.provider = "volcengine-ark"
            $0.upstream = UpstreamRef(taskID: "task-\($0.id)", status: "succeeded")
            $0.nextCheckAt = nil
            $0.startedAt = $0.startedAt ?? $0.createdAt
            $0.finishedAt = finishedAt
            $0.updatedAt = finishedAt
            $0.output = JobOutput(videoURL: "https://cdn.example.com/\($0.id).mp4")
            $0.output?.archive = archive
        }
    }

    /// Jobs as a database made before the archive columns holds them (version 1), for the upgrade tests: one failed
    /// with an idempotency key, one succeeded and archived, one succeeded with an archive retry due 40 s before `now`,
    /// and one still running with a check due; finished 100.25, 70.5 and 50.75 s before `now`.
    static func storedBeforeArchiveColumns(now: Date) -> (failed: Job, archived: Job, pending: Job, running: Job) {
        let jobs = JobFixtures.jobs(4, from: now.addingTimeInterval(-200))
        let failed = jobs[0].with {
            $0.status = .failed
            $0.submission = .abandoned
            $0.idempotencyKey = "k-old"
            $0.finishedAt = now.addingTimeInterval(-100.25)
            $0.updatedAt = now.addingTimeInterval(-100.25)
            $0.version = 1
        }
        let archived = succeeded(jobs[1], finishedAt: now.addingTimeInterval(-70.5), archive: ArchiveState(phase: .archived))
        let retry = ArchiveState(phase: .pending, attempts: 1, nextAttemptAt: now.addingTimeInterval(-40))
        let pending = succeeded(jobs[2], finishedAt: now.addingTimeInterval(-50.75), archive: retry)
        let running = jobs[3].with {
            $0.status = .running
            $0.submission = .accepted
            $0.provider = "volcengine-ark"
            $0.upstream = UpstreamRef(taskID: "task-\($0.id)", status: nil)
            $0.nextCheckAt = now.addingTimeInterval(-5)
            $0.version = 1
        }
        return (failed, archived.with { $0.version = 1 }, pending.with { $0.version = 1 }, running)
    }
}

@Suite struct JobStoreArchiveTests {
    @Test(arguments: StoreBackend.allCases)
    func claimDueArchives(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.claimDueArchives)
    }

    @Test(arguments: StoreBackend.allCases)
    func checkAndArchiveClaimsAreIndependent(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.checkAndArchiveClaimsAreIndependent)
    }

    @Test(arguments: StoreBackend.allCases)
    func retentionCandidates(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.retentionCandidates)
    }

    @Test(arguments: StoreBackend.allCases)
    func deleteJob(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.deleteJob)
    }
}
