import Foundation
import SeedGateCore
import Testing

/// Submission lanes (a waiting job's next provider with its model) and unconfirmed creates, on every store.
extension JobStoreBehaviour {
    static func waitingJobsAreReadLaneByLane(_ store: any JobStore) async throws {
        let base = Date()
        let ark = ProviderModel(provider: "volcengine-ark", model: "seedance-1.5-pro")
        let lite = ProviderModel(provider: "volcengine-ark", model: "seedance-1.0-lite")
        let backup = ProviderModel(provider: "byteplus-modelark", model: "seedance-1.5-pro")
        var inserted: [Job] = []
        for index in 0..<6 {
            var job = JobFixtures.job(model: index.isMultiple(of: 3) ? lite.model : ark.model, createdAt: base.addingTimeInterval(Double(index)))
            job.route = ["volcengine-ark", "byteplus-modelark"]
            inserted.append(try await store.insert(job, events: []))
        }
        // jobs 0 and 3 are lite; 1, 2, 4, 5 are 1.5 pro. Job 2 had a retryable attempt: its next create goes to the
        // route's second provider, so it moves to that lane.
        var failedOver = inserted[2]
        failedOver.attempts.append(Attempt(provider: "volcengine-ark", outcome: .retryable, error: nil, at: base))
        inserted[2] = try #require(try await store.update(failedOver, expecting: failedOver.version, events: []))
        // Job 4 waits for a back-off that has not passed.
        var backingOff = inserted[4]
        backingOff.submitAfter = base.addingTimeInterval(60)
        inserted[4] = try #require(try await store.update(backingOff, expecting: backingOff.version, events: []))

        let now = base.addingTimeInterval(10)
        #expect(try await store.jobsAwaitingSubmission(in: ark, dueBy: now, limit: 10).map(\.id) == [inserted[1].id, inserted[5].id])
        #expect(try await store.jobsAwaitingSubmission(in: ark, dueBy: now, limit: 1).map(\.id) == [inserted[1].id])
        #expect(try await store.jobsAwaitingSubmission(in: ark, dueBy: base.addingTimeInterval(61), limit: 10).count == 3)
        #expect(try await store.jobsAwaitingSubmission(in: lite, dueBy: now, limit: 10).map(\.id) == [inserted[0].id, inserted[3].id])
        #expect(try await store.jobsAwaitingSubmission(in: backup, dueBy: now, limit: 10).map(\.id) == [inserted[2].id])
        #expect(try await store.jobsAwaitingSubmission(in: nil, dueBy: now, limit: 10).isEmpty)
        #expect(try await store.jobsAwaitingSubmission(in: ark, dueBy: now, limit: 0).isEmpty)

        // Positions count only the job's own lane.
        #expect(try await store.queuePosition(of: inserted[5].id, in: ark) == 2, "jobs 1 and 4 (backing off, still waiting)")
        #expect(try await store.queuePosition(of: inserted[3].id, in: lite) == 1)
        #expect(try await store.queuePosition(of: inserted[2].id, in: backup) == 0)
        #expect(try await store.queuePosition(of: inserted[5].id) == 5, "the whole queue")

        // A job handed to a provider leaves its lane; one with an empty route is in no lane.
        var claimed = inserted[1]
        claimed.submission = .submitting
        claimed.provider = "volcengine-ark"
        _ = try #require(try await store.update(claimed, expecting: claimed.version, events: []))
        #expect(try await store.jobsAwaitingSubmission(in: ark, dueBy: now, limit: 10).map(\.id) == [inserted[5].id])
        var unrouted = JobFixtures.job(createdAt: base.addingTimeInterval(7))
        unrouted.route = []
        let orphan = try await store.insert(unrouted, events: [])
        #expect(try await store.jobsAwaitingSubmission(in: nil, dueBy: now, limit: 10).map(\.id) == [orphan.id])
    }

