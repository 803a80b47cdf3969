import Foundation
import SeedGateCore

/// The Ark content-generation task API, shared by every provider that speaks it (Volcengine Ark, BytePlus
/// ModelArk): the same paths, bodies, statuses and errors, at another base URL with other model ids, both of
/// which come from the provider's manifest. An adapter for such a provider only names itself and delegates here.
///
/// Calls (paths under the configured base URL; facts: docs/providers/volcengine-ark.md):
/// - create: `POST /api/v3/contents/generations/tasks` → `{"id"}`;
/// - one task: `GET …/tasks/{id}`;
/// - several tasks: `GET …/tasks?page_num=1&page_size=n&filter.task_ids=a&filter.task_ids=b`, once per service tier
///   (`filter.service_tier=flex` for flex tasks); an asked id missing from the list is confirmed with a `GET`;
/// - cancel: `GET …/tasks/{id}`, `DELETE …/tasks/{id}` only while it is queued, then `GET` again to see what happened;
/// - callbacks: Ark POSTs the task object to the task's `callback_url`.
public struct ArkTasksDialect: Sendable {
    /// The collection every call works on, relative to the provider's base URL.
    public static let tasksPath = "/api/v3/contents/generations/tasks"

    /// The provider speaking the dialect, named in job error messages.
    public let provider: ProviderID
    /// Ids per list call: Ark allows `page_size` up to 500, 100 keeps the query string short.
    public let maxBatchSize = 100

    /// A dialect speaking for `provider` (the id only labels job errors; the base URL comes with each call's context).
    public init(provider: ProviderID) {
        self.provider = provider
    }

    /// Creates a task; Ark answers with its id only.
    public func submit(_ request: SubmitRequest, context: ProviderContext) async throws(ProviderError) -> Submission {
        let data = try JSONExchange.encode(try ArkMapping.createBody(for: request))
        let response = try await send("POST", Self.tasksPath, body: data, call: .create, context: context)
        let created = try decode(ArkTaskReference.self, from: response, expected: "a task id")
        guard !created.id.isEmpty else { throw ArkErrors.malformed(response, expected: "a non-empty task id") }
        return Submission(taskID: created.id)
    }

    /// Looks up tasks: a single one with `GET`, several with list calls grouped by service tier.
    public func fetch(_ targets: [FetchTarget], context: ProviderContext) async throws(ProviderError) -> [String: FetchResult] {
        var seen = Set<String>()
        let unique = targets.filter { seen.insert($0.taskID).inserted }
        if unique.count == 1 { return [unique[0].taskID: try await task(unique[0].taskID, context: context)] }

        var results: [String: FetchResult] = [:]
        for tier in ServiceTier.allCases {
            let ids = unique.filter { $0.serviceTier == tier }.map(\.taskID)
            for start in stride(from: 0, to: ids.count, by: maxBatchSize) {
                let chunk = Array(ids[start..<min(start + maxBatchSize, ids.count)])
                let listed = try await list(chunk, tier: tier, context: context)
                for id in chunk {
                    results[id] = if let snapshot = listed[id] { .found(snapshot) } else { try await task(id, context: context) }
                }
            }
        }
        return results
    }

    /// Cancels a queued task, and nothing else. Ark's `DELETE` cancels a `queued` task but *deletes the record* of a
    /// `succeeded`, `failed` or `expired` one, and refuses a `running` or `cancelled` one [REF-DELETE] [S001 Delete or
    /// cancel video generation tasks]. So a `DELETE` that lands just after the task finished would delete the paid
    /// video. The service re-reads the task before calling this; the window that leaves is closed here as far as
    /// Ark's API allows (it has no conditional delete):
    /// 1. the task is read again right before the `DELETE`; unless it is still `queued`, nothing is deleted and the
    ///    answer is its state (`.finished` for an ended task, `.refused` for a running one);
    /// 2. after the `DELETE` the task is read once more: only `cancelled` is reported as cancelled. A task that is gone
    ///    ended in the milliseconds between the two calls and Ark deleted its record: that is reported as refused
    ///    (nothing was cancelled), never as cancelled.
    public func cancel(taskID: String, context: ProviderContext) async throws(ProviderError) -> CancelOutcome {
        guard case .found(let before) = try await task(taskID, context: context) else {
            throw ProviderError(.notFound, providerMessage: "\(provider) no longer knows task \(taskID)")
        }
        if let outcome = notQueued(before) { return outcome }
        do {
            _ = try await send("DELETE", taskPath(taskID), call: .task, context: context)
        } catch {
            // A refusal (it started running in between): the task's state says why. The refusal's HTTP status and code
            // are not documented (volcengine-ark.md, Unknown), so the task is read again rather than the code trusted.
            guard [.invalidRequest, .conflict, .notFound].contains(error.kind),
                case .found(let now) = try await task(taskID, context: context), let outcome = notQueued(now)
            else { throw error }
            return outcome
        }
        switch try await task(taskID, context: context) {
        case .found(let after) where after.status == .mapped(.cancelled):
            return .cancelled
        case .found(let after):
            return notQueued(after) ?? .refused("\(provider) still shows the task queued after the cancel call")
        case .notFound:
            context.logger.warning(
                "cancel met a task that ended just before the DELETE; Ark deleted its record",
                metadata: ["provider": "\(provider)", "upstream.task_id": "\(taskID)"])
            return .refused(
                "the task ended just before the cancel reached \(provider), which then deleted its record (a DELETE on an ended task "
                    + "deletes it); nothing was cancelled")
        }
    }

