import AsyncHTTPClient
import Foundation
import SeedGateEmulators
import Synchronization
import Testing

@Suite("Emulator faults: control routes and creates")
struct EmulatorFaultTests {
    @Test("POST merges and answers the plan, GET reads it, DELETE clears it; bad bodies are refused")
    func controlRoutes() async throws {
        try await withArkEmulator { ark in
            let armed = try await ark.postFaults(["create_rate_limited": 2, "read_delay_ms": 50, "status_override": "paused"])
            #expect(armed.status == 200)
            #expect(armed.json["create_rate_limited"] as? Int == 2)
            #expect(armed.json["read_delay_count"] as? Int == 1, "a delay without its count arms one read")
            #expect(armed.json["status_override"] as? String == "paused")
            #expect(armed.json["status_override_count"] as? Int == 1)
            #expect(armed.json["honoured"] as? [String] == ["create", "read", "callbacks"])

            try await ark.arm(["create_drop": 1, "duplicate_callbacks": true])
            let plan = try await ark.faultPlan()
            #expect(plan["create_rate_limited"] as? Int == 2, "keys not sent are left alone")
            #expect(plan["create_drop"] as? Int == 1)
            #expect(plan["duplicate_callbacks"] as? Bool == true)
            #expect((plan["injected"] as? [String: Any])?["create_drop"] as? Int == 0)

            for bad: [String: Any] in [
                ["create_dorp": 1], ["create_drop": -1], ["create_drop": "x"], ["create_delay_count": 2], ["status_override": ""],
            ] {
                let reply = try await ark.postFaults(bad)
                #expect(reply.status == 400, "\(bad)")
                #expect(reply.json["error"] is String)
            }
            #expect(try await ark.faultPlan()["create_drop"] as? Int == 1, "a refused body changes nothing")

            let cleared = try await ark.send("DELETE", "/emulator/faults", key: nil)
            #expect(cleared.status == 200)
            for key in ["create_rate_limited", "create_drop", "read_delay_count", "status_override_count"] {
                #expect(cleared.json[key] as? Int == 0, "\(key)")
            }
            #expect(cleared.json["status_override"] is NSNull)
            #expect(cleared.json["duplicate_callbacks"] as? Bool == false)
        }
    }

    @Test("create_rate_limited answers Ark's 429 (no Retry-After, none documented), creates nothing, and is used up after N")
    func rateLimited() async throws {
        try await withArkEmulator { ark in
            try await ark.arm(["create_rate_limited": 2])
            for _ in 0..<2 {
                let reply = try await ark.create(textToVideo())
                #expect(reply.status == 429)
                #expect(reply.errorCode == "ModelAccountRpmRateLimitExceeded")
                #expect(reply.headers["retry-after"] == nil)
                #expect(reply.headers["x-request-id"] != nil, "the gatekeeper still tags fault answers")
            }
            #expect(try await ark.create(textToVideo()).status == 200)
            let counters = await ark.emulator.counters()
            #expect(counters.creates == 1 && counters.createAttempts == 3 && counters.tasks == 1)
            #expect(try await ark.injected("create_rate_limited") == 2)
            #expect(try await ark.faultPlan()["create_rate_limited"] as? Int == 0)
        }
    }

    @Test("create_server_error answers Ark's 500 InternalServiceError and creates nothing")
    func serverError() async throws {
        try await withArkEmulator { ark in
            try await ark.arm(["create_server_error": 1])
            let refused = try await ark.create(textToVideo())
            #expect(refused.status == 500 && refused.errorCode == "InternalServiceError")
            #expect(try await ark.emulatedTasks().isEmpty)
            #expect(try await ark.create(textToVideo()).status == 200)
            #expect(await ark.emulator.counters().creates == 1)
        }
    }

    @Test("N armed rejections hit exactly N of many concurrent creates")
    func concurrentRejections() async throws {
        try await withArkEmulator { ark in
            try await ark.arm(["create_rate_limited": 3])
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<8 { group.addTask { try await ark.create(textToVideo("prompt \(index)")).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 429 }.count == 3)
            #expect(statuses.filter { $0 == 200 }.count == 5)
            #expect(await ark.emulator.counters().creates == 5)
        }
    }

    @Test("create_drop creates the task, then the client sees the connection closed instead of an answer")
    func dropConnection() async throws {
        try await withArkEmulator(ArkHarness.configuration(queue: 30, run: 1)) { ark in
            try await ark.arm(["create_drop": 1])
            let error = await #expect(throws: HTTPClientError.self) { try await ark.create(textToVideo()) }
            #expect(error == .remoteConnectionClosed)
            let tasks = try await ark.emulatedTasks()
            #expect(tasks.count == 1)
            #expect(tasks.first?["status"] as? String == "queued")
            let counters = await ark.emulator.counters()
            #expect(counters.creates == 1 && counters.createAttempts == 1 && counters.maxCreatesPerTask == 1)

            // The client retries the same request: the emulator now holds two tasks for one request.
            let retried = try await ark.createTask(textToVideo())
            #expect(retried != tasks.first?["id"] as? String)
            #expect(await ark.emulator.counters().maxCreatesPerTask == 2)
            #expect(try await ark.injected("create_drop") == 1)
        }
    }

    @Test("create_delay creates the task before answering; a client that gives up leaves it behind")
    func delayedCreate() async throws {
        try await withArkEmulator { ark in
            try await ark.arm(["create_delay_ms": 1_500, "create_delay_count": 2])
            let started = ContinuousClock.now
            let answered = Mutex(false)
            let answer = Task {
                let reply = try await ark.create(textToVideo("waited for"))
                answered.withLock { $0 = true }
                return reply
            }
            #expect(try await ark.eventually(within: 1) { try await ark.emulatedTasks().count == 1 })
            #expect(!answered.withLock { $0 }, "the task exists before the answer")
            let tasks = try await ark.emulatedTasks()
            let reply = try await answer.value
            #expect(ContinuousClock.now - started >= .milliseconds(1_500))
            #expect(reply.status == 200 && reply.json["id"] as? String == tasks.first?["id"] as? String)

            // The client gives up well before the 1.5 s answer, but late enough for its request to arrive on a busy machine.
            await #expect(throws: HTTPClientError.self) { try await ark.create(textToVideo("given up on"), timeout: .milliseconds(1_000)) }
            #expect(
                try await ark.eventually(within: 5) { try await ark.emulatedTasks().count == 2 }, "the provider accepted what the client gave up on")
            #expect(await ark.emulator.counters().creates == 2)

            // Used up after two creates: the third is not held.
            #expect(try await ark.create(textToVideo("after")).status == 200)
            #expect(try await ark.injected("create_delay") == 2)
        }
    }

    @Test("a plan made for fewer kinds refuses settings touching the others and changes nothing")
    func planRefusesUnhonouredKinds() async throws {
        let plan = FaultPlan(honoured: .callbacks)
        await #expect(throws: FaultSettingsError.self) { try await plan.apply(FaultSettings(createDrop: 1)) }
        await #expect(throws: FaultSettingsError.self) { try await plan.apply(FaultSettings(readMalformed: 1, dropCallbacks: true)) }
        let snapshot = await plan.snapshot()
        #expect(snapshot.honoured == ["callbacks"])
        #expect(snapshot.remaining.createDrop == 0 && snapshot.remaining.readMalformed == 0 && !snapshot.remaining.dropCallbacks)
    }
}
