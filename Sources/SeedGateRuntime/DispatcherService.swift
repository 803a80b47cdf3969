import Foundation
import Logging
import SeedGateCore
import ServiceLifecycle

/// Submits queued jobs to providers. Woken at once when a job is created; otherwise looks for due jobs
/// (retries after a backoff) every `idleInterval`. All state changes go through `JobService`.
public struct DispatcherService: Service {
    let jobs: JobService
    let logger: Logger
    let batchSize: Int
    let parallelSubmits: Int
    let idleInterval: Duration
    /// Builds the provider callback URL for a job, when SeedGate can receive callbacks.
    let callbackURL: @Sendable (Job, ConfiguredProvider) -> String?

    public init(
        jobs: JobService, logger: Logger = Logger(label: "seedgate.dispatcher"), batchSize: Int = 64, parallelSubmits: Int = 16,
        idleInterval: Duration = .seconds(1), callbackURL: @escaping @Sendable (Job, ConfiguredProvider) -> String? = { _, _ in nil }
    ) {
        self.jobs = jobs
        self.logger = logger
        self.batchSize = batchSize
        self.parallelSubmits = parallelSubmits
        self.idleInterval = idleInterval
        self.callbackURL = callbackURL
    }

    public func run() async throws {
        logger.info("dispatcher started")
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var submitted = 0
            do {
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

    /// Submits up to one batch of due jobs; returns how many were tried.
    func dispatchDueJobs() async throws -> Int {
        let due = try await jobs.store.jobsAwaitingSubmission(dueBy: Date(), limit: batchSize)
        guard !due.isEmpty else { return 0 }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for job in due {
                if running >= parallelSubmits {
                    await group.next()
                    running -= 1
                }
                group.addTask { await submit(job) }
                running += 1
            }
        }
        return due.count
    }

    func submit(_ job: Job) async {
        do {
            guard let providerID = jobs.nextProvider(for: job), let provider = jobs.providers[providerID],
                  let offering = provider.manifest.offering(for: job.model)
            else {
                logger.error("job has no usable provider", metadata: ["job.id": "\(job.id)"])
                return
            }
            guard let claimed = try await jobs.beginSubmission(job, to: providerID) else { return }
            var draftTaskID: String?
            if let draftID = job.spec.draftJobID {
                draftTaskID = try await jobs.job(id: draftID, tenant: job.tenant).upstream?.taskID
            }
            let request = SubmitRequest(
                jobID: job.id, spec: job.spec, upstreamModel: offering.upstream, draftTaskID: draftTaskID,
                callbackURL: provider.manifest.callbacks ? callbackURL(claimed, provider) : nil
            )
            let submission: Submission
            do {
                submission = try await provider.adapter.submit(request, context: provider.context)
            } catch {
                let failed = try await jobs.recordSubmitFailure(claimed, provider: providerID, error: error)
                if failed.status == .queued, failed.nextCheckAt == nil { jobs.signals.submissions.ring() }
                return
            }
            try await jobs.recordAccepted(claimed, by: providerID, submission: submission)
            jobs.signals.checks.ring()
        } catch {
            logger.error("submit bookkeeping failed", metadata: ["job.id": "\(job.id)", "error": "\(error)"])
        }
    }
}
