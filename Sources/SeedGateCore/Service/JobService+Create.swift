import Foundation

/// A create request as the HTTP layer hands it over.
public struct CreateJob: Sendable {
    public var spec: JobSpec
    public var metadata: [String: String]
    public var callbackURL: String?
    public var idempotencyKey: String?
    /// A digest of the request as sent, compared when the idempotency key is reused.
    public var fingerprint: String?

    public init(
        spec: JobSpec, metadata: [String: String] = [:], callbackURL: String? = nil, idempotencyKey: String? = nil,
        fingerprint: String? = nil
    ) {
        self.spec = spec
        self.metadata = metadata
        self.callbackURL = callbackURL
        self.idempotencyKey = idempotencyKey
        self.fingerprint = fingerprint
    }
}

/// The job a create request produced, and whether it was an earlier request's job replayed for its idempotency key.
public struct CreatedJob: Sendable {
    public var job: Job
    public var replayed: Bool
}

extension JobService {
    /// Validates the request against the model and the providers that could serve it, then stores it as `queued`.
    /// Nothing is sent upstream here: the dispatcher does that.
    ///
    /// With an idempotency key (Stripe semantics, scoped per tenant): the same key and the same request return the
    /// first request's job; the same key with another request is `idempotencyMismatch`; the same key while the first
    /// request is still being handled is `idempotencyInProgress`. Keys live as long as their jobs.
    public func create(_ request: CreateJob, tenant: String) async throws -> CreatedJob {
        guard let key = request.idempotencyKey else { return CreatedJob(job: try await insert(request, tenant: tenant), replayed: false) }
        if let existing = try await store.job(tenant: tenant, idempotencyKey: key) { return try replay(existing, for: request) }
        guard idempotencyKeysInFlight.claim(tenant: tenant, key: key) else { throw JobServiceError.idempotencyInProgress }
        defer { idempotencyKeysInFlight.release(tenant: tenant, key: key) }
        do {
            return CreatedJob(job: try await insert(request, tenant: tenant), replayed: false)
        } catch JobStoreError.duplicateIdempotencyKey {
            // Another replica stored the key first.
            guard let existing = try await store.job(tenant: tenant, idempotencyKey: key) else { throw JobServiceError.idempotencyInProgress }
            return try replay(existing, for: request)
        }
    }

    private func replay(_ existing: Job, for request: CreateJob) throws -> CreatedJob {
        guard existing.requestFingerprint == request.fingerprint else { throw JobServiceError.idempotencyMismatch }
        return CreatedJob(job: existing, replayed: true)
    }

    private func insert(_ request: CreateJob, tenant: String) async throws -> Job {
        let spec = request.spec
        do {
            try JobValidator.checkShape(spec, callbackURL: request.callbackURL, metadata: request.metadata)
        } catch {
            throw JobServiceError.validation(error, considered: [])
        }
        if let url = request.callbackURL, let refusal = callbackURLPolicy(url) {
            throw JobServiceError.validation(.init(.invalidRequest, field: "callback_url", refusal), considered: [])
        }
        var candidates = try candidates(for: spec)
        if let draftID = spec.draftJobID {
            let draft = try await draftJob(draftID, tenant: tenant, model: spec.model)
            candidates = candidates.filter { $0 == draft.provider }
            if candidates.isEmpty {
                throw JobServiceError.validation(
                    .unsupported("draft_job_id", "the draft was made on \(draft.provider?.rawValue ?? "-"), which this route does not use"),
                    considered: []
                )
            }
        }
        let (normalised, route) = try validate(spec, on: candidates)
        let date = now()
        var job = Job(
            id: .generate(at: date), tenant: tenant, spec: normalised, route: route, metadata: request.metadata,
            callbackURL: request.callbackURL, idempotencyKey: request.idempotencyKey, createdAt: date
        )
        job.requestedSpec = spec
        job.requestFingerprint = request.fingerprint
        job.traceParent = traceContext()
        let stored = try await store.insert(job, events: [.statusChanged(job, at: date, webhookURLs: webhookURLs(for: job))])
        observer?.jobWritten(from: nil, to: stored)
        logger.info("job queued", metadata: ["job.id": "\(job.id)", "model": "\(spec.model)", "route": "\(route.map(\.rawValue))"])
        signals.submissions.ring()
        return stored
    }

