import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SeedGateCore

/// Volcengine Ark's video task API over SeedGate's jobs, so code written for the Ark SDK works with
/// `Ark(base_url="http://<seedgate>/api/v3", api_key=<SeedGate key, or anything when the API is open>)`, and its
/// tasks run on whichever provider SeedGate's routing picks:
///
/// | route | does |
/// |---|---|
/// | `POST /api/v3/contents/generations/tasks` | creates a job (see `ArkTaskRequest`), answers `{"id"}` |
/// | `GET /api/v3/contents/generations/tasks/{id}` | the task object |
/// | `GET /api/v3/contents/generations/tasks?page_num&page_size&filter.*` | `{"items","total"}`, newest first |
/// | `DELETE /api/v3/contents/generations/tasks/{id}` | cancels an unfinished task; `{}` |
///
/// Every create, read and cancel goes through `JobService`. Errors are answered in Ark's shape.
struct ArkTasksRoutes: Sendable {
    let jobs: JobService
    let maxBodyBytes: Int

    static let path = "/api/v3/contents/generations/tasks"

    /// The facade's routes: everything they throw (a refused API key included) is answered as an Ark error.
    func routes<Context: RequestContext>(authentication: AuthenticationMiddleware<Context>) -> RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
            .add(middleware: FacadeErrorMiddleware<Context, ArkError>(facade: "ark") { ArkError($0) })
            .add(middleware: authentication)
        routes.post(RouterPath(Self.path)) { request, _ in
            // The create knows where each image came from in `content[]`, for the error's `param`.
            var indexes = ArkTaskRequest.ContentIndexes()
            do {
                return try await create(request, indexes: &indexes)
            } catch {
                throw ArkError(error, indexes: indexes)
            }
        }
        routes.get(RouterPath(Self.path)) { request, _ in try await list(request.uri.queryParameters) }
        routes.get(RouterPath(Self.path + "/:id")) { _, context in
            HTTPJSON.response(ArkTaskObject(try await find(context.parameters.get("id") ?? "")))
        }
        routes.delete(RouterPath(Self.path + "/:id")) { _, context in try await delete(id: context.parameters.get("id") ?? "") }
        return routes
    }

    func create(_ request: Request, indexes contentIndexes: inout ArkTaskRequest.ContentIndexes) async throws -> Response {
        let contentType = request.headers[.contentType]?.lowercased() ?? "application/json"
        guard contentType.hasPrefix("application/json") else {
            throw ArkError(status: 400, code: "InvalidParameter", message: "The request body must be application/json.")
        }
        let body = try await request.body.collect(upTo: maxBodyBytes)
        let decoded = try JSONDecoder().decode(ArkTaskRequest.self, from: body)
        var (createJob, indexes) = try decoded.createJob(catalogue: jobs.catalogue)
        contentIndexes = indexes
        try IdempotencyKey.apply(request, to: &createJob, api: "ark-tasks")
        let created = try await jobs.create(createJob, tenant: Caller.current.tenant)
        return HTTPJSON.response(ArkCreatedTask(id: created.job.id.rawValue), headers: created.replayed ? [.idempotentReplayed: "true"] : [:])
    }

    func list(_ query: Parameters) async throws -> Response {
        func page(_ name: String, default value: Int) throws -> Int {
            guard let raw = query.get(name) else { return value }
            guard let number = Int(raw), (1...500).contains(number) else { throw ArkError.invalidParameter(name, "must be an integer in [1, 500]") }
            return number
        }
        let pageNum = try page("page_num", default: 1)
        let pageSize = try page("page_size", default: 10)
        var base = JobQuery(tenant: Caller.current.visibleTenant)
        if let raw = query.get("filter.status") {
            guard let status = JobStatus(rawValue: raw) else {
                throw ArkError.invalidParameter("filter.status", "must be queued, running, cancelled, succeeded, failed or expired")
            }
            base.status = status
        }
        if let raw = query.get("filter.model") {
            // A model no provider knows matches no task (Ark documents an endpoint id here; SeedGate has none).
            guard let model = FacadeModels.canonical(raw, in: jobs.catalogue) else { return HTTPJSON.response(ArkTaskList(items: [], total: 0)) }
            base.model = model
        }
        var tier: ServiceTier?
        if let raw = query.get("filter.service_tier") {
            guard let value = ServiceTier(rawValue: raw) else { throw ArkError.invalidParameter("filter.service_tier", "must be default or flex") }
            tier = value
        }
        let taskIDs = query.getAll("filter.task_ids")
        var matching: [Job]
        if taskIDs.isEmpty {
            matching = try await JobScan.newestFirst(jobs, base).jobs
        } else {
            matching = []
            for id in Set(taskIDs) {
                if let job = try? await jobs.job(id: id, tenant: base.tenant), base.matches(job) { matching.append(job) }
            }
            matching.sort { $0.id > $1.id }
        }
        if let tier { matching = matching.filter { ($0.spec.serviceTier ?? .default) == tier } }
        let items = matching.dropFirst((pageNum - 1) * pageSize).prefix(pageSize).map(ArkTaskObject.init)
        return HTTPJSON.response(ArkTaskList(items: Array(items), total: matching.count))
    }

    /// As Ark: a queued task is cancelled (a running one too, where the provider allows it); a cancelled task
    /// cannot be deleted; a finished task is "deleted", which in SeedGate only acknowledges: the job is kept.
    func delete(id: String) async throws -> Response {
        let job = try await find(id)
        switch job.status {
        case .cancelled:
            throw ArkError(
                status: 400, code: "InvalidAction.TaskNotCancellable",
                message: "The task \(id) cannot be cancelled or deleted in its current status cancelled.", param: "id"
            )
        case .succeeded, .failed, .expired:
            return HTTPJSON.response(ArkEmptyObject())
        case .queued, .running:
            do {
                _ = try await jobs.cancel(id: id, tenant: Caller.current.visibleTenant, patience: FacadeCancel.patience)
            } catch JobServiceError.conflict(let conflict) {
                let fresh = try await find(id)
                if [.succeeded, .failed, .expired].contains(fresh.status) { return HTTPJSON.response(ArkEmptyObject()) }
                throw ArkError(
                    status: 400, code: "InvalidAction.TaskNotCancellable",
                    message: "The task \(id) cannot be cancelled or deleted in its current status \(fresh.status.rawValue): \(conflict.message).",
                    param: "id"
                )
            }
            return HTTPJSON.response(ArkEmptyObject())
        }
    }

    /// The caller's task, or Ark's 404.
    private func find(_ id: String) async throws -> Job {
        do {
            return try await jobs.job(id: id, tenant: Caller.current.visibleTenant)
        } catch JobServiceError.notFound {
            throw ArkError.taskNotFound(id)
        }
    }
}
