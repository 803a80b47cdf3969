import AsyncHTTPClient
import Foundation
import SeedGateEmulators
import Synchronization
import Testing

/// Every fault kind against every emulator, started from its factory, each answering in its own provider's dialect.
@Suite("Emulator faults: every kind on every emulator")
struct EmulatorFaultMatrixTests {
    @Test("GET /emulator/faults says every kind is honoured", arguments: EmulatorProbe.all)
    func honoursEverything(_ probe: EmulatorProbe) async throws {
        try await withProbedEmulator(probe) { emulator in
            #expect(try await emulator.helper("GET", "/emulator/faults").json["honoured"] as? [String] == ["create", "read", "callbacks"])
            try await emulator.arm(["create_drop": 1, "read_malformed": 1, "status_override": "paused", "drop_callbacks": false])
        }
    }

    @Test("create_rate_limited and create_server_error answer the provider's own errors and create nothing", arguments: EmulatorProbe.all)
    func createRejections(_ probe: EmulatorProbe) async throws {
        try await withProbedEmulator(probe) { emulator in
            try await emulator.arm(["create_rate_limited": 1, "create_server_error": 1])
            emulator.expect(try await emulator.send(probe.create("first", nil)), is: probe.rateLimited)
            emulator.expect(try await emulator.send(probe.create("second", nil)), is: probe.internalError)
            #expect(try await emulator.emulatedTasks().isEmpty)
            _ = try await emulator.createTask("third")
            let stats = try await emulator.stats()
            #expect(stats["create_attempts"] as? Int == 3 && stats["creates"] as? Int == 1)
            #expect(try await emulator.injected("create_rate_limited") == 1)
            #expect(try await emulator.injected("create_server_error") == 1)
        }
    }

    @Test("create_delay answers late after making the task; create_drop makes it and closes the connection", arguments: EmulatorProbe.all)
    func createAnswerFaults(_ probe: EmulatorProbe) async throws {
        try await withProbedEmulator(probe, ArkHarness.configuration(queue: 30, run: 1)) { emulator in
            // A delay long enough that, even on a busy machine, the task shows up well before the answer can.
            try await emulator.arm(["create_delay_ms": 2_500])
            let answered = Mutex(false)
            let started = ContinuousClock.now
            let answer = Task {
                let id = try await emulator.createTask("delayed")
                answered.withLock { $0 = true }
                return id
            }
            #expect(try await pollUntil(within: 2) { try await emulator.emulatedTasks().count == 1 })
            #expect(!answered.withLock { $0 }, "the task exists before the answer")
            let id = try await answer.value
            #expect(ContinuousClock.now - started >= .milliseconds(2_500))
            #expect(try await emulator.emulatedTasks().first?["id"] as? String == id)

            try await emulator.arm(["create_drop": 1])
            let error = await #expect(throws: HTTPClientError.self) { try await emulator.send(probe.create("dropped", nil)) }
            #expect(error == .remoteConnectionClosed)
            #expect(try await emulator.emulatedTasks().count == 2, "the dropped create made its task")
            #expect(try await emulator.injected("create_delay") == 1)
            #expect(try await emulator.injected("create_drop") == 1)
        }
    }

    @Test("create_gateway_timeout makes the task, then answers a gateway's 504 page", arguments: EmulatorProbe.all)
    func createGatewayTimeout(_ probe: EmulatorProbe) async throws {
        try await withProbedEmulator(probe) { emulator in
            try await emulator.arm(["create_gateway_timeout": 1])
            let reply = try await emulator.send(probe.create("behind a gateway", nil))
            #expect(reply.status == 504)
            #expect(reply.headers["content-type"] == "text/html")
            #expect(!reply.isJSON)
            #expect(try await emulator.emulatedTasks().count == 1, "the task was made behind the gateway")
            #expect(try await emulator.injected("create_gateway_timeout") == 1)
            _ = try await emulator.createTask("after")
            #expect(try await emulator.emulatedTasks().count == 2)
        }
    }

