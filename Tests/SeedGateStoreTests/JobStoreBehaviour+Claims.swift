import Foundation
import SeedGateCore
import Testing

/// Status-check claims, open-job counts and stuck submissions.
extension JobStoreBehaviour {
    /// A claim takes the due checks most overdue first, leases them without rewriting them (same version, same next
    /// check), reports when each was due, and does not hand them out again until the lease has passed or the job is
    /// next written.
    static func claimDueForCheck(_ store: any JobStore) async throws {
        let now = Date()
        let jobs = JobFixtures.jobs(4, from: now.addingTimeInterval(-100))
        func accepted(_ job: Job, checkIn seconds: Double, status: JobStatus = .running) -> Job {
            job.with {
                $0.status = status
                $0.submission = .accepted
                $0.provider = "volcengine-ark"
                $0.nextCheckAt = now.addingTimeInterval(seconds)
            }
        }
        let states = [
            accepted(jobs[0], checkIn: -1), accepted(jobs[1], checkIn: -20), accepted(jobs[2], checkIn: 10),
            accepted(jobs[3], checkIn: -50, status: .succeeded),
        ]
        for job in states { _ = try await store.insert(job, events: []) }
        let lease = now.addingTimeInterval(30)

        let first = try await store.claimDueForCheck(dueBy: now, limit: 1, leaseUntil: lease)
        #expect(first == [ClaimedCheck(job: states[1].with { $0.version = 1 }, dueAt: states[1].nextCheckAt)])
        let rest = try await store.claimDueForCheck(dueBy: now, limit: 10, leaseUntil: lease)
        #expect(rest.map(\.job.id) == [jobs[0].id])
        #expect(rest.first?.dueAt == states[0].nextCheckAt)
        #expect(try await store.claimDueForCheck(dueBy: now, limit: 10, leaseUntil: lease).isEmpty, "leased checks are not claimed twice")
        #expect(try await store.job(id: jobs[0].id) == rest.first?.job)
        #expect(try await store.jobsDueForCheck(dueBy: now, limit: 10).isEmpty)

        // The lease ends: the two leased jobs and the one that became due are claimed again, in due order.
        let later = lease.addingTimeInterval(1)
        let again = try await store.claimDueForCheck(dueBy: later, limit: 10, leaseUntil: later.addingTimeInterval(30))
        #expect(again.map(\.job.id) == [jobs[1].id, jobs[0].id, jobs[2].id], "by when each check was due")
        #expect(again.map(\.job.version) == [1, 1, 1], "a claim does not rewrite the job")
        #expect(try await store.claimDueForCheck(dueBy: later, limit: 0, leaseUntil: later).isEmpty)

        // Writing a leased job ends its lease: it is due again at its (new) next check.
        let written = try await store.update(states[0].with { $0.nextCheckAt = later }, expecting: 1, events: [])
        #expect(written?.version == 2, "a claim is not a write: the worker's compare-and-set still holds")
        #expect(try await store.jobsDueForCheck(dueBy: later, limit: 10).map(\.id) == [jobs[0].id])
    }

    /// Unfinished jobs counted per status; finished ones and statuses without jobs are left out.
    static func openJobCounts(_ store: any JobStore) async throws {
        #expect(try await store.openJobCounts() == [:])
        let jobs = JobFixtures.jobs(6)
        let statuses: [JobStatus] = [.queued, .queued, .running, .succeeded, .failed, .cancelled]
        for (job, status) in zip(jobs, statuses) { _ = try await store.insert(job.with { $0.status = status }, events: []) }
        #expect(try await store.openJobCounts() == [.queued: 2, .running: 1])
    }

    /// Jobs left in `submitting` since before the cutoff, oldest first.
    static func jobsStuckSubmitting(_ store: any JobStore) async throws {
        let now = Date()
        let jobs = JobFixtures.jobs(4, from: now.addingTimeInterval(-100))
        let states = [
            jobs[0].with {
                $0.submission = .submitting
                $0.updatedAt = now.addingTimeInterval(-60)
            },
            jobs[1].with {
                $0.submission = .submitting
                $0.updatedAt = now.addingTimeInterval(-5)
            },
            jobs[2].with {
                $0.submission = .submitting
                $0.updatedAt = now.addingTimeInterval(-90)
            },
            jobs[3].with { $0.updatedAt = now.addingTimeInterval(-90) },
        ]
        for job in states.reversed() { _ = try await store.insert(job, events: []) }
        let cutoff = now.addingTimeInterval(-30)
        #expect(try await store.jobsStuckSubmitting(updatedBefore: cutoff, limit: 10).map(\.id) == [jobs[0].id, jobs[2].id])
        #expect(try await store.jobsStuckSubmitting(updatedBefore: cutoff, limit: 1).map(\.id) == [jobs[0].id])
        #expect(try await store.jobsStuckSubmitting(updatedBefore: now, limit: 10).count == 3)
    }
}

@Suite struct JobStoreClaimTests {
    @Test(arguments: StoreBackend.allCases)
    func claimDueForCheck(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.claimDueForCheck)
    }

    @Test(arguments: StoreBackend.allCases)
    func openJobCounts(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.openJobCounts)
    }

    @Test(arguments: StoreBackend.allCases)
    func jobsStuckSubmitting(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.jobsStuckSubmitting)
    }
}