    /// The configured providers that may take a job for this model, best first.
    func candidates(for spec: JobSpec) throws -> [ProviderID] {
        guard catalogue.knows(model: spec.model) else {
            throw JobServiceError.validation(
                .invalid("model", "unknown model \(spec.model); known: \(catalogue.modelNames.joined(separator: ", "))"),
                considered: []
            )
        }
        let date = now()
        let offered = catalogue.providers(serving: spec.model)
        let retired = offered.filter { catalogue.offering(model: spec.model, provider: $0)?.isRetired(at: date) == true }
        let serving = Set(offered).subtracting(retired)
        if serving.isEmpty, !retired.isEmpty {
            throw JobServiceError.validation(.unsupported("model", retirement(of: spec.model, on: retired, at: date)), considered: [])
        }
        if let requested = spec.provider.map({ ProviderID($0) }) {
            guard routing.allowRequestProvider else {
                throw JobServiceError.validation(.invalid("provider", "choosing a provider per request is disabled by configuration"), considered: [])
            }
            guard providers[requested] != nil else {
                throw JobServiceError.validation(
                    .invalid("provider", "\(requested) is not configured; configured: \(providers.ids.map(\.rawValue).joined(separator: ", "))"),
                    considered: []
                )
            }
            if retired.contains(requested) {
                throw JobServiceError.validation(.unsupported("provider", retirement(of: spec.model, on: [requested], at: date)), considered: [])
            }
            guard serving.contains(requested) else {
                throw JobServiceError.validation(.unsupported("provider", "\(requested) does not serve \(spec.model)"), considered: [])
            }
            return [requested]
        }
        var generator = SystemRandomNumberGenerator()
        let routed = routing.candidates(for: spec.model, serving: serving, using: &generator)
        if routed.isEmpty, !retired.isEmpty, !routing.candidates(for: spec.model, serving: Set(offered), using: &generator).isEmpty {
            throw JobServiceError.validation(.unsupported("model", retirement(of: spec.model, on: retired, at: date)), considered: [])
        }
        if routed.isEmpty {
            throw JobServiceError.validation(
                .unsupported(
                    "model",
                    "no provider on the route for \(spec.model) is configured (configured providers serving it: \(serving.sorted().map(\.rawValue).joined(separator: ", ")))"
                ),
                considered: []
            )
        }
        return routed
    }

    /// Why `model` cannot be served by `providers` (which retired it), naming what can be used instead: other
    /// providers still serving it, and the models still offered.
    func retirement(of model: String, on providers: [ProviderID], at date: Date) -> String {
        let retired = providers.map { id in "\(id) since \(catalogue.offering(model: model, provider: id)?.retiredFrom ?? "-")" }
        let otherProviders = catalogue.providers(serving: model).filter { id in
            !providers.contains(id) && catalogue.offering(model: model, provider: id)?.isRetired(at: date) == false
        }
        let models = catalogue.modelNames.filter { name in
            name != model
                && catalogue.providers(serving: name).contains { catalogue.offering(model: name, provider: $0)?.isRetired(at: date) == false }
        }
        var text = "\(model) is retired on \(retired.joined(separator: ", "))"
        if !otherProviders.isEmpty { text += "; providers still serving it: \(otherProviders.map(\.rawValue).joined(separator: ", "))" }
        text += "; models offered: \(models.joined(separator: ", "))"
        return text
    }

    /// Normalises the client's spec for each candidate on its own terms: the route keeps every candidate that
    /// accepts it, and the job shows the first one's normalisation until a create is accepted. Each create attempt
    /// normalises the client's spec again for the provider it calls (`submit`), so one provider's defaults or
    /// sentinels (a `seed: -1`, a default written for its scenario) never reach another.
    func validate(_ spec: JobSpec, on candidates: [ProviderID]) throws -> (JobSpec, [ProviderID]) {
        var rejections: [ProviderRejection] = []
        var failures: [ValidationFailure] = []
        var normalised: JobSpec?
        var route: [ProviderID] = []
        for id in candidates {
            guard let provider = providers[id], let offering = provider.manifest.offering(for: spec.model) else { continue }
            do {
                let result = try JobValidator.normalise(spec, offering: offering, manifest: provider.manifest)
                normalised = normalised ?? result
                route.append(id)
            } catch {
                failures.append(error)
                rejections.append(ProviderRejection(provider: id, reason: error.description))
            }
        }
        guard let normalised, !route.isEmpty else {
            throw JobServiceError.validation(failures.first ?? .unsupported("model", "no provider can serve this request"), considered: rejections)
        }
        return (normalised, route)
    }

    private func draftJob(_ rawID: String, tenant: String, model: String) async throws -> Job {
        let draft: Job
        do {
            draft = try await job(id: rawID, tenant: tenant)
        } catch {
            throw JobServiceError.validation(.invalid("draft_job_id", "no job \(rawID)"), considered: [])
        }
        guard draft.spec.draft == true else {
            throw JobServiceError.validation(.invalid("draft_job_id", "job \(rawID) is not a draft"), considered: [])
        }
        guard draft.status == .succeeded else {
            throw JobServiceError.validation(.invalid("draft_job_id", "the draft has not succeeded (it is \(draft.status.rawValue))"), considered: [])
        }
        guard draft.model == model else {
            throw JobServiceError.validation(.invalid("model", "must be the draft's model, \(draft.model)"), considered: [])
        }
        return draft
    }
}