    @Test("read_server_error, read_malformed and read_delay hit single and batch reads, then stop", arguments: EmulatorProbe.all)
    func readFailures(_ probe: EmulatorProbe) async throws {
        try await withProbedEmulator(probe) { emulator in
            let id = try await emulator.createTask()
            let reads = [probe.read(id)] + (probe.batchRead.map { [$0([id])] } ?? [])
            try await emulator.arm(["read_server_error": reads.count])
            for read in reads { emulator.expect(try await emulator.send(read), is: probe.internalError) }

            try await emulator.arm(["read_malformed": reads.count])
            for read in reads {
                let reply = try await emulator.send(read)
                #expect(reply.status == 200 && reply.headers["content-type"] == "application/json")
                #expect(!reply.body.isEmpty && !reply.isJSON, "\(String(decoding: reply.body, as: UTF8.self))")
            }

            try await emulator.arm(["read_delay_ms": 500])
            let started = ContinuousClock.now
            #expect(try await emulator.send(reads[0]).isJSON)
            #expect(ContinuousClock.now - started >= .milliseconds(500))
            for read in reads {
                let healthy = try await emulator.send(read)
                #expect(healthy.status == 200 && probe.statuses(healthy.json).count == 1)
            }
            #expect(try await emulator.stats()["status_reads"] as? Int == 3 * reads.count + 1)
        }
    }

    @Test("status_override writes the word where the provider's status sits, for every task of a batch", arguments: EmulatorProbe.all)
    func statusOverride(_ probe: EmulatorProbe) async throws {
        try await withProbedEmulator(probe, ArkHarness.configuration(queue: 0.1, run: 30)) { emulator in
            let first = try await emulator.createTask("one")
            let second = try await emulator.createTask("two")
            let reads = [probe.read(first)] + (probe.batchRead.map { [$0([first, second])] } ?? [])
            try await emulator.arm(["status_override": "paused", "status_override_count": reads.count])
            for (index, read) in reads.enumerated() {
                let words = probe.statuses(try await emulator.send(read).json)
                #expect(words == Array(repeating: "paused", count: index == 0 ? 1 : 2), "\(words)")
            }
            let real = probe.statuses(try await emulator.send(reads[0]).json)
            #expect(real.count == 1 && real != ["paused"])
            #expect(try await emulator.injected("status_override") == reads.count)
        }
    }

    @Test(
        "duplicate_callbacks sends each pushed event twice; drop_callbacks loses them",
        arguments: EmulatorProbe.all.filter(\.pushesCallbacks))
    func callbacks(_ probe: EmulatorProbe) async throws {
        try await withCallbackReceiver { url, inbox in
            try await withProbedEmulator(probe, ArkHarness.configuration(queue: 0.1, run: 0.2)) { emulator in
                try await emulator.arm(["drop_callbacks": true])
                _ = try await emulator.createTask("lost", callbackURL: url)
                #expect(try await pollUntil(within: 10) { try await emulator.emulatedTasks().first?["finished_at_ms"] is Int })
                try await Task.sleep(for: .milliseconds(400))
                let lost = try #require(try await emulator.injected("drop_callbacks"))
                #expect(lost > 0)
                #expect(await inbox.deliveries.isEmpty)

                try await emulator.arm(["drop_callbacks": false, "duplicate_callbacks": true])
                _ = try await emulator.createTask("twice", callbackURL: url)
                #expect(try await pollUntil(within: 10) { await inbox.deliveries.count == 2 * lost })
                let bodies = await inbox.deliveries.map { $0.json as NSDictionary }
                #expect(stride(from: 0, to: bodies.count, by: 2).allSatisfy { bodies[$0].isEqual(bodies[$0 + 1]) }, "each event twice in a row")
                #expect(try await emulator.injected("duplicate_callbacks") == lost)
            }
        }
    }
}
