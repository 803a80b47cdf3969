import Foundation
import Logging
import SeedGateCore
import ServiceLifecycle
import Tracing

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

    public init(
        jobs: JobService, logger: Logger = Logger(label: "seedgate.poller"), batchLimit: Int = 500, parallelCalls: Int = 8,
        tick: Duration = .milliseconds(250)
    ) {
        self.jobs = jobs
        self.logger = logger
        self.batchLimit = batchLimit
        self.parallelCalls = parallelCalls
        self.tick = tick
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
        let batches = try await jobs.claimDueChecks(limit: batchLimit)
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for batch in batches {
                if running >= parallelCalls {
                    await group.next()
                    running -= 1
                }
                group.addTask {
                    // A check of one job continues its trace; a batch of several is a trace of its own, linked to each
                    // job's (a span has one parent).
                    let traces = batch.jobs.map(\.traceParent)
                    var attributes: SpanAttributes = ["seedgate.provider": "\(batch.provider)", "seedgate.jobs": .int64(Int64(batch.jobs.count))]
                    if batch.jobs.count == 1 { attributes["seedgate.job.id"] = "\(batch.jobs[0].id)" }
                    await SeedGateTracing.withSpan(
                        "job.check", continuing: traces.count == 1 ? traces[0] : nil, linking: traces.count > 1 ? traces.compactMap { $0 } : [],
                        attributes: attributes
                    ) { _ in
                        do {
                            try await jobs.check(batch)
                        } catch {
                            logger.error("applying poll results failed", metadata: ["provider": "\(batch.provider)", "error": "\(error)"])
                        }
                    }
                }
                running += 1
            }
        }
        return batches.reduce(0) { $0 + $1.jobs.count }
    }
}
