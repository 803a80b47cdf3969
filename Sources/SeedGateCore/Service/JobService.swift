import Foundation
import Logging
import Synchronization

/// The only writer of job state. Every change is a compare-and-set write that records the job's events in
/// the same store write. HTTP handlers, the dispatcher and the poller all go through it.
public struct JobService: Sendable {
    public let store: any JobStore
    public let providers: ProviderDirectory
    public let catalogue: ModelCatalogue
    public let routing: RoutingPolicy
    public let signals: JobSignals
    /// Webhook endpoints from configuration that receive every job's events (besides each job's `callback_url`).
    public let webhookEndpoints: [String]
    /// Why a client's `callback_url` may not be used (nil: it may), e.g. a link-local or denied host.
    let callbackURLPolicy: @Sendable (String) -> String?
    /// Told about every write, for metrics.
    public let observer: (any JobObserver)?
    let now: @Sendable () -> Date
    let logger: Logger
    let idempotencyKeysInFlight = KeysInFlight()
    /// Live watchers of individual jobs (Server-Sent Events).
    public let watchers = JobWatchers()

    public init(
        store: any JobStore, providers: ProviderDirectory, routing: RoutingPolicy, signals: JobSignals = JobSignals(),
        webhookEndpoints: [String] = [], callbackURLPolicy: @escaping @Sendable (String) -> String? = { _ in nil },
        observer: (any JobObserver)? = nil, logger: Logger = Logger(label: "seedgate.jobs"),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.observer = observer
        self.callbackURLPolicy = callbackURLPolicy
        self.store = store
        self.providers = providers
        self.catalogue = providers.catalogue
        self.routing = routing
        self.signals = signals
        self.webhookEndpoints = webhookEndpoints
        self.logger = logger
        self.now = now
    }

    /// Where a job's events go: its own `callback_url`, then the configured endpoints.
    func webhookURLs(for job: Job) -> [String] {
        var urls: [String] = []
        for url in [job.callbackURL].compactMap({ $0 }) + webhookEndpoints where !urls.contains(url) { urls.append(url) }
        return urls
    }

    /// A job the tenant may see; other tenants' jobs are reported as not found.
    public func job(id rawID: String, tenant: String?) async throws -> Job {
        guard let id = JobID(rawID), let job = try await store.job(id: id), tenant == nil || job.tenant == tenant else {
            throw JobServiceError.notFound("no job \(rawID)")
        }
        return job
    }

    public func list(_ query: JobQuery) async throws -> JobPage {
        try await store.list(query)
    }

    /// Applies `change` to the freshest copy of `job` and stores it, retrying on concurrent writes.
    /// `change` returns false to leave the job as it is. Returns the job as stored (or as it was, if unchanged).
    @discardableResult
    func write(_ job: Job, _ change: (inout Job) throws -> Bool) async throws -> Job {
        var current = job
        for _ in 0..<8 {
            var next = current
            guard try change(&next) else { return current }
            let date = now()
            next.updatedAt = date
            let events = next.status != current.status ? [JobEvent.statusChanged(next, at: date, webhookURLs: webhookURLs(for: next))] : []
            if let saved = try await store.update(next, expecting: current.version, events: events) {
                watchers.publish(saved)
                observer?.jobWritten(from: current, to: saved)
                if next.status != current.status {
                    logger.info("job \(next.status.rawValue)", metadata: ["job.id": "\(next.id)", "provider": "\(next.provider?.rawValue ?? "-")"])
                }
                return saved
            }
            guard let fresh = try await store.job(id: job.id) else { throw JobServiceError.notFound("no job \(job.id)") }
            current = fresh
        }
        throw JobServiceError.conflict("job \(job.id) is being changed concurrently; try again")
    }
}

/// Idempotency keys whose first request is being handled in this process.
final class KeysInFlight: Sendable {
    private let keys = Mutex(Set<String>())

    func claim(tenant: String, key: String) -> Bool { keys.withLock { $0.insert("\(tenant)\u{0}\(key)").inserted } }
    func release(tenant: String, key: String) { _ = keys.withLock { $0.remove("\(tenant)\u{0}\(key)") } }
}

/// Doorbells that let the background services react at once instead of on their next tick.
public struct JobSignals: Sendable {
    /// Rung when a job is waiting to be submitted.
    public let submissions = Doorbell()
    /// Rung when a job should be checked upstream now (e.g. a provider callback arrived).
    public let checks = Doorbell()

    public init() {}
}
