import Foundation

/// Persistence for jobs. Implementations: `InMemoryJobStore` (tests), SQLite (default), PostgreSQL.
/// Every write of an existing job is compare-and-set on `version`; the events of a write are stored with it.
public protocol JobStore: Sendable {
    /// Stores a new job; returns it as stored (version 1).
    func insert(_ job: Job, events: [JobEvent]) async throws -> Job
    func job(id: JobID) async throws -> Job?
    func list(_ query: JobQuery) async throws -> JobPage
    /// Writes `job` if the stored version is still `version`; returns the stored job (version + 1), or nil on conflict.
    func update(_ job: Job, expecting version: Int, events: [JobEvent]) async throws -> Job?
    /// Queued jobs not yet handed to a provider and due for an attempt, oldest first.
    func jobsAwaitingSubmission(dueBy: Date, limit: Int) async throws -> [Job]
    /// Jobs a provider accepted that are due for a status check, most overdue first.
    func jobsDueForCheck(dueBy: Date, limit: Int) async throws -> [Job]
    /// Events recorded for a job, oldest first.
    func events(jobID: JobID) async throws -> [JobEvent]
    /// Throws when the store cannot be reached.
    func ping() async throws
}

/// A filter over jobs, newest first, with an opaque cursor.
public struct JobQuery: Sendable, Equatable {
    public var tenant: String?
    public var status: JobStatus?
    public var model: String?
    public var provider: ProviderID?
    public var limit: Int
    /// The last job of the previous page.
    public var after: JobID?

    public init(
        tenant: String? = nil, status: JobStatus? = nil, model: String? = nil, provider: ProviderID? = nil,
        limit: Int = 20, after: JobID? = nil
    ) {
        self.tenant = tenant
        self.status = status
        self.model = model
        self.provider = provider
        self.limit = limit
        self.after = after
    }

    public func matches(_ job: Job) -> Bool {
        (tenant == nil || job.tenant == tenant) && (status == nil || job.status == status)
            && (model == nil || job.model == model) && (provider == nil || job.provider == provider)
            && (after == nil || job.id < after!)
    }
}

public struct JobPage: Sendable, Equatable {
    public var jobs: [Job]
    /// Set when more jobs may follow.
    public var next: JobID?

    public init(jobs: [Job], next: JobID?) {
        self.jobs = jobs
        self.next = next
    }

    /// Builds a page from up to `limit + 1` rows fetched newest first.
    public init(rows: [Job], limit: Int) {
        self.jobs = Array(rows.prefix(limit))
        self.next = rows.count > limit ? jobs.last?.id : nil
    }
}

/// A state change worth telling the client about (`job.running`, `job.succeeded`, …), kept in the outbox.
public struct JobEvent: Sendable, Codable, Equatable {
    public var id: String
    public var jobID: JobID
    public var type: String
    public var status: JobStatus
    public var at: Date

    public init(id: String, jobID: JobID, type: String, status: JobStatus, at: Date) {
        self.id = id
        self.jobID = jobID
        self.type = type
        self.status = status
        self.at = at
    }

    public static func statusChanged(_ job: Job, at date: Date) -> JobEvent {
        JobEvent(
            id: "evt_" + String(JobID.generate(at: date).rawValue.dropFirst(JobID.prefix.count)),
            jobID: job.id, type: "job.\(job.status.rawValue)", status: job.status, at: date
        )
    }
}
