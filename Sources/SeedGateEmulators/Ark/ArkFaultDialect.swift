import Hummingbird
import SeedGateCore

/// Where faults go in Ark's API (Volcengine Ark and BytePlus ModelArk share it): the create, the task read and the
/// list call; errors in Ark's envelope with the request id (`ArkAPIError`); the status word at `status` of a task
/// object, `items[].status` of a list.
struct ArkFaultDialect: EmulatorFaultDialect {
    static let tasks = "/api/v3/contents/generations/tasks"

    let routes: [FaultRoute] = [
        .create(.post, tasks),
        .statusRead(.get, tasks + "/:id"),
        .statusRead(.get, tasks),
    ]

    func rateLimited(_ context: EmulatorRequestContext) -> Response {
        ArkAPIError.rateLimited.response(requestID: context.requestID)
    }

    func internalError(_ context: EmulatorRequestContext) -> Response {
        ArkAPIError.internalError.response(requestID: context.requestID)
    }

    func overrideStatus(_ word: String, in answer: inout JSONValue) {
        answer.set(.string(word), at: answer["items"] == nil ? ["status"] : ["items", "*", "status"])
    }
}