    static func unconfirmedJobsComeDueWhenTheirWindowEnds(_ store: any JobStore) async throws {
        let base = Date()
        var jobs: [Job] = []
        for (index, window) in [30.0, 10.0, 20.0].enumerated() {
            var job = JobFixtures.job(createdAt: base.addingTimeInterval(Double(index)))
            job.provider = "volcengine-ark"
            job.callbackToken = "token-\(index)"
            job.submission = .unconfirmed
            job.unconfirmedUntil = base.addingTimeInterval(window)
            jobs.append(try await store.insert(job, events: []))
        }
        _ = try await store.insert(JobFixtures.job(createdAt: base), events: [])
        #expect(try await store.jobsUnconfirmed(expiredBy: base.addingTimeInterval(5), limit: 10).isEmpty)
        #expect(try await store.jobsUnconfirmed(expiredBy: base.addingTimeInterval(25), limit: 10).map(\.id) == [jobs[1].id, jobs[2].id])
        #expect(try await store.jobsUnconfirmed(expiredBy: base.addingTimeInterval(25), limit: 1).map(\.id) == [jobs[1].id])
        #expect(try await store.jobsAwaitingSubmission(dueBy: base.addingTimeInterval(60), limit: 10).count == 1, "never resubmitted")
        #expect(try await store.jobsDueForCheck(dueBy: base.addingTimeInterval(60), limit: 10).isEmpty, "nothing to poll: no task id")
        #expect(try await store.job(callbackToken: "token-2")?.unconfirmedUntil == jobs[2].unconfirmedUntil)
        var adopted = jobs[1]
        adopted.submission = .accepted
        adopted.unconfirmedUntil = nil
        adopted.upstream = UpstreamRef(taskID: "cgt-1", status: nil)
        adopted.nextCheckAt = base.addingTimeInterval(40)
        _ = try #require(try await store.update(adopted, expecting: adopted.version, events: []))
        #expect(try await store.jobsUnconfirmed(expiredBy: base.addingTimeInterval(60), limit: 10).map(\.id) == [jobs[2].id, jobs[0].id])
        #expect(try await store.jobsDueForCheck(dueBy: base.addingTimeInterval(60), limit: 10).map(\.id) == [jobs[1].id])
    }
}

@Suite struct JobStoreLaneTests {
    @Test(arguments: StoreBackend.allCases)
    func waitingJobsAreReadLaneByLane(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.waitingJobsAreReadLaneByLane)
    }

    @Test(arguments: StoreBackend.allCases)
    func unconfirmedJobsComeDueWhenTheirWindowEnds(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.unconfirmedJobsComeDueWhenTheirWindowEnds)
    }
}

extension JobFixtures {
    /// Jobs as a store made before lanes holds them: one waiting for its first create (lane: the route's first
    /// provider), one waiting after a retryable attempt (lane: the route's second), one already accepted (no lane).
    static func storedBeforeLanes(now: Date) -> (first: Job, second: Job, accepted: Job) {
        var first = job(createdAt: now.addingTimeInterval(-3))
        first.route = ["volcengine-ark", "byteplus-modelark"]
        var second = job(createdAt: now.addingTimeInterval(-2))
        second.route = ["volcengine-ark", "byteplus-modelark"]
        second.attempts = [Attempt(provider: "volcengine-ark", outcome: .retryable, error: nil, at: now.addingTimeInterval(-1))]
        var accepted = job(createdAt: now.addingTimeInterval(-1))
        accepted.submission = .accepted
        accepted.provider = "volcengine-ark"
        accepted.upstream = UpstreamRef(taskID: "cgt-1", status: nil)
        accepted.nextCheckAt = now
        return (first, second, accepted)
    }
}

extension JobStoreBehaviour {
    /// After the upgrade, the waiting jobs of `JobFixtures.storedBeforeLanes` are found in the lanes of their next
    /// provider, and nothing is in no lane.
    static func backfilledLanesAreFound(_ store: any JobStore, first: Job, second: Job, now: Date) async throws {
        let ark = ProviderModel(provider: "volcengine-ark", model: JobFixtures.model)
        let backup = ProviderModel(provider: "byteplus-modelark", model: JobFixtures.model)
        #expect(try await store.jobsAwaitingSubmission(in: ark, dueBy: now, limit: 10).map(\.id) == [first.id])
        #expect(try await store.jobsAwaitingSubmission(in: backup, dueBy: now, limit: 10).map(\.id) == [second.id])
        #expect(try await store.jobsAwaitingSubmission(in: nil, dueBy: now, limit: 10).isEmpty)
        #expect(try await store.queuePosition(of: second.id, in: backup) == 0)
    }
}
