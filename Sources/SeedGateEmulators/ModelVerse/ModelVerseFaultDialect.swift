import Hummingbird
import SeedGateCore

/// Where faults go in ModelVerse's task API: the submit and the status read; errors in the platform's envelope
/// (`ModelVerseAPIError`): 429 `rate_limit_error`/`rate_limit` and 500 `internal_error`/`internal_error`, the
/// platform table's rows (modelverse.md, Errors [MV-REPO common/error-code.md]). The table is written for the whole
/// platform and does not say which rows the task endpoints return; these two are taken as they are, without a
/// `Retry-After` header (none is documented: the stricter reading). The status word sits at `output.task_status`.
struct ModelVerseFaultDialect: EmulatorFaultDialect {
    let routes: [FaultRoute] = [
        .create(.post, "/v1/tasks/submit"),
        .statusRead(.get, "/v1/tasks/status"),
    ]

    func rateLimited(_ context: EmulatorRequestContext) -> Response {
        ModelVerseAPIError.rateLimited.response()
    }

    func internalError(_ context: EmulatorRequestContext) -> Response {
        ModelVerseAPIError.internalError.response()
    }

    func overrideStatus(_ word: String, in answer: inout JSONValue) {
        answer.set(.string(word), at: ["output", "task_status"])
    }
}
