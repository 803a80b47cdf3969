import Foundation

/// A `JobStore` held in memory, for tests. Same semantics as the database stores.
public actor InMemoryJobStore: JobStore {
    private var jobs: [JobID: Job] = [:]
    private var outbox: [JobEvent] = []

    public init() {}

    public func insert(_ job: Job, events: [JobEvent]) throws -> Job {
        precondition(jobs[job.id] == nil, "duplicate job id")
        var stored = job
        stored.version = 1
        jobs[job.id] = stored
        outbox += events
        return stored
    }

    public func job(id: JobID) -> Job? { jobs[id] }

    public func list(_ query: JobQuery) -> JobPage {
        let rows = jobs.values.filter(query.matches).sorted { $0.id > $1.id }.prefix(query.limit + 1)
        return JobPage(rows: Array(rows), limit: query.limit)
    }

    public func update(_ job: Job, expecting version: Int, events: [JobEvent]) -> Job? {
        guard let current = jobs[job.id], current.version == version else { return nil }
        var stored = job
        stored.version = version + 1
        jobs[job.id] = stored
        outbox += events
        return stored
    }

    public func jobsAwaitingSubmission(dueBy: Date, limit: Int) -> [Job] {
        jobs.values.filter { $0.status == .queued && $0.submission == .pending && ($0.nextCheckAt ?? .distantPast) <= dueBy }
            .sorted { $0.id < $1.id }.prefix(limit).map { $0 }
    }

    public func jobsDueForCheck(dueBy: Date, limit: Int) -> [Job] {
        jobs.values.filter { !$0.status.isTerminal && $0.submission == .accepted && ($0.nextCheckAt ?? .distantFuture) <= dueBy }
            .sorted { ($0.nextCheckAt ?? .distantFuture) < ($1.nextCheckAt ?? .distantFuture) }.prefix(limit).map { $0 }
    }

    public func events(jobID: JobID) -> [JobEvent] { outbox.filter { $0.jobID == jobID } }

    public func ping() {}
}
