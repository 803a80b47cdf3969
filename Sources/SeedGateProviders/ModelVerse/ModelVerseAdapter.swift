import Foundation
import SeedGateCore

/// ModelVerse (UCloud 优云智算), `https://api.modelverse.cn`, a reseller that serves Seedance 1.5 pro through its
/// generic asynchronous task API (facts: docs/providers/modelverse.md, [S002]).
///
/// Flow: SeedGate submits with `POST /v1/tasks/submit` and the body `{"model", "input": {"content": […]},
/// "parameters": {…}}` (Ark's content items, generation settings nested under `parameters`), authenticated with the
/// raw API key in `Authorization` (no `Bearer`, as the video docs show). The answer carries only
/// `output.task_id`. SeedGate then asks `GET /v1/tasks/status?task_id=…`, one task per call (there is no batch query),
/// and follows `output.task_status` through `Pending → Running → Success | Failure | Expired` (capitalised). A
/// successful task lists its MP4 in `output.urls[]` with `usage` tokens; a failed one has only `error_message`,
/// without a code. ModelVerse documents no callbacks and no way to cancel or delete a task.
public struct ModelVerseAdapter: ProviderAdapter {
    /// The provider's id, equal to its folder under `Providers/`.
    public static let providerID: ProviderID = "modelverse"
    /// Submit path, relative to the configured base URL.
    public static let submitPath = "/v1/tasks/submit"
    /// Status path, relative to the configured base URL; the task id goes in the `task_id` query item.
    public static let statusPath = "/v1/tasks/status"

    /// The adapter holds no state: base URL, credentials and transport arrive with each call's context.
    public init() {}

    public var id: ProviderID { Self.providerID }
    /// One task per status call: ModelVerse documents no batch query.
    public var maxBatchSize: Int { 1 }

    /// Submits a task; ModelVerse answers with its id only.
    public func submit(_ request: SubmitRequest, context: ProviderContext) async throws(ProviderError) -> Submission {
        let data = try JSONExchange.encode(try ModelVerseMapping.submitBody(for: request))
        let response = try await send("POST", Self.submitPath, body: data, call: .submit, context: context)
        let created = try decode(ModelVerseSubmitResponse.self, from: response, expected: "output.task_id")
        guard !created.output.taskID.isEmpty else {
            throw ModelVerseErrors.malformed(response, expected: "a non-empty output.task_id")
        }
        return Submission(taskID: created.output.taskID)
    }

    /// Looks up each task with its own status call (the service tier plays no part in the lookup).
    public func fetch(_ targets: [FetchTarget], context: ProviderContext) async throws(ProviderError) -> [String: FetchResult] {
        var results: [String: FetchResult] = [:]
        for target in targets where results[target.taskID] == nil {
            results[target.taskID] = try await status(target.taskID, context: context)
        }
        return results
    }

    /// ModelVerse documents no cancel or delete call for tasks, so nothing is sent (the manifest's
    /// `cancellable_statuses: []` keeps the service from asking).
    public func cancel(taskID: String, context: ProviderContext) async throws(ProviderError) -> CancelOutcome {
        throw ProviderError(.unsupported, providerMessage: "ModelVerse documents no way to cancel a task", requestSent: false)
    }

    /// ModelVerse documents no callbacks; any body posted in its name is refused.
    public func status(forWord word: String) -> UpstreamSnapshot.Status {
        ModelVerseMapping.status(word)
    }

    public func decodeCallback(_ body: Data) throws(ProviderError) -> UpstreamSnapshot {
        throw ProviderError(.unsupported, providerMessage: "ModelVerse sends no callbacks", requestSent: false)
    }

    // MARK: calls

    /// `GET /v1/tasks/status?task_id=…`; a 404 is read as ModelVerse no longer knowing the task (undocumented).
    private func status(_ taskID: String, context: ProviderContext) async throws(ProviderError) -> FetchResult {
        let response: UpstreamResponse
        do {
            response = try await send(
                "GET", Self.statusPath, query: [QueryItem("task_id", taskID)], call: .status, context: context
            )
        } catch  where error.kind == .notFound {
            return .notFound
        }
        let answer = try decode(ModelVerseStatusResponse.self, from: response, expected: "output.task_id and output.task_status")
        guard answer.output.taskID == taskID else {
            throw ModelVerseErrors.malformed(response, expected: "task \(taskID), not \(answer.output.taskID)")
        }
        return .found(ModelVerseMapping.snapshot(answer, provider: id))
    }

    // MARK: plumbing

    /// Sends one request; transport failures and non-2xx answers become `ProviderError`s.
    private func send(
        _ method: String, _ path: String, query: [QueryItem] = [], body: Data? = nil, call: ModelVerseErrors.Call,
        context: ProviderContext
    ) async throws(ProviderError) -> UpstreamResponse {
        // The raw key, as [S002] shows for the task endpoints (the general docs and third parties use `Bearer`).
        try await JSONExchange.send(
            method, path, query: query, body: body, authorization: try context.credentials.required("api_key"),
            context: context, classify: { ModelVerseErrors.error(for: $0, call: call) }
        )
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from response: UpstreamResponse, expected: String) throws(ProviderError) -> Value {
        guard let value = try? JSONDecoder().decode(type, from: response.body) else {
            throw ModelVerseErrors.malformed(response, expected: expected)
        }
        return value
    }
}
