import Foundation
import SeedGateCore
import Testing

/// Listing and the two work queues.
extension JobStoreBehaviour {
    /// Inserts `jobs` in an order unrelated to their age, so ordering must come from the store.
    private static func insertShuffled(_ jobs: [Job], into store: any JobStore) async throws {
        let scrambled = jobs.enumerated().sorted { ($0.offset * 7) % 11 < ($1.offset * 7) % 11 }.map(\.element)
        for job in scrambled { _ = try await store.insert(job, events: []) }
    }

    /// List returns the newest jobs first and honours its limit.
    static func listNewestFirst(_ store: any JobStore) async throws {
        let jobs = JobFixtures.jobs(6)
        try await insertShuffled(jobs, into: store)
        let page = try await store.list(JobQuery())
        #expect(page.jobs.map(\.id) == jobs.reversed().map(\.id))
        #expect(page.jobs.allSatisfy { $0.version == 1 })
        #expect(page.next == nil)

        let limited = try await store.list(JobQuery(limit: 4))
        #expect(limited.jobs.map(\.id) == jobs.reversed().prefix(4).map(\.id))
        #expect(limited.next == jobs[2].id)
        #expect(try await store.list(JobQuery(limit: 6)).next == nil)
    }

    /// Each filter, alone and combined, selects exactly the matching jobs.
    static func listFilters(_ store: any JobStore) async throws {
        let start = Date()
        let statuses: [JobStatus] = [.queued, .running, .succeeded, .failed]
        let jobs: [Job] = (0..<12).map { (index: Int) -> Job in
            let tenant = index % 2 == 0 ? "acme" : "globex"
            let model = index % 3 == 0 ? "seedance-1.0-lite" : JobFixtures.model
            let provider: ProviderID? = index % 4 == 0 ? nil : (index % 5 == 0 ? "byteplus-modelark" : "volcengine-ark")
            var job = JobFixtures.job(tenant: tenant, model: model, createdAt: start.addingTimeInterval(Double(index)))
            job.status = statuses[index % 4]
            job.provider = provider
            return job
        }
        try await insertShuffled(jobs, into: store)
        func check(_ query: JobQuery, _ expected: (Job) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let listed = try await store.list(query).jobs.map(\.id)
            let wanted = jobs.filter(expected).sorted { $0.id > $1.id }.map(\.id)
            #expect(!wanted.isEmpty, "fixture should match something", sourceLocation: sourceLocation)
            #expect(listed == wanted, sourceLocation: sourceLocation)
        }
        try await check(JobQuery(tenant: "globex")) { $0.tenant == "globex" }
        try await check(JobQuery(status: .running)) { $0.status == .running }
        try await check(JobQuery(model: "seedance-1.0-lite")) { $0.model == "seedance-1.0-lite" }
        try await check(JobQuery(provider: "byteplus-modelark")) { $0.provider == "byteplus-modelark" }
        try await check(JobQuery(provider: "volcengine-ark")) { $0.provider == "volcengine-ark" }
        try await check(JobQuery(tenant: "acme", status: .succeeded)) { $0.tenant == "acme" && $0.status == .succeeded }
        try await check(JobQuery(tenant: "globex", model: JobFixtures.model, provider: "volcengine-ark")) {
            $0.tenant == "globex" && $0.model == JobFixtures.model && $0.provider == "volcengine-ark"
        }
        try await check(JobQuery(after: jobs[7].id)) { $0.id < jobs[7].id }
        #expect(try await store.list(JobQuery(tenant: "nobody")) == JobPage(jobs: [], next: nil))
        #expect(try await store.list(JobQuery(tenant: "acme", status: .running)).jobs.isEmpty)
    }

    /// Paging with `after` visits every job exactly once, newest first, and ends with `next == nil`.
    static func cursorPaging(_ store: any JobStore) async throws {
        let jobs = JobFixtures.jobs(25)
        try await insertShuffled(jobs, into: store)
        _ = try await store.insert(JobFixtures.job(tenant: "other"), events: [])
        var pages: [JobPage] = []
        var cursor: JobID?
        repeat {
            let page = try await store.list(JobQuery(tenant: "acme", limit: 10, after: cursor))
            pages.append(page)
            cursor = page.next
        } while cursor != nil && pages.count < 5
        #expect(pages.map(\.jobs.count) == [10, 10, 5])
        #expect(pages.map { $0.next == nil } == [false, false, true])
        #expect(pages.first?.next == pages.first?.jobs.last?.id)
        #expect(pages.flatMap(\.jobs).map(\.id) == jobs.reversed().map(\.id))
        #expect(Set(pages.flatMap(\.jobs).map(\.id)).count == 25)

        // When the last page is exactly full there is no further cursor.
        let lastFull = try await store.list(JobQuery(tenant: "acme", limit: 10, after: jobs[10].id))
        #expect(lastFull.jobs.count == 10)
        #expect(lastFull.next == nil)
    }

