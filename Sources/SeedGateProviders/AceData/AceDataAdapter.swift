import Foundation
import SeedGateCore

/// AceData Cloud (`https://api.acedata.cloud`), a reseller of Seedance 1.x (and 2.x, not offered here). SeedGate
/// creates a video with `POST /seedance/videos` (API token as `Authorization: Bearer`) and then follows AceData's
/// task with `POST /seedance/tasks` (`action: retrieve` for one id, `retrieve_batch` for many).
///
/// AceData's create is synchronous by default: without a switch it holds the HTTP connection for the whole
/// generation (~1–2 min) and answers with the finished video. The seed document names `callback_url` as the switch
/// [S003], the newer guides also `async: true` [DOCS-VIDEOS]; SeedGate sends both, the job's callback route as
/// `callback_url` or, when it has none, the manifest's `callback_placeholder` (default `dummy`, the value AceData's
/// own task example carries [DOCS-TASKS]). AceData then answers at once with `{"task_id"}` — its own task id (a
/// UUID), the one `/seedance/tasks` takes; the Ark task behind it (`data.task_id`, `cgt-…`) is never used. Should a
/// create answer synchronously anyway (the finished or failed task in the create answer), the submission carries
/// that result, so the job ends with its video; a create our transport cuts off is a timeout with the request sent,
/// which the engine records as an unknown outcome and never resubmits.
///
/// A task record has no status word until the task completes: `finished_at`, `elapsed` and `response` (the body the
/// create would have answered) appear then. `response.data.status` relays Ark's words (`succeeded`, `failed`, …);
/// `success: false` with `error.code` is a failure. AceData POSTs that same response once, on completion, to
/// `callback_url`. It documents no cancel. Errors are `{"success": false, "error": {"code", "message"}}`.
/// Model ids and the base URL come from `Providers/acedata/manifest.yaml`.
public struct AceDataAdapter: ProviderAdapter {
    /// The provider's id, equal to its folder under `Providers/`.
    public static let providerID: ProviderID = "acedata"
    /// The create endpoint, relative to the base URL.
    public static let videosPath = "/seedance/videos"
    /// The task query endpoint, relative to the base URL.
    public static let tasksPath = "/seedance/tasks"

    /// The adapter holds no state: base URL, credentials and transport arrive with each call's context.
    public init() {}

    /// `acedata`.
    public var id: ProviderID { Self.providerID }
    /// Ids per `retrieve_batch` call. AceData documents no limit; 50 keeps each answer (full task records, with
    /// the original request) small.
    public var maxBatchSize: Int { 50 }

    /// Creates a task in async mode; a create that answers with the finished (or failed) result carries it along.
    public func submit(_ request: SubmitRequest, context: ProviderContext) async throws(ProviderError) -> Submission {
        let body = try JSONExchange.encode(AceDataMapping.createBody(for: request, options: context.options))
        let response = try await send(Self.videosPath, body: body, call: .create, context: context)
        let answer = try decode(AceDataGenerateResponse.self, from: response, expected: "a task id")
        guard let taskID = answer.taskID, !taskID.isEmpty else {
            // A refusal dressed as a success (`success: false`, no task), or an answer without an id.
            if answer.success == false { throw AceDataErrors.error(for: response, call: .create) }
            throw AceDataErrors.malformed(response, expected: "a task_id")
        }
        guard AceDataMapping.speaks(answer) else { return Submission(taskID: taskID) }
        return Submission(taskID: taskID, snapshot: AceDataMapping.snapshot(of: answer, taskID: taskID, provider: id))
    }

    /// One id: `retrieve`. Several: `retrieve_batch` per chunk of `maxBatchSize`; an id missing from a batch
    /// answer is confirmed with its own `retrieve`.
    public func fetch(_ targets: [FetchTarget], context: ProviderContext) async throws(ProviderError) -> [String: FetchResult] {
        var seen = Set<String>()
        let ids = targets.map(\.taskID).filter { seen.insert($0).inserted }
        if ids.count == 1 { return [ids[0]: try await retrieve(ids[0], context: context)] }
        var results: [String: FetchResult] = [:]
        for start in stride(from: 0, to: ids.count, by: maxBatchSize) {
            let chunk = Array(ids[start..<min(start + maxBatchSize, ids.count)])
            let listed = try await retrieveBatch(chunk, context: context)
            for taskID in chunk {
                results[taskID] = if let snapshot = listed[taskID] { .found(snapshot) } else { try await retrieve(taskID, context: context) }
            }
        }
        return results
    }

