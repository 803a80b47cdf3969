import Foundation

/// What the engine lets callers read: jobs, their deliveries and place in the queue, and the counts the metrics
/// sampler reports. Reads never change a job.
extension JobService {
    public func list(_ query: JobQuery) async throws -> JobPage {
        try await store.list(query)
    }

    /// The stored copy of a job, as fresh as the store has it (nil once deleted); for followers that already hold
    /// the job and only need to catch up with writes made by other replicas.
    public func latest(_ id: JobID) async throws -> Job? {
        try await store.job(id: id)
    }

    /// How many jobs are ahead of this one in its lane (its next provider and model: jobs of other lanes do not
    /// hold it up); nil when it is not waiting to be submitted.
    public func queuePosition(of job: Job) async throws -> Int? {
        guard job.status == .queued, job.submission == .pending else { return nil }
        guard let lane = job.lane else { return try await store.queuePosition(of: job.id) }
        return try await store.queuePosition(of: job.id, in: lane)
    }

    /// The job's webhook deliveries, oldest first.
    public func deliveries(of job: Job) async throws -> [WebhookDelivery] {
        try await store.deliveries(jobID: job.id)
    }

    /// Throws when the store cannot be reached (readiness).
    public func checkStore() async throws {
        try await store.ping()
    }

    /// How many unfinished jobs there are in each status.
    public func openJobCounts() async throws -> [JobStatus: Int] {
        try await store.openJobCounts()
    }

    /// How many jobs wait inside SeedGate to be handed to a provider.
    public func queueDepth() async throws -> Int {
        try await store.queuePosition(of: JobID.last)
    }

    /// Tasks handed to or held by each provider for each model and not yet finished.
    public func inFlightCounts() async throws -> [ProviderModel: Int] {
        try await store.inFlightCounts()
    }
}
