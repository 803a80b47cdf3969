import Foundation
import SeedGateEmulators
import Testing

@Suite("Emulator faults: status reads, callbacks and task timings")
struct EmulatorFaultReadTests {
    @Test("read_malformed answers 200 with a body that is not JSON, for a task read and a list, then stops")
    func malformedReads() async throws {
        try await withArkEmulator { ark in
            let id = try await ark.createTask(textToVideo())
            try await ark.arm(["read_malformed": 2])
            let single = try await ark.task(id)
            let list = try await ark.listTasks()
            for reply in [single, list] {
                #expect(reply.status == 200)
                #expect(reply.headers["content-type"] == "application/json")
                #expect(!reply.body.isEmpty && !reply.isJSON)
            }
            let healthy = try await ark.task(id)
            #expect(healthy.isJSON && healthy.json["id"] as? String == id)
            #expect(await ark.emulator.counters().statusReads == 3)
        }
    }

    @Test("read_server_error answers Ark's 500 on the next N reads, which still count as status reads")
    func serverErrorReads() async throws {
        try await withArkEmulator { ark in
            let id = try await ark.createTask(textToVideo())
            try await ark.arm(["read_server_error": 2])
            let first = try await ark.task(id)
            #expect(first.status == 500 && first.errorCode == "InternalServiceError")
            #expect(try await ark.listTasks().status == 500)
            #expect(try await ark.task(id).status == 200)
            #expect(await ark.emulator.counters().statusReads == 3)
            #expect(try await ark.injected("read_server_error") == 2)
        }
    }

    @Test("read_delay holds the next N reads, then reads answer at once")
    func delayedReads() async throws {
        try await withArkEmulator { ark in
            let id = try await ark.createTask(textToVideo())
            try await ark.arm(["read_delay_ms": 600, "read_delay_count": 1])
            let started = ContinuousClock.now
            #expect(try await ark.task(id).status == 200)
            #expect(ContinuousClock.now - started >= .milliseconds(600))
            #expect(try await ark.faultPlan()["read_delay_count"] as? Int == 0)
            #expect(try await ark.injected("read_delay") == 1)
        }
    }

    @Test("status_override reports the word for every task on the next N reads, then the real status again")
    func statusOverride() async throws {
        try await withArkEmulator(ArkHarness.configuration(queue: 30, run: 1)) { ark in
            let first = try await ark.createTask(textToVideo("one"))
            _ = try await ark.createTask(textToVideo("two"))
            try await ark.arm(["status_override": "paused", "status_override_count": 2])
            let single = try await ark.task(first).json
            #expect(single["status"] as? String == "paused")
            #expect(single["id"] as? String == first, "everything else as usual")
            let items = try #require(try await ark.listTasks().json["items"] as? [[String: Any]])
            #expect(items.count == 2 && items.allSatisfy { $0["status"] as? String == "paused" })
            #expect(try await ark.status(first) == "queued")
            #expect(try await ark.faultPlan()["status_override"] is NSNull)
            #expect(try await ark.emulatedTasks().allSatisfy { $0["status"] as? String == "queued" }, "never overridden here")
        }
    }

    @Test("a read failure takes precedence and leaves the override for a later read")
    func failureBeforeOverride() async throws {
        try await withArkEmulator { ark in
            let id = try await ark.createTask(textToVideo())
            try await ark.arm(["read_server_error": 1, "status_override": "mystery"])
            #expect(try await ark.task(id).status == 500)
            #expect(try await ark.status(id) == "mystery")
            #expect(try await ark.status(id) != "mystery")
        }
    }

    @Test("drop_callbacks loses every event while true; later events are delivered again")
    func droppedCallbacks() async throws {
        try await withCallbackReceiver { url, inbox in
            try await withArkEmulator(ArkHarness.configuration(queue: 0.1, run: 0.2)) { ark in
                try await ark.arm(["drop_callbacks": true])
                _ = try await ark.createTask(textToVideo(["callback_url": url]))
                #expect(try await ark.eventually { try await ark.injected("drop_callbacks") == 3 })
                try await Task.sleep(for: .milliseconds(200))
                #expect(await inbox.deliveries.isEmpty)

                try await ark.arm(["drop_callbacks": false])
                _ = try await ark.createTask(textToVideo("delivered", ["callback_url": url]))
                #expect(try await ark.eventually { await inbox.acceptedStatuses == ["queued", "running", "succeeded"] })
                // The counters are settled once the sender has its answers, a moment after the receiver recorded them.
                #expect(try await ark.eventually { await ark.emulator.counters().callbacksDelivered == 3 })
                #expect(await ark.emulator.counters().callbacksAbandoned == 0)
            }
        }
    }

    @Test("duplicate_callbacks sends every event twice in a row")
    func duplicatedCallbacks() async throws {
        try await withCallbackReceiver { url, inbox in
            try await withArkEmulator(ArkHarness.configuration(queue: 0.1, run: 0.2)) { ark in
                try await ark.arm(["duplicate_callbacks": true])
                let id = try await ark.createTask(textToVideo(["callback_url": url]))
                #expect(try await ark.eventually { await inbox.acceptedStatuses.count == 6 })
                #expect(await inbox.acceptedStatuses == ["queued", "queued", "running", "running", "succeeded", "succeeded"])
                #expect(await inbox.deliveries.allSatisfy { $0.json["id"] as? String == id })
                #expect(try await ark.eventually { await ark.emulator.counters().callbacksDelivered == 3 }, "an event counts once")
                try await Task.sleep(for: .milliseconds(150))
                #expect(await ark.emulator.counters().callbacksDelivered == 3)
            }
        }
    }

    @Test("/emulator/tasks reports when each task reached its terminal status")
    func taskTimings() async throws {
        let clock = ManualClock()
        try await withArkEmulator(ArkHarness.configuration(queue: 1, run: 3), now: clock.now) { ark in
            let id = try await ark.createTask(textToVideo())
            let cancelled = try await ark.createTask(textToVideo("cancel me"))
            let created = try #require(try await ark.emulatedTasks().first)
            #expect(created["id"] as? String == id && created["status"] as? String == "queued")
            #expect(created["finished_at_ms"] is NSNull)
            let createdAt = try #require(created["created_at_ms"] as? Int)
            #expect(createdAt == 1_765_510_475_000)

            clock.advance(0.5)
            #expect(try await ark.send("DELETE", "/api/v3/contents/generations/tasks/\(cancelled)").status == 200)
            clock.advance(10)
            let tasks = try await ark.emulatedTasks()
            #expect(tasks.map { $0["id"] as? String } == [id, cancelled], "oldest first")
            #expect(tasks[0]["status"] as? String == "succeeded")
            #expect(tasks[0]["finished_at_ms"] as? Int == createdAt + 4_000, "queue 1 s + run 3 s")
            #expect(tasks[1]["status"] as? String == "cancelled")
            #expect(tasks[1]["finished_at_ms"] as? Int == createdAt + 500)
            #expect(await ark.emulator.counters().statusReads == 0, "not a status read")

            #expect(try await ark.send("DELETE", "/api/v3/contents/generations/tasks/\(id)").status == 200)
            #expect(try await ark.emulatedTasks().map { $0["id"] as? String } == [cancelled], "deleted tasks are gone")
        }
    }
}
