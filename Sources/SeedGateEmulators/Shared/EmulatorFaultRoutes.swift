import Foundation
import Hummingbird
import SeedGateCore

/// Helper routes for fault-injection and load tests, served by every emulator without authentication:
///
/// - `POST /emulator/faults` arms faults (body: `FaultSettings`) and answers the plan as `GET` does; a refused
///   body answers 400 `{"error": "…"}` and changes nothing.
/// - `GET /emulator/faults` answers `FaultPlanSnapshot`: the armed faults, the tally of injected ones and the
///   kinds the emulator honours.
/// - `DELETE /emulator/faults` disarms everything, clears the tally and answers the empty plan.
/// - `GET /emulator/tasks` answers `{"tasks":[{"id","status","created_at_ms","finished_at_ms"}]}` for every
///   task held, oldest first: the status is the neutral one (`queued` … `expired`, never overridden) and
///   `finished_at_ms` is when the task reached its terminal status (unix milliseconds), `null` until then.
/// - `GET`/`POST`/`DELETE /emulator/references`: which client reference each task's create carried (`TaskReferences`).
/// - `GET`/`DELETE /emulator/traces`: the `traceparent` of the last creates and status reads (`ReceivedTraceHeaders`).
enum EmulatorFaultRoutes {
    static func add<Spec: Sendable>(to router: Router<EmulatorRequestContext>, book: EmulatedTaskBook<Spec>) {
        let faults = book.faults
        router.get("/emulator/faults") { _, _ -> Response in
            answer(await faults.snapshot())
        }
        router.post("/emulator/faults") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            do throws(FaultSettingsError) {
                let settings = try FaultSettings.decode(Data(body.readableBytesView))
                return answer(try await faults.apply(settings))
            } catch {
                return EmulatorHelperRoutes.jsonResponse(.badRequest, encode(["error": error.message]))
            }
        }
        router.delete("/emulator/faults") { _, _ -> Response in
            await faults.clear()
            return answer(await faults.snapshot())
        }
        router.get("/emulator/tasks") { _, _ -> Response in
            let tasks = await book.allStates().map(EmulatorTaskTiming.init)
            return answer(["tasks": tasks])
        }
        TaskReferenceRoutes.add(to: router, references: book.references)
        ReceivedTraceHeaderRoutes.add(to: router, traces: book.traceHeaders)
    }

    private static func answer(_ value: some Encodable) -> Response {
        EmulatorHelperRoutes.jsonResponse(.ok, encode(value))
    }

    private static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}

/// One task of `GET /emulator/tasks`.
struct EmulatorTaskTiming: Encodable {
    var id: String
    var status: String
    var createdAtMs: Int64
    var finishedAtMs: Int64?

    init<Spec>(_ state: EmulatedTaskState<Spec>) {
        id = state.id
        status = state.status.rawValue
        createdAtMs = Self.milliseconds(state.task.createdAt)
        finishedAtMs = state.status.isTerminal ? Self.milliseconds(state.updatedAt) : nil
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    enum CodingKeys: String, CodingKey {
        case id, status
        case createdAtMs = "created_at_ms"
        case finishedAtMs = "finished_at_ms"
    }

    /// Writes `finished_at_ms` as `null` while the task is unfinished.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(status, forKey: .status)
        try container.encode(createdAtMs, forKey: .createdAtMs)
        try container.encode(finishedAtMs, forKey: .finishedAtMs)
    }
}
