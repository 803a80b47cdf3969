import Foundation
import Logging
import SeedGateCore
import ServiceLifecycle

/// Follows accepted jobs upstream: takes the jobs whose next check is due, asks each provider about many at
/// once where its API allows (batches of `maxBatchSize`), and applies the answers through `JobService`.
/// Each job's next check time grows with its age (see `PollingPolicy`), so young jobs are seen soon and old
/// ones cost little.
public struct PollerService: Service {
    let jobs: JobService
    let logger: Logger
    let batchLimit: Int
    let parallelCalls: Int
    let tick: Duration
    let breakers: CircuitBreakers
    /// Status calls per minute each provider may receive (its manifest's `polling.max_requests_per_minute`).
    private let budgets = RateBudgets<ProviderID>()

    public init(
        jobs: JobService, logger: Logger = Logger(label: "seedgate.poller"), batchLimit: Int = 500, parallelCalls: Int = 8,
        tick: Duration = .milliseconds(250), breakers: CircuitBreakers = CircuitBreakers()
    ) {
        self.jobs = jobs
        self.logger = logger
        self.batchLimit = batchLimit
        self.parallelCalls = parallelCalls
        self.tick = tick
        self.breakers = breakers
    }

    var claimLease: TimeInterval {
        jobs.providers.longestCallTimeout / .seconds(1) + 10
    }

    /// Takes one status call from the provider's budget; a batch without budget waits for a later round.
    func spend(_ provider: ConfiguredProvider) -> Bool {
        budgets.take(provider.id, perMinute: provider.manifest.polling.maxRequestsPerMinute)
    }

    public func run() async throws {
        logger.info("poller started")
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var checked = 0
            do {
                checked = try await checkDueJobs()
            } catch {
                logger.error("poll round failed", metadata: ["error": "\(error)"])
            }
            if checked < batchLimit {
                await cancelWhenGracefulShutdown { await jobs.signals.checks.wait(upTo: tick) }
            }
        }
        logger.info("poller stopped")
    }

    /// Checks the due jobs once, as far as each provider's budget allows; returns how many were checked.
    func checkDueJobs() async throws -> Int {
        // The lease outlasts one status call (the slowest provider's timeout, plus a margin); a check whose result is
        // never recorded (the process died) is taken up again when it runs out.
        let now = Date()
        let claims = try await jobs.store.claimDueForCheck(dueBy: now, limit: batchLimit, leaseUntil: now.addingTimeInterval(claimLease))
        for claim in claims { if let dueAt = claim.dueAt { jobs.observer?.checkStarted(lateBy: now.timeIntervalSince(dueAt)) } }
        let due = claims.map(\.job)
        guard !due.isEmpty else { return 0 }
        var calls: [(ConfiguredProvider, [Job])] = []
        for (providerID, group) in Dictionary(grouping: due, by: { $0.provider }) {
            guard let providerID, let provider = jobs.providers[providerID] else { continue }
            let size = max(1, provider.adapter.maxBatchSize)
            for start in stride(from: 0, to: group.count, by: size) {
                let batch = Array(group[start..<min(start + size, group.count)])
                if spend(provider) {
                    calls.append((provider, batch))
                } else {
                    for job in batch { try await jobs.deferCheck(job, until: now.addingTimeInterval(1)) }
                }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for (provider, batch) in calls {
                if running >= parallelCalls {
                    await group.next()
                    running -= 1
                }
                group.addTask { await check(batch, at: provider) }
                running += 1
            }
        }
        return calls.reduce(0) { $0 + $1.1.count }
    }

    func check(_ batch: [Job], at provider: ConfiguredProvider) async {
        let targets = batch.compactMap { job in
            job.upstream.map { FetchTarget(taskID: $0.taskID, serviceTier: job.spec.serviceTier ?? .default) }
        }
        do {
            let results: [String: FetchResult]
            do {
                results = try await provider.adapter.fetch(targets, context: provider.context)
                breakers.recordSuccess(provider.id)
            } catch {
                if error.isTransient { breakers.recordFailure(provider.id) }
                for job in batch { try await jobs.recordCheckFailure(job, error: error) }
                return
            }
            for job in batch {
                guard let taskID = job.upstream?.taskID else { continue }
                switch results[taskID] {
                case .found(let snapshot): try await jobs.apply(snapshot, to: job)
                case .notFound: try await jobs.recordTaskLost(job)
                case nil:
                    try await jobs.recordCheckFailure(job, error: ProviderError(.malformedResponse, providerMessage: "no answer for this task in the batch"))
                }
            }
        } catch {
            logger.error("applying poll results failed", metadata: ["provider": "\(provider.id)", "error": "\(error)"])
        }
    }
}