    /// Queued, never-submitted jobs whose retry time has come, oldest first.
    static func awaitingSubmission(_ store: any JobStore) async throws {
        let now = Date()
        let jobs = JobFixtures.jobs(8, from: now.addingTimeInterval(-100))
        let states: [Job] = [
            jobs[0], // due: never tried
            jobs[1].with { $0.submitAfter = now.addingTimeInterval(-5) }, // due: retry time passed
            jobs[2].with { $0.submitAfter = now }, // due: retry time is now
            jobs[3].with { $0.submitAfter = now.addingTimeInterval(5) }, // retry later
            jobs[4].with {
                $0.submission = .submitting
                $0.provider = "volcengine-ark"
            },
            jobs[5].with {
                $0.status = .running
                $0.submission = .accepted
                $0.nextCheckAt = now.addingTimeInterval(-5)
            },
            jobs[6].with {
                $0.status = .cancelled
                $0.submission = .abandoned
            },
            jobs[7].with {
                $0.status = .failed
                $0.submission = .abandoned
                $0.nextCheckAt = now.addingTimeInterval(-5)
            },
        ]
        try await insertShuffled(states, into: store)
        let due = try await store.jobsAwaitingSubmission(dueBy: now, limit: 10)
        #expect(due.map(\.id) == [jobs[0].id, jobs[1].id, jobs[2].id])
        #expect(due == Array(states.prefix(3)).map { $0.with { $0.version = 1 } })
        #expect(try await store.jobsAwaitingSubmission(dueBy: now, limit: 2).map(\.id) == [jobs[0].id, jobs[1].id])
        #expect(try await store.jobsAwaitingSubmission(dueBy: now.addingTimeInterval(-10), limit: 10).map(\.id) == [jobs[0].id])
        #expect(try await store.jobsAwaitingSubmission(dueBy: now, limit: 0).isEmpty)
    }

    /// Accepted, unfinished jobs whose check time has come, most overdue first (not by age).
    static func dueForCheck(_ store: any JobStore) async throws {
        let now = Date()
        let jobs = JobFixtures.jobs(8, from: now.addingTimeInterval(-100))
        func accepted(_ job: Job, _ status: JobStatus, checkIn seconds: Double?) -> Job {
            job.with {
                $0.status = status
                $0.submission = .accepted
                $0.provider = "volcengine-ark"
                $0.upstream = UpstreamRef(taskID: "task-\($0.id)", status: nil)
                $0.nextCheckAt = seconds.map { now.addingTimeInterval($0) }
            }
        }
        let states: [Job] = [
            accepted(jobs[0], .running, checkIn: 0), // due third: exactly now
            accepted(jobs[1], .queued, checkIn: -10), // due second
            accepted(jobs[2], .running, checkIn: -30), // due first, though not the oldest job
            accepted(jobs[3], .running, checkIn: 1), // not yet
            accepted(jobs[4], .running, checkIn: nil), // no check planned
            accepted(jobs[5], .succeeded, checkIn: -100), // finished
            jobs[6].with { $0.nextCheckAt = now.addingTimeInterval(-50) }, // not accepted
            jobs[7].with {
                $0.submission = .submitting
                $0.nextCheckAt = now.addingTimeInterval(-60)
            },
        ]
        try await insertShuffled(states, into: store)
        let due = try await store.jobsDueForCheck(dueBy: now, limit: 10)
        #expect(due.map(\.id) == [jobs[2].id, jobs[1].id, jobs[0].id])
        #expect(due == [states[2], states[1], states[0]].map { $0.with { $0.version = 1 } })
        #expect(try await store.jobsDueForCheck(dueBy: now, limit: 2).map(\.id) == [jobs[2].id, jobs[1].id])
        #expect(try await store.jobsDueForCheck(dueBy: now.addingTimeInterval(-20), limit: 10).map(\.id) == [jobs[2].id])
        #expect(try await store.jobsDueForCheck(dueBy: now.addingTimeInterval(-31), limit: 10).isEmpty)
    }
}