    /// AceData documents no way to cancel a task.
    public func cancel(taskID: String, context: ProviderContext) async throws(ProviderError) -> CancelOutcome {
        throw ProviderError(.unsupported, providerMessage: "AceData has no cancel operation", requestSent: false)
    }

    /// Reads a callback body: the final generate response, `task_id` being AceData's task id.
    public func status(forWord word: String) -> UpstreamSnapshot.Status {
        AceDataMapping.status(word)
    }

    public func decodeCallback(_ body: Data) throws(ProviderError) -> UpstreamSnapshot {
        guard let answer = try? JSONDecoder().decode(AceDataGenerateResponse.self, from: body),
            let taskID = answer.taskID, !taskID.isEmpty
        else {
            throw ProviderError(
                .malformedResponse,
                providerMessage: "expected an AceData generate response with a task_id, got: \(AceDataErrors.bodySnippet(body) ?? "an empty body")"
            )
        }
        return AceDataMapping.snapshot(of: answer, taskID: taskID, provider: id)
    }

    // MARK: calls

    /// `{"action":"retrieve","id"}`. A 404, or an answer that is no task record at all (`{}`, `null`), means
    /// AceData does not know the id (its answer for an unknown id is not documented).
    private func retrieve(_ taskID: String, context: ProviderContext) async throws(ProviderError) -> FetchResult {
        let response: UpstreamResponse
        do {
            response = try await send(Self.tasksPath, body: JSONExchange.encode(AceDataTasksQuery.retrieve(taskID)), call: .task, context: context)
        } catch  where error.kind == .notFound {
            return .notFound
        }
        if let record = try? JSONDecoder().decode(AceDataTaskRecord.self, from: response.body) {
            guard record.id == taskID else { throw AceDataErrors.malformed(response, expected: "task \(taskID), not \(record.id)") }
            return .found(AceDataMapping.snapshot(of: record, provider: id))
        }
        if let envelope = try? JSONDecoder().decode(AceDataErrorEnvelope.self, from: response.body), envelope.success == false {
            throw AceDataErrors.error(for: response, call: .task)
        }
        if Self.isEmptyAnswer(response.body) { return .notFound }
        throw AceDataErrors.malformed(response, expected: "a task record")
    }

    /// `{"action":"retrieve_batch","ids"}`; returns the snapshots of the asked ids the answer contains.
    private func retrieveBatch(_ ids: [String], context: ProviderContext) async throws(ProviderError) -> [String: UpstreamSnapshot] {
        let response = try await send(Self.tasksPath, body: JSONExchange.encode(AceDataTasksQuery.retrieveBatch(ids)), call: .task, context: context)
        let batch = try decode(AceDataTaskBatch.self, from: response, expected: "a task batch")
        let asked = Set(ids)
        var snapshots: [String: UpstreamSnapshot] = [:]
        for record in batch.items where asked.contains(record.id) {
            snapshots[record.id] = AceDataMapping.snapshot(of: record, provider: id)
        }
        return snapshots
    }

    // MARK: plumbing

    /// POSTs one JSON body; transport failures, non-2xx answers and 2xx `success: false` refusals that name no
    /// task become `ProviderError`s.
    private func send(_ path: String, body: Data, call: AceDataErrors.Call, context: ProviderContext) async throws(ProviderError) -> UpstreamResponse
    {
        try await JSONExchange.send(
            "POST", path, body: body, authorization: "Bearer \(try context.credentials.required("api_key"))",
            context: context, classify: { AceDataErrors.error(for: $0, call: call) }
        )
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from response: UpstreamResponse, expected: String) throws(ProviderError) -> Value {
        guard let value = try? JSONDecoder().decode(type, from: response.body) else {
            throw AceDataErrors.malformed(response, expected: expected)
        }
        return value
    }

    /// An empty body, `null`, or a JSON object without any field.
    private static func isEmptyAnswer(_ body: Data) -> Bool {
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text == "null" { return true }
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
        return object.isEmpty
    }
}
