import Crypto
import Foundation
import OpenAPIRuntime
import SeedGateAPI
import SeedGateCore

/// The unified API's handlers: decode → JobService → encode. Errors are thrown as domain errors and turned into
/// `application/problem+json` by `ProblemMiddleware`, so every handler only builds its success case.
struct JobsAPI: APIProtocol {
    /// The operations that need no client key, by the spec's path templates: health, readiness, the spec itself, and
    /// provider callbacks (their unguessable per-job URL is the credential).
    static let openPaths: Set<String> = ["/healthz", "/readyz", "/openapi.yaml", "/openapi.json", "/v1/callbacks/{provider}/{token}"]

    let jobs: JobService
    let emulated: Set<ProviderID>
    /// Demo mode: every provider is emulated, no job is real.
    var demo = false
    /// Signed links to archived files, added to every job shown (nil: none).
    var links: MediaLinks? = nil

    /// The tenant new jobs belong to.
    var tenant: String { Caller.current.tenant }
    /// The tenant whose jobs may be read (nil: an admin sees every tenant's).
    var visibleTenant: String? { Caller.current.visibleTenant }

    func createJob(_ input: Operations.CreateJob.Input) async throws -> Operations.CreateJob.Output {
        guard case .json(let body) = input.body else { throw ProblemDetails.unsupportedMediaType }
        var request = try CreateJob(body)
        if let key = input.headers.idempotencyKey {
            request.idempotencyKey = try IdempotencyKey.validated(key)
            request.fingerprint = try IdempotencyKey.fingerprint(body)
        }
        let created = try await jobs.create(request, tenant: tenant)
        return .accepted(
            .init(
                headers: .init(location: "/v1/jobs/\(created.job.id.rawValue)", idempotentReplayed: created.replayed ? ._true : nil),
                body: .json(.init(created.job, links: links, emulated: emulated, now: jobs.now())))
        )
    }

    func getJob(_ input: Operations.GetJob.Input) async throws -> Operations.GetJob.Output {
        let job = try await jobs.job(id: input.path.jobId, tenant: visibleTenant)
        let detail = try await JobDetail(job: job, jobs: jobs, links: links, emulated: emulated)
        return .ok(.init(headers: .init(seedGatePollAfterMs: detail.pollAfterMilliseconds), body: .json(detail.rendered)))
    }

    func streamJobEvents(_ input: Operations.StreamJobEvents.Input) async throws -> Operations.StreamJobEvents.Output {
        let job = try await jobs.job(id: input.path.jobId, tenant: visibleTenant)
        return .ok(.init(body: .textEventStream(JobEventStream.body(for: job, jobs: jobs, links: links, emulated: emulated))))
    }

    func receiveProviderCallback(_ input: Operations.ReceiveProviderCallback.Input) async throws -> Operations.ReceiveProviderCallback.Output {
        var body = Data()
        if case .json(let object) = input.body { body = HTTPJSON.data(object) }
        try await jobs.receiveCallback(provider: ProviderID(input.path.provider), token: input.path.token, body: body)
        return .ok(.init(body: .json(.init(status: .ok))))
    }

    func listJobs(_ input: Operations.ListJobs.Input) async throws -> Operations.ListJobs.Output {
        let query = input.query
        let limit = query.limit ?? 20
        guard (1...100).contains(limit) else {
            throw ProblemDetails(
                status: 400, code: "invalid_request", title: "Invalid request", detail: "limit must be between 1 and 100", field: "limit")
        }
        let page = try await jobs.list(
            JobQuery(
                tenant: visibleTenant, status: query.status.flatMap { JobStatus(rawValue: $0.rawValue) }, model: query.model,
                provider: query.provider.map({ ProviderID($0) }), limit: limit, after: try JobCursor.decode(query.cursor)
            ))
        return .ok(.init(body: .json(.init(page, links: links, emulated: emulated, now: jobs.now()))))
    }

    func cancelJob(_ input: Operations.CancelJob.Input) async throws -> Operations.CancelJob.Output {
        .ok(
            .init(
                body: .json(
                    .init(try await jobs.cancel(id: input.path.jobId, tenant: visibleTenant), links: links, emulated: emulated, now: jobs.now()))))
    }

    func listModels(_ input: Operations.ListModels.Input) async throws -> Operations.ListModels.Output {
        .ok(.init(body: .json(.init(jobs.providers))))
    }

    func listProviders(_ input: Operations.ListProviders.Input) async throws -> Operations.ListProviders.Output {
        .ok(.init(body: .json(.init(jobs.providers, emulated: emulated))))
    }

    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: .ok))))
    }

    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        do {
            // Bounded: a health check must answer even when the database does not.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await jobs.checkStore() }
                group.addTask {
                    try await Task.sleep(for: .seconds(2))
                    throw CancellationError()
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            throw ProblemDetails(status: 503, code: "unavailable", title: "Not ready", detail: "the job store cannot be reached")
        }
        return .ok(.init(body: .json(.init(status: .ok, demo: demo, emulatedProviders: emulated.map(\.rawValue).sorted()))))
    }
}

/// The opaque list cursor: the last job of the previous page, base64url-encoded.
enum JobCursor {
    static func encode(_ id: JobID) -> String {
        Data(id.rawValue.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String?) throws -> JobID? {
        guard let cursor else { return nil }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let id = JobID(String(decoding: data, as: UTF8.self)) else {
            throw ProblemDetails(
                status: 400, code: "invalid_request", title: "Invalid request", detail: "cursor is not one this API returned", field: "cursor")
        }
        return id
    }
}
