import Foundation

/// A queued job the engine admitted for a create call to `provider` (within that provider's budget and circuit).
/// `permit` is the leave its create circuit gave; `submit` settles it, whatever comes of the attempt.
public struct PlannedSubmission: Sendable, Equatable {
    public var job: Job
    public var provider: ProviderID
    public var permit: CircuitBreakers.Permit

    public init(job: Job, provider: ProviderID, permit: CircuitBreakers.Permit = .closed) {
        self.job = job
        self.provider = provider
        self.permit = permit
    }
}

/// What one create attempt came to.
public enum SubmitOutcome: Sendable, Equatable {
    /// The provider accepted the task; the job is followed upstream from now on.
    case accepted(Job)
    /// A failure worth another try: the job is pending again, for the route's next provider or after a back-off.
    case willRetry(Job)
    /// The job ended: the provider refused the request, or the create's outcome is unknown (never resubmitted).
    case ended(Job)
    /// The job was no longer waiting (cancelled, or another worker or replica took it); nothing was sent.
    case notClaimed
    /// The job's provider is no longer configured or no longer serves its model; nothing was sent.
    case unroutable
}

/// The dispatch use case: which queued jobs go out now and to whom, and one whole create attempt (draft lookup,
/// callback URL, the call, breaker bookkeeping, failover). The dispatcher service only loops and bounds parallelism.
extension JobService {
    /// Seconds no create goes to a provider that answered an exhausted quota (longer if it said so).
    public static let quotaHold: TimeInterval = 900

    /// The queued jobs due for a create now, oldest first, each with the provider it goes to: the route's next
    /// provider whose create circuit lets it through, admitted within its rate and concurrency limits. A job whose
    /// providers are all at their limits or open stays queued (no attempt is recorded) until budget frees up.
    ///
    /// Jobs queue in lanes (the provider their next create goes to, with their model), and each lane is read on its
    /// own: up to `limit` of its oldest due jobs, or only as many as it has free slots when its provider is at work
    /// normally. A saturated lane therefore never keeps another lane's jobs from being read and sent.
    public func dueSubmissions(limit: Int) async throws -> [PlannedSubmission] {
        let date = now()
        var inFlight = try await store.inFlightCounts()
        var due: [Job] = []
        for lane in submissionLanes() {
            let intake = lane.map { laneIntake($0, inFlight: inFlight, limit: limit) } ?? limit
            guard intake > 0 else { continue }
            due += try await store.jobsAwaitingSubmission(in: lane, dueBy: date, limit: intake)
        }
        guard !due.isEmpty else { return [] }
        due.sort { $0.id < $1.id }
        // Jobs in flight at a resolution with limits of its own, read once per resolution that some due job asks for.
        var inFlightAt: [String: [ProviderModel: Int]] = [:]
        var planned: [PlannedSubmission] = []
        for job in due {
            guard let (providerID, permit) = choosePermit(for: job), let provider = providers[providerID] else { continue }
            let key = ProviderModel(provider: providerID, model: job.model)
            var lanes = [(key: key, limits: AdmissionControl.limits(provider, model: job.model), inFlight: inFlight[key] ?? 0)]
            let resolution = job.requestedSpec?.resolution ?? job.spec.resolution
            if let resolution, let own = AdmissionControl.resolutionLimits(provider, model: job.model, resolution: resolution) {
                if inFlightAt[resolution] == nil { inFlightAt[resolution] = try await store.inFlightCounts(resolution: resolution) }
                let laneKey = AdmissionControl.resolutionKey(key, resolution: resolution)
                lanes.append((key: laneKey, limits: own, inFlight: inFlightAt[resolution]?[key] ?? 0))
            }
            guard admission.admit(lanes) else {
                breakers.settle(providerID, .create, permit, .released)
                continue
            }
            inFlight[key, default: 0] += 1
            if let resolution, lanes.count > 1 { inFlightAt[resolution, default: [:]][key, default: 0] += 1 }
            planned.append(PlannedSubmission(job: job, provider: providerID, permit: permit))
        }
        return planned
    }

    /// Every lane a job can queue in: each configured provider with each model it offers, plus nil for jobs in no
    /// lane (a route left empty, or rows stored before lanes existed).
    func submissionLanes() -> [ProviderModel?] {
        providers.all.flatMap { provider in provider.manifest.models.map { ProviderModel(provider: provider.id, model: $0.name) } } + [nil]
    }

