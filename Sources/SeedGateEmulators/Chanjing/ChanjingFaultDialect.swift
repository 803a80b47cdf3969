import Hummingbird
import SeedGateCore

/// Where faults go in Chanjing's API: the submit, the task read and the task page; errors as Chanjing's envelope
/// (`ChanjingAPIError`) with code 40001 (QPS limit) and 50000 (internal error) [S004]. Chanjing documents the codes,
/// not the HTTP status that carries them (chanjing.md, Envelope and errors: HTTP 200 is INFERRED): the stricter
/// reading is taken, HTTP 200 with the code in the body, so a client must read `code` rather than the status line;
/// no `Retry-After` header (none is documented). The status word sits at `data.progress_desc` of a task read and
/// `data.list[].progress_desc` of a page.
struct ChanjingFaultDialect: EmulatorFaultDialect {
    let routes: [FaultRoute] = [
        .create(.post, "/open/v1/ai_creation/task/submit"),
        .statusRead(.get, "/open/v1/ai_creation/task"),
        .statusRead(.post, "/open/v1/ai_creation/task/page"),
    ]

    func rateLimited(_ context: EmulatorRequestContext) -> Response {
        ChanjingAPIError.rateLimited.response(traceID: ChanjingEmulator.traceID())
    }

    func internalError(_ context: EmulatorRequestContext) -> Response {
        ChanjingAPIError.internalError.response(traceID: ChanjingEmulator.traceID())
    }

    func overrideStatus(_ word: String, in answer: inout JSONValue) {
        let isPage = answer["data"]?["list"] != nil
        answer.set(.string(word), at: isPage ? ["data", "list", "*", "progress_desc"] : ["data", "progress_desc"])
    }
}
