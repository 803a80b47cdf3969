import Foundation
import SeedGateCore
import Testing

/// What every `JobStore` must do, written against the protocol only so any backend can run it.
/// Each check starts from an empty store and records failures with `#expect`/`#require`.
enum JobStoreBehaviour {
    /// A stored job reads back equal to what was inserted, every field and date included.
    static func insertAndGet(_ store: any JobStore) async throws {
        for original in [JobFixtures.job(), JobFixtures.detailed()] {
            var expected = original
            expected.version = 1
            let inserted = try await store.insert(original, events: [])
            #expect(inserted == expected)
            let fetched = try #require(try await store.job(id: original.id))
            #expect(fetched == expected)
        }
        #expect(try await store.job(id: JobID.generate()) == nil)
    }

    /// Insert stores version 1 whatever version the job carries.
    static func insertSetsVersionOne(_ store: any JobStore) async throws {
        let job = JobFixtures.job().with { $0.version = 7 }
        #expect(try await store.insert(job, events: []).version == 1)
        #expect(try await store.job(id: job.id)?.version == 1)
    }

    /// Update is compare-and-set: a stale or unknown version writes nothing and returns nil.
    static func compareAndSet(_ store: any JobStore) async throws {
        let inserted = try await store.insert(JobFixtures.job(), events: [])
        let running = inserted.with {
            $0.status = .running
            $0.provider = "volcengine-ark"
        }
        let saved = try #require(try await store.update(running, expecting: 1, events: []))
        #expect(saved == running.with { $0.version = 2 })
        #expect(try await store.job(id: inserted.id) == saved)

        let staleChange = inserted.with { $0.status = .cancelled }
        let staleEvent = JobFixtures.event(staleChange)
        #expect(try await store.update(staleChange, expecting: 1, events: [staleEvent]) == nil)
        #expect(try await store.update(staleChange, expecting: 3, events: [staleEvent]) == nil)
        #expect(try await store.job(id: inserted.id) == saved)
        #expect(try await store.events(jobID: inserted.id).isEmpty)

        // The version the job value carries is ignored; only `expecting` counts.
        let again = try #require(try await store.update(saved.with { $0.version = 99 }, expecting: 2, events: []))
        #expect(again.version == 3)
        #expect(try await store.job(id: inserted.id)?.version == 3)

        let unknown = JobFixtures.job()
        #expect(try await store.update(unknown, expecting: 1, events: [JobFixtures.event(unknown)]) == nil)
        #expect(try await store.job(id: unknown.id) == nil)
        #expect(try await store.events(jobID: unknown.id).isEmpty)
    }

    /// Of several writers racing with the same expected version, exactly one wins.
    static func concurrentCompareAndSet(_ store: any JobStore) async throws {
        let inserted = try await store.insert(JobFixtures.job(), events: [])
        let winners = try await withThrowingTaskGroup(of: Int?.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    let change = inserted.with { $0.metadata = ["writer": "\(writer)"] }
                    return try await store.update(change, expecting: 1, events: [JobFixtures.event(change)]) == nil ? nil : writer
                }
            }
            return try await group.reduce(into: [Int]()) { if let writer = $1 { $0.append(writer) } }
        }
        #expect(winners.count == 1)
        let stored = try #require(try await store.job(id: inserted.id))
        #expect(stored.version == 2)
        #expect(stored.metadata == ["writer": "\(winners.first ?? -1)"])
        #expect(try await store.events(jobID: inserted.id).count == 1)
    }

    /// Events written with insert and updates read back oldest first, per job, dates exact.
    static func eventsInOrder(_ store: any JobStore) async throws {
        let start = Date()
        let job = JobFixtures.job(createdAt: start)
        let other = JobFixtures.job(createdAt: start)
        let queued = JobFixtures.event(job, at: start)
        _ = try await store.insert(job, events: [queued])
        _ = try await store.insert(other, events: [JobFixtures.event(other, at: start)])
        #expect(try await store.events(jobID: job.id) == [queued])

        let running = job.with { $0.status = .running }
        let runningEvent = JobFixtures.event(running, at: start.addingTimeInterval(1.000_5))
        _ = try #require(try await store.update(running, expecting: 1, events: [runningEvent]))
        _ = try #require(try await store.update(running, expecting: 2, events: []))
        let done = running.with { $0.status = .succeeded }
        let doneEvents = [
            JobFixtures.event(done, at: start.addingTimeInterval(2.25)),
            JobEvent(id: "evt_custom", jobID: job.id, type: "job.output_ready", status: .succeeded, at: start.addingTimeInterval(2.5)),
        ]
        _ = try #require(try await store.update(done, expecting: 3, events: doneEvents))

        #expect(try await store.events(jobID: job.id) == [queued, runningEvent] + doneEvents)
        #expect(try await store.events(jobID: other.id).map(\.jobID) == [other.id])
        #expect(try await store.events(jobID: JobID.generate()).isEmpty)
    }

    /// An update changes every field the store queries on, not only the stored body.
    static func updateRefreshesQueriedFields(_ store: any JobStore) async throws {
        let now = Date()
        let inserted = try await store.insert(JobFixtures.job(createdAt: now.addingTimeInterval(-60)), events: [])
        #expect(try await store.jobsAwaitingSubmission(dueBy: now, limit: 10).map(\.id) == [inserted.id])

        let accepted = inserted.with {
            $0.status = .running
            $0.submission = .accepted
            $0.provider = "byteplus-modelark"
            $0.upstream = UpstreamRef(taskID: "task-1", status: "running")
            $0.nextCheckAt = now.addingTimeInterval(-1)
        }
        _ = try #require(try await store.update(accepted, expecting: 1, events: []))
        #expect(try await store.jobsAwaitingSubmission(dueBy: now, limit: 10).isEmpty)
        #expect(try await store.jobsDueForCheck(dueBy: now, limit: 10).map(\.id) == [inserted.id])
        #expect(try await store.list(JobQuery(status: .running)).jobs.map(\.id) == [inserted.id])
        #expect(try await store.list(JobQuery(status: .queued)).jobs.isEmpty)
        #expect(try await store.list(JobQuery(provider: "byteplus-modelark")).jobs.map(\.id) == [inserted.id])

        let later = accepted.with { $0.nextCheckAt = now.addingTimeInterval(30) }
        _ = try #require(try await store.update(later, expecting: 2, events: []))
        #expect(try await store.jobsDueForCheck(dueBy: now, limit: 10).isEmpty)
        #expect(try await store.jobsDueForCheck(dueBy: now.addingTimeInterval(30), limit: 10).map(\.id) == [inserted.id])
    }

    /// A reachable store answers ping.
    static func ping(_ store: any JobStore) async throws {
        try await store.ping()
    }
}
