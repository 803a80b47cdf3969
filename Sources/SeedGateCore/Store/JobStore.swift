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
    /// The same within one lane (`Job.lane`); nil reads the waiting jobs that are in no lane.
    func jobsAwaitingSubmission(in lane: ProviderModel?, dueBy: Date, limit: Int) async throws -> [Job]
    /// Jobs a provider accepted whose `nextCheckAt` is not after `dueBy` and that no unexpired claim holds, most
    /// overdue first.
    func jobsDueForCheck(dueBy: Date, limit: Int) async throws -> [Job]
    /// Claims up to `limit` due jobs for a status check: each gets a lease until `leaseUntil`, so no other worker or
    /// replica checks it meanwhile. The lease is the store's own bookkeeping, not job state: the job is not rewritten
    /// (its version stays), and the next write of the job ends the lease. Returns the jobs with the time each was due
    /// (for poll-lag measurement).
    func claimDueForCheck(dueBy: Date, limit: Int, leaseUntil: Date) async throws -> [ClaimedCheck]
    /// How many unfinished jobs there are in each status (`queued`, `running`).
    func openJobCounts() async throws -> [JobStatus: Int]
    /// Jobs left in `submitting` since before `updatedBefore` (their process died mid-create), oldest first.
    func jobsStuckSubmitting(updatedBefore: Date, limit: Int) async throws -> [Job]
    /// Jobs whose create outcome is unconfirmed and whose window for a provider callback ended by `expiredBy`
    /// (their `dueAt`), earliest first.
    func jobsUnconfirmed(expiredBy: Date, limit: Int) async throws -> [Job]
    /// Events recorded for a job, oldest first.
    func events(jobID: JobID) async throws -> [JobEvent]
    /// Throws when the store cannot be reached.
    func ping() async throws

    /// The tenant's job created with this idempotency key, if any.
    func job(tenant: String, idempotencyKey: String) async throws -> Job?
    /// The job whose provider callbacks carry this token, if any.
    func job(callbackToken: String) async throws -> Job?
    /// The job that tracks `provider`'s task `upstreamTaskID`, if any.
    func job(provider: ProviderID, upstreamTaskID: String) async throws -> Job?
    /// How many jobs waiting for submission were created before this one (0 = next in line).
    func queuePosition(of id: JobID) async throws -> Int
    /// How many jobs of `lane` waiting for submission were created before this one (0 = next in its lane).
    func queuePosition(of id: JobID, in lane: ProviderModel) async throws -> Int
    /// Tasks handed to or held by each provider for each model and not yet finished (for concurrency limits).
    func inFlightCounts() async throws -> [ProviderModel: Int]
    /// The same, counting only jobs whose spec asks for `resolution` (for limits of their own at a resolution,
    /// such as Seedance 2.0 at 4k).
    func inFlightCounts(resolution: String) async throws -> [ProviderModel: Int]

    /// Takes up to `limit` pending deliveries that are due, pushing their next attempt to `leaseUntil` so no other
    /// worker takes them meanwhile.
    func claimDueDeliveries(dueBy: Date, limit: Int, leaseUntil: Date) async throws -> [ClaimedDelivery]
    /// Records the outcome of an attempt on a claimed delivery.
    func recordDeliveryAttempt(_ id: String, at: Date, outcome: DeliveryOutcome) async throws
    /// A job's webhook deliveries, oldest first.
    func deliveries(jobID: JobID) async throws -> [WebhookDelivery]

    /// Claims up to `limit` jobs whose `archiveDueAt` is not after `dueBy` and that no unexpired archive claim holds,
    /// most overdue first: each gets an archive lease until `leaseUntil` (the store's own bookkeeping, like a check
    /// claim: the job's version stays, and its next write ends the lease).
    func claimDueArchives(dueBy: Date, limit: Int, leaseUntil: Date) async throws -> [Job]
    /// Finished jobs that a retention rule applies to, oldest finish first (see `RetentionQuery`).
    func retentionCandidates(_ query: RetentionQuery) async throws -> [Job]
    /// Removes a job with its events and webhook deliveries (retention). Removing a missing job is not an error.
    func deleteJob(_ id: JobID) async throws
}

