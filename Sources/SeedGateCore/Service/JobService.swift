import Foundation
import Logging
import Synchronization

/// The engine: the only holder of the store and the only writer of job state. Every change is a compare-and-set
/// write that records the job's events in the same store write. HTTP handlers and the background services
/// (dispatcher, poller, webhook delivery, metrics sampler) call its use cases and reads; none of them can reach the
/// store, which is internal to this module.
public struct JobService: Sendable {
    let store: any JobStore
    public let providers: ProviderDirectory
    public let catalogue: ModelCatalogue
    public let routing: RoutingPolicy
    public let signals: JobSignals
    /// Provider limits applied before a create is sent (per provider and model).
    public let admission: AdmissionControl
    /// Provider health: providers that keep failing are skipped for a while.
    public let breakers: CircuitBreakers
    /// Status calls per minute each provider may receive (its manifest's `polling.max_requests_per_minute`).
    let statusCallBudgets = RateBudgets<ProviderID>()
    /// Recent-task listings per minute each provider may receive (the search for lost creates' tasks).
    let listingBudgets = RateBudgets<ProviderID>()
    /// SeedGate's own base URL as providers can reach it, for per-job callback URLs (nil: providers are only polled).
    let callbackBase: @Sendable () -> String?
    /// Webhook endpoints from configuration that receive every job's events (besides each job's `callback_url`).
    public let webhookEndpoints: [String]
    /// Why a client's `callback_url` may not be used (nil: it may), e.g. a link-local or denied host.
    let callbackURLPolicy: @Sendable (String) -> String?
    /// Told about every write, for metrics.
    public let observer: (any JobObserver)?
    /// The engine's clock; the services read time from it too, so tests can drive it.
    public let now: @Sendable () -> Date
    let logger: Logger
    let idempotencyKeysInFlight = KeysInFlight()
    /// Live watchers of individual jobs (Server-Sent Events).
    public let watchers = JobWatchers()
    /// Whether and how succeeded jobs' files are archived (`JobService+Archive.swift`).
    public let archivePolicy: ArchivePolicy
    /// SeedGate's base URL as clients reach it, for archived files' URLs (nil: the URLs are paths).
    let contentBase: @Sendable () -> String?
    /// Seconds a job whose create answer was lost waits `unconfirmed` for the provider's callback to name the task
    /// (0: such jobs fail `submit_outcome_unknown` at once).
    public let unconfirmedWindow: TimeInterval
    /// The caller's trace context as a W3C `traceparent` (nil: none), recorded on each job it creates
    /// (`Job.traceParent`) so the job's later work continues the trace. The runtime supplies it; the core does no tracing.
    let traceContext: @Sendable () -> String?

    public init(
        store: any JobStore, providers: ProviderDirectory, routing: RoutingPolicy, signals: JobSignals = JobSignals(),
        admission: AdmissionControl = AdmissionControl(), breakers: CircuitBreakers = CircuitBreakers(),
        callbackBase: @escaping @Sendable () -> String? = { nil },
        webhookEndpoints: [String] = [], callbackURLPolicy: @escaping @Sendable (String) -> String? = { _ in nil },
        observer: (any JobObserver)? = nil, archivePolicy: ArchivePolicy = ArchivePolicy(enabled: false),
        contentBase: @escaping @Sendable () -> String? = { nil }, unconfirmedWindow: TimeInterval = JobService.defaultUnconfirmedWindow,
        traceContext: @escaping @Sendable () -> String? = { nil }, logger: Logger = Logger(label: "seedgate.jobs"),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.archivePolicy = archivePolicy
        self.contentBase = contentBase
        self.unconfirmedWindow = max(0, unconfirmedWindow)
        self.traceContext = traceContext
        self.observer = observer
        self.callbackURLPolicy = callbackURLPolicy
        self.store = store
        self.providers = providers
        self.catalogue = providers.catalogue
        self.routing = routing
        self.signals = signals
        self.admission = admission
        self.breakers = breakers
        self.callbackBase = callbackBase
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

    /// The events of a write: a status change (`job.<status>`), and the archive's end (`job.archived`,
    /// `job.archive_failed`), each carrying the job as written.
    func events(from current: Job, to next: Job, at date: Date) -> [JobEvent] {
        var events: [JobEvent] = []
        if next.status != current.status { events.append(.statusChanged(next, at: date, webhookURLs: webhookURLs(for: next))) }
        let before = current.output?.archive?.phase
        if let phase = next.output?.archive?.phase, phase != before, phase == .archived || phase == .failed {
            events.append(.archiveChanged(next, at: date, webhookURLs: webhookURLs(for: next)))
        }
        return events
    }

    /// A job the tenant may see; other tenants' jobs are reported as not found.
    public func job(id rawID: String, tenant: String?) async throws -> Job {
        guard let id = JobID(rawID), let job = try await store.job(id: id), tenant == nil || job.tenant == tenant else {
            throw JobServiceError.notFound(.init(.job, "no job \(rawID)"))
        }
        return job
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
            let events = events(from: current, to: next, at: date)
            if let saved = try await store.update(next, expecting: current.version, events: events) {
                watchers.publish(saved)
                observer?.jobWritten(from: current, to: saved)
                if next.status != current.status {
                    logger.info("job \(next.status.rawValue)", metadata: ["job.id": "\(next.id)", "provider": "\(next.provider?.rawValue ?? "-")"])
                }
                return saved
            }
            guard let fresh = try await store.job(id: job.id) else { throw JobServiceError.notFound(.init(.job, "no job \(job.id)")) }
            current = fresh
        }
        throw JobServiceError.conflict(.init(.concurrentWrite, "job \(job.id) is being changed concurrently; try again"))
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
    /// Rung when a succeeded job's files are waiting to be archived.
    public let archives = Doorbell()

    public init() {}
}
