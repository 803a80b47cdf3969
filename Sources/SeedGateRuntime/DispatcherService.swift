import Foundation
import Logging
import SeedGateCore
import ServiceLifecycle
import Tracing

/// Submits queued jobs to providers. Woken at once when a job is created; otherwise looks for due jobs
/// (retries after a backoff) every `idleInterval`. All state changes go through `JobService`.
public struct DispatcherService: Service {
    let jobs: JobService
    let logger: Logger
    let batchSize: Int
    let parallelSubmits: Int
    let idleInterval: Duration

    public init(
        jobs: JobService, logger: Logger = Logger(label: "seedgate.dispatcher"), batchSize: Int = 64, parallelSubmits: Int = 16,
        idleInterval: Duration = .seconds(1)
    ) {
        self.jobs = jobs
        self.logger = logger
        self.batchSize = batchSize
        self.parallelSubmits = parallelSubmits
        self.idleInterval = idleInterval
    }

    public func run() async throws {
        logger.info("dispatcher started")
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var submitted = 0
            do {
                try await jobs.settleAbandonedSubmissions()
                try await jobs.settleUnconfirmed()
                submitted = try await dispatchDueJobs()
            } catch {
                logger.error("dispatch round failed", metadata: ["error": "\(error)"])
            }
            if submitted < batchSize {
                await cancelWhenGracefulShutdown { await jobs.signals.submissions.wait(upTo: idleInterval) }
            }
        }
        logger.info("dispatcher stopped")
    }

    /// Submits the jobs the engine admits now, at most `parallelSubmits` at a time; returns how many were admitted.
    func dispatchDueJobs() async throws -> Int {
        let planned = try await jobs.dueSubmissions(limit: batchSize)
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for submission in planned {
                if running >= parallelSubmits {
                    await group.next()
                    running -= 1
                }
                group.addTask {
                    // In the job's trace (`Job.traceParent`): the create's upstream span is a child of this one.
                    let job = submission.job
                    await SeedGateTracing.withSpan("job.submit", continuing: job.traceParent, attributes: ["seedgate.job.id": "\(job.id)"]) { _ in
                        do {
                            _ = try await jobs.submit(submission)
                        } catch {
                            logger.error("submit bookkeeping failed", metadata: ["job.id": "\(submission.job.id)", "error": "\(error)"])
                        }
                    }
                }
                running += 1
            }
        }
        return planned.count
    }
}