/// Which finished jobs a retention rule applies to: those of `tenant` (nil: of every tenant not in
/// `excludingTenants`) that finished before `finishedBefore` and still hold what `target` removes.
public struct RetentionQuery: Sendable, Equatable {
    public enum Target: String, Sendable {
        /// Succeeded jobs whose `output.archive` is not `deleted` (its phase is pending, archived or failed).
        case media
        /// Every finished job (the record itself).
        case record
        /// Finished jobs that still carry an idempotency key.
        case idempotencyKey = "idempotency_key"
    }

    public var target: Target
    public var tenant: String?
    public var excludingTenants: [String]
    public var finishedBefore: Date
    public var limit: Int

    public init(target: Target, tenant: String?, excludingTenants: [String] = [], finishedBefore: Date, limit: Int) {
        self.target = target
        self.tenant = tenant
        self.excludingTenants = excludingTenants
        self.finishedBefore = finishedBefore
        self.limit = limit
    }

    /// Whether `job` is one the query selects (the in-memory store's filter; the database stores say the same in SQL).
    public func matches(_ job: Job) -> Bool {
        guard job.status.isTerminal, let finished = job.finishedAt, finished < finishedBefore else { return false }
        if let tenant { guard job.tenant == tenant else { return false } } else if excludingTenants.contains(job.tenant) { return false }
        switch target {
        case .media: return job.status == .succeeded && job.output?.archive.map { $0.phase != .deleted } == true
        case .record: return true
        case .idempotencyKey: return job.idempotencyKey != nil
        }
    }
}

/// A job claimed for a status check, and when that check was due.
public struct ClaimedCheck: Sendable, Equatable {
    public var job: Job
    public var dueAt: Date?

    public init(job: Job, dueAt: Date?) {
        self.job = job
        self.dueAt = dueAt
    }
}

/// Errors every store reports the same way.
public enum JobStoreError: Error, Sendable, Equatable {
    /// The tenant already created a job with this idempotency key.
    case duplicateIdempotencyKey
}

/// A (provider, model) pair, the unit of provider limits.
public struct ProviderModel: Hashable, Sendable {
    public var provider: ProviderID
    public var model: String

    public init(provider: ProviderID, model: String) {
        self.provider = provider
        self.model = model
    }
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

/// A state change worth telling the client about (`job.running`, `job.succeeded`, …), kept in the outbox with
/// the job as it was at that moment (the webhook payload) and the endpoints it must reach.
public struct JobEvent: Sendable, Codable, Equatable {
    public var id: String
    public var jobID: JobID
    public var type: String
    public var status: JobStatus
    public var at: Date
    /// The job as it was when the event happened.
    public var job: Job?
    /// Webhook endpoints to deliver this event to; the store creates one delivery per URL with the event.
    public var webhookURLs: [String]

    public init(id: String, jobID: JobID, type: String, status: JobStatus, at: Date, job: Job? = nil, webhookURLs: [String] = []) {
        self.id = id
        self.jobID = jobID
        self.type = type
        self.status = status
        self.at = at
        self.job = job
        self.webhookURLs = webhookURLs
    }

    public static func statusChanged(_ job: Job, at date: Date, webhookURLs: [String] = []) -> JobEvent {
        JobEvent(
            id: "evt_" + String(JobID.generate(at: date).rawValue.dropFirst(JobID.prefix.count)),
            jobID: job.id, type: "job.\(job.status.rawValue)", status: job.status, at: date, job: job, webhookURLs: webhookURLs
        )
    }

    /// `job.archived` or `job.archive_failed`, after the archive of a succeeded job ended.
    public static func archiveChanged(_ job: Job, at date: Date, webhookURLs: [String] = []) -> JobEvent {
        let type = job.output?.archive?.phase == .archived ? "job.archived" : "job.archive_failed"
        return JobEvent(
            id: "evt_" + String(JobID.generate(at: date).rawValue.dropFirst(JobID.prefix.count)),
            jobID: job.id, type: type, status: job.status, at: date, job: job, webhookURLs: webhookURLs
        )
    }

    enum CodingKeys: String, CodingKey { case id, jobID, type, status, at, job, webhookURLs }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        jobID = try container.decode(JobID.self, forKey: .jobID)
        type = try container.decode(String.self, forKey: .type)
        status = try container.decode(JobStatus.self, forKey: .status)
        at = try container.decode(Date.self, forKey: .at)
        job = try container.decodeIfPresent(Job.self, forKey: .job)
        webhookURLs = try container.decodeIfPresent([String].self, forKey: .webhookURLs) ?? []
    }
}
