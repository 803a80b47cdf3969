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
    let admission: AdmissionControl
    let breakers: CircuitBreakers
    /// SeedGate's own base URL as providers can reach it, for per-job callback URLs (nil: providers are only polled).
    let callbackBase: @Sendable () -> String?

    public init(
        jobs: JobService, logger: Logger = Logger(label: "seedgate.dispatcher"), batchSize: Int = 64, parallelSubmits: Int = 16,
        idleInterval: Duration = .seconds(1), admission: AdmissionControl = AdmissionControl(),
        breakers: CircuitBreakers = CircuitBreakers(), callbackBase: @escaping @Sendable () -> String? = { nil }
    ) {
        self.jobs = jobs
        self.logger = logger
        self.batchSize = batchSize
        self.parallelSubmits = parallelSubmits
        self.idleInterval = idleInterval
        self.admission = admission
        self.breakers = breakers
        self.callbackBase = callbackBase
    }

    public func run() async throws {
        logger.info("dispatcher started")
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var submitted = 0
            do {
                try await jobs.settleAbandonedSubmissions()
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

    /// Submits the due jobs that fit the providers' budgets, oldest first; returns how many were submitted.
    /// A job whose provider is at its limit stays queued (no attempt is recorded) until budget frees up.
    func dispatchDueJobs() async throws -> Int {
        let due = try await jobs.store.jobsAwaitingSubmission(dueBy: Date(), limit: batchSize)
        guard !due.isEmpty else { return 0 }
        var inFlight = try await jobs.store.inFlightCounts()
        var admitted: [(Job, ProviderID)] = []
        for job in due {
            guard let providerID = choose(for: job), let provider = jobs.providers[providerID] else { continue }
            let key = ProviderModel(provider: providerID, model: job.model)
            guard admission.admit(key, limits: AdmissionControl.limits(provider, model: job.model), inFlight: inFlight[key] ?? 0) else { continue }
            inFlight[key, default: 0] += 1
            admitted.append((job, providerID))
        }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for (job, provider) in admitted {
                if running >= parallelSubmits {
                    await group.next()
                    running -= 1
                }
                group.addTask { await submit(job, to: provider) }
                running += 1
            }
        }
        return admitted.count
    }

    /// The route's next provider, skipping providers whose circuit is open (nil: all are open; the job waits).
    func choose(for job: Job) -> ProviderID? {
        guard let next = jobs.nextProvider(for: job), let start = job.route.firstIndex(of: next) else { return nil }
        let order = job.route[start...] + job.route[..<start]
        return order.first { breakers.allows($0) }
    }

    func submit(_ job: Job, to providerID: ProviderID) async {
        do {
            guard let provider = jobs.providers[providerID], let offering = provider.manifest.offering(for: job.model) else {
                logger.error("job has no usable provider", metadata: ["job.id": "\(job.id)"])
                return
            }
            let base = provider.manifest.callbacks ? callbackBase() : nil
            let token = base.map { _ in JobService.newCallbackToken() }
            guard let claimed = try await jobs.beginSubmission(job, to: providerID, callbackToken: token) else { return }
            var draftTaskID: String?
            if let draftID = job.spec.draftJobID {
                draftTaskID = try await jobs.job(id: draftID, tenant: job.tenant).upstream?.taskID
            }
            let request = SubmitRequest(
                jobID: job.id, spec: job.spec, upstreamModel: offering.upstream, draftTaskID: draftTaskID,
                callbackURL: base.flatMap { base in token.map { "\(base)/v1/callbacks/\(providerID)/\($0)" } }
            )
            let outcome: Result<Submission, ProviderError>
            do throws(ProviderError) {
                outcome = .success(try await provider.adapter.submit(request, context: provider.context))
            } catch {
                outcome = .failure(error)
            }
            let submission: Submission
            switch outcome {
            case .success(let accepted): submission = accepted
            case .failure(let error):
                if error.isTransient { breakers.recordFailure(providerID) }
                let failed = try await jobs.recordSubmitFailure(claimed, provider: providerID, error: error)
                if failed.status == .queued, failed.nextCheckAt == nil { jobs.signals.submissions.ring() }
                return
            }
            breakers.recordSuccess(providerID)
            try await jobs.recordAccepted(claimed, by: providerID, submission: submission)
            jobs.signals.checks.ring()
        } catch {
            logger.error("submit bookkeeping failed", metadata: ["job.id": "\(job.id)", "error": "\(error)"])
        }
    }
}
