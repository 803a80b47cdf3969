import Hummingbird
import SeedGateCore

/// Where faults go in AceData's API: `POST /seedance/videos` is the create, `POST /seedance/tasks` (`retrieve` and
/// `retrieve_batch`) the status read; errors in AceData's envelope (`AceDataAPIError`): 429 `too_many_requests` and
/// 500 `api_error` [S003], with no `Retry-After` header (none is documented: the stricter reading).
///
/// The status word sits at `response.data.status` of a task record (acedata.md, Status vocabulary), and of every
/// record in `items` for a batch. A record still in progress has no `response` (INFERRED, acedata.md); the override
/// then gives it one as a finished record's is written (`success`, `task_id`, `trace_id`, and `data` with the
/// upstream `task_id`, `status` and `model`), so the word sits where a client reads it.
struct AceDataFaultDialect: EmulatorFaultDialect {
    let book: EmulatedTaskBook<AceDataTaskSpec>

    let routes: [FaultRoute] = [
        .create(.post, "/seedance/videos"),
        .statusRead(.post, "/seedance/tasks"),
    ]

    func rateLimited(_ context: EmulatorRequestContext) -> Response {
        AceDataAPIError.tooManyRequests.response(traceID: AceDataIDs.uuid())
    }

    func internalError(_ context: EmulatorRequestContext) -> Response {
        AceDataAPIError.apiError.response(traceID: AceDataIDs.uuid())
    }

    func overrideStatus(_ word: String, in answer: inout JSONValue) async {
        if case .array(let records)? = answer["items"] {
            var overridden: [JSONValue] = []
            for record in records { overridden.append(await overriding(word, in: record)) }
            answer.set(.array(overridden), at: ["items"])
        } else {
            answer = await overriding(word, in: answer)
        }
    }

    private func overriding(_ word: String, in record: JSONValue) async -> JSONValue {
        var record = record
        if record["response"] == nil, case .string(let id)? = record["id"], let state = await book.peek(id) {
            let data: [String: JSONValue] = [
                "task_id": .string(state.task.spec.upstreamTaskID), "model": .string(state.task.spec.model),
            ]
            let response: [String: JSONValue] = [
                "success": .bool(true), "task_id": .string(id), "trace_id": record["trace_id"] ?? .null, "data": .object(data),
            ]
            record.set(.object(response), at: ["response"])
        }
        record.set(.string(word), at: ["response", "data", "status"])
        return record
    }
}