    /// The cancel's answer for a task that is no longer `queued`; nil while it is.
    private func notQueued(_ snapshot: UpstreamSnapshot) -> CancelOutcome? {
        switch snapshot.status {
        case .mapped(.queued): nil
        case .mapped(.running): .refused("\(provider) cannot cancel a running task (only a queued one)")
        case .mapped(let status) where status.isTerminal: .finished(snapshot)
        default: .refused("\(provider) reports the task as \(snapshot.rawStatus), which it cannot cancel")
        }
    }

    /// Reads a callback body: the task object, as `GET` returns it.
    public func decodeCallback(_ body: Data) throws(ProviderError) -> UpstreamSnapshot {
        guard let task = try? JSONDecoder().decode(ArkTask.self, from: body) else {
            throw ProviderError(
                .malformedResponse, providerMessage: "expected an Ark task object, got: \(ArkErrors.bodySnippet(body) ?? "an empty body")"
            )
        }
        return ArkMapping.snapshot(task, provider: provider)
    }

    // MARK: calls

    /// `GET …/tasks/{id}`; a 404 means Ark no longer knows the task (deleted, or older than its 7-day window).
    private func task(_ taskID: String, context: ProviderContext) async throws(ProviderError) -> FetchResult {
        let response: UpstreamResponse
        do {
            response = try await send("GET", taskPath(taskID), call: .task, context: context)
        } catch  where error.kind == .notFound {
            return .notFound
        }
        let task = try decode(ArkTask.self, from: response, expected: "a task object")
        guard task.id == taskID else { throw ArkErrors.malformed(response, expected: "task \(taskID), not \(task.id)") }
        return .found(ArkMapping.snapshot(task, provider: provider))
    }

    /// One list call for tasks of one tier; returns the snapshots of the asked ids that the list contains.
    private func list(_ ids: [String], tier: ServiceTier, context: ProviderContext) async throws(ProviderError) -> [String: UpstreamSnapshot] {
        var query = [QueryItem("page_num", "1"), QueryItem("page_size", String(ids.count))]
        query += ids.map { QueryItem("filter.task_ids", $0) }
        if tier != .default { query.append(QueryItem("filter.service_tier", tier.rawValue)) }
        let response = try await send("GET", Self.tasksPath, query: query, call: .task, context: context)
        let page = try decode(ArkTaskList.self, from: response, expected: "a task list")
        let asked = Set(ids)
        var snapshots: [String: UpstreamSnapshot] = [:]
        for task in page.items ?? [] where asked.contains(task.id) {
            snapshots[task.id] = ArkMapping.snapshot(task, provider: provider)
        }
        return snapshots
    }

    // MARK: plumbing

    /// Sends one request with the API key as a bearer token; non-2xx answers are classified per call.
    private func send(
        _ method: String, _ path: String, query: [QueryItem] = [], body: Data? = nil, call: ArkErrors.Call,
        context: ProviderContext
    ) async throws(ProviderError) -> UpstreamResponse {
        try await JSONExchange.send(
            method, path, query: query, body: body, authorization: "Bearer \(try context.credentials.required("api_key"))",
            context: context, classify: { ArkErrors.error(for: $0, call: call) }
        )
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from response: UpstreamResponse, expected: String) throws(ProviderError) -> Value {
        guard let value = try? JSONDecoder().decode(type, from: response.body) else {
            throw ArkErrors.malformed(response, expected: expected)
        }
        return value
    }

    private func taskPath(_ taskID: String) -> String {
        Self.tasksPath + "/" + (taskID.addingPercentEncoding(withAllowedCharacters: Self.idCharacters) ?? taskID)
    }

    /// Characters a task id may carry unescaped in a path segment (RFC 3986 unreserved).
    private static let idCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )
}