    /// How many of a lane's oldest jobs are worth reading this round. While its provider takes creates normally, only
    /// as many as its free concurrency slots (none when it is full); while the provider's create circuit is not
    /// closed or the model is held, up to `limit`, since the jobs may go to the next provider of their route.
    func laneIntake(_ lane: ProviderModel, inFlight: [ProviderModel: Int], limit: Int) -> Int {
        guard let provider = providers[lane.provider] else { return 0 }
        guard breakers.state(lane.provider, .create) == .closed, !breakers.isHeld(lane.provider, model: lane.model) else { return limit }
        guard let concurrency = AdmissionControl.limits(provider, model: lane.model).concurrency else { return limit }
        return min(limit, max(0, concurrency - (inFlight[lane] ?? 0)))
    }

    /// The route's next configured provider whose create circuit gives leave now, with that leave (nil: none does;
    /// the job waits). Whoever receives a permit settles it.
    func choosePermit(for job: Job) -> (ProviderID, CircuitBreakers.Permit)? {
        guard let next = nextProvider(for: job), let start = job.route.firstIndex(of: next) else { return nil }
        for candidate in job.route[start...] + job.route[..<start] where providers[candidate] != nil {
            if let permit = breakers.permit(candidate, .create, model: job.model) { return (candidate, permit) }
        }
        return nil
    }

    /// Makes one create attempt for a planned job: claims it (`submitting`), sends the create and records what came
    /// of it. Transient failures count against the provider's circuit and hand the job on; a success closes it.
    public func submit(_ planned: PlannedSubmission) async throws -> SubmitOutcome {
        let job = planned.job
        let providerID = planned.provider
        // The create circuit's permit is settled however this attempt ends: a trial slot is never kept.
        var verdict = CircuitBreakers.Verdict.released
        defer { breakers.settle(providerID, .create, planned.permit, verdict) }
        guard let provider = providers[providerID], let offering = provider.manifest.offering(for: job.model) else {
            logger.error("job has no usable provider", metadata: ["job.id": "\(job.id)", "provider": "\(providerID)"])
            return .unroutable
        }
        // Looked up before the claim: a job is never left `submitting` by a failed read of its draft.
        var draftTaskID: String?
        if let draftID = job.spec.draftJobID {
            draftTaskID = try await self.job(id: draftID, tenant: job.tenant).upstream?.taskID
        }
        let base = provider.manifest.callbacks ? callbackBase() : nil
        let token = base.map { _ in Self.newCallbackToken() }
        // The client's request, normalised for the provider called now (not for the route's first provider).
        // A provider that retired the model since the job was routed refuses it before anything is sent.
        let spec: Result<JobSpec, ValidationFailure> = Result { () throws(ValidationFailure) -> JobSpec in
            if offering.isRetired(at: now()) { throw .unsupported("model", "\(providerID) retired \(job.model) on \(offering.retiredFrom ?? "-")") }
            return try JobValidator.normalise(job.requestedSpec ?? job.spec, offering: offering, manifest: provider.manifest)
        }
        guard let claimed = try await beginSubmission(job, to: providerID, callbackToken: token) else { return .notClaimed }
        let submission: Submission
        let normalised: JobSpec
        do throws(ProviderError) {
            switch spec {
            case .success(let value): normalised = value
            case .failure(let failure):
                // The provider's offering changed since the job was routed: refused before anything was sent.
                throw ProviderError(.invalidRequest, providerMessage: failure.description, requestSent: false)
            }
            let request = SubmitRequest(
                jobID: job.id, spec: normalised, upstreamModel: offering.upstream, draftTaskID: draftTaskID,
                callbackURL: base.flatMap { base in token.map { "\(base)/v1/callbacks/\(providerID)/\($0)" } }
            )
            submission = try await provider.adapter.submit(request, context: provider.context)
        } catch {
            if error.isTransient { verdict = .failure }
            if error.kind == .quotaExceeded {
                // An exhausted quota does not come back in seconds: no create goes to this provider for a while.
                let seconds = max(error.retryAfter ?? 0, Self.quotaHold)
                breakers.hold(providerID, model: job.model, for: .milliseconds(Int64(seconds * 1000)))
                logger.warning(
                    "provider quota exhausted; holding its creates for the model",
                    metadata: ["provider": "\(providerID)", "model": "\(job.model)", "hold_seconds": "\(Int(seconds))"])
            }
            let failed = try await recordSubmitFailure(claimed, provider: providerID, error: error)
            guard failed.status == .queued else { return .ended(failed) }
            if failed.submitAfter == nil { signals.submissions.ring() }
            return .willRetry(failed)
        }
        verdict = .success
        let accepted = try await recordAccepted(claimed, by: providerID, submission: submission, sent: normalised)
        signals.checks.ring()
        return .accepted(accepted)
    }
}
