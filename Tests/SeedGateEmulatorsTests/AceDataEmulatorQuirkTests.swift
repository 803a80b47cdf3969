import Foundation
import SeedGateEmulators
import Synchronization
import Testing

@Suite("AceData emulator: blocking mode and callbacks")
struct AceDataEmulatorQuirkTests {
    @Test("without async or callback_url the create holds the request until the video exists, then answers the result")
    func blockingCreate() async throws {
        let clock = ManualClock()
        try await withAceDataEmulator(AceDataHarness.configuration(queue: 1, run: 3), now: clock.now) { ace in
            let answered = AceDataFlag()
            let reply = try await withThrowingTaskGroup(of: Reply.self) { group in
                group.addTask {
                    let reply = try await ace.create(aceDataBody())
                    answered.set()
                    return reply
                }
                #expect(try await ace.eventually { await ace.emulator.counters().creates == 1 })
                let pending = try await ace.tasks(["action": "retrieve_batch", "limit": 1])
                let record = try #require((pending.json["items"] as? [[String: Any]])?.first)
                #expect(record["response"] == nil)
                #expect(answered.isSet == false, "the task has not ended, so the create has not answered")
                clock.advance(10)
                return try #require(try await group.next())
            }
            #expect(reply.status == 200)
            #expect(reply.json["success"] as? Bool == true)
            #expect(reply.json["trace_id"] is String)
            let data = try #require(reply.json["data"] as? [String: Any])
            #expect(data["status"] as? String == "succeeded" && data["video_url"] is String)
            #expect(ace.emulator.blockingCreates == 1)
            let stats = try await ace.send("GET", "/emulator/acedata/stats", key: nil)
            #expect(stats.json["blocking_creates"] as? Int == 1)
        }
    }

    @Test("a callback_url create answers at once; async: true alone is synchronous unless the emulator honours it")
    func nonBlockingModes() async throws {
        let clock = ManualClock()
        try await withAceDataEmulator(now: clock.now) { ace in
            let viaCallback = try await ace.create(aceDataBody(["callback_url": "dummy"]))
            #expect(viaCallback.status == 200 && Array(viaCallback.json.keys) == ["task_id"])
            #expect(ace.emulator.blockingCreates == 0)
        }
        // The stricter reading of [S003] (only callback_url switches): `async: true` alone holds the request.
        try await withAceDataEmulator(AceDataHarness.configuration(queue: 0.05, run: 0.1)) { ace in
            let viaAsync = try await ace.create(aceDataBody(["async": true]))
            #expect(viaAsync.status == 200 && (viaAsync.json["data"] as? [String: Any])?["status"] as? String == "succeeded")
            #expect(ace.emulator.blockingCreates == 1)
        }
        // The newer guides' reading [DOCS-VIDEOS], as an emulator option.
        try await withAceDataEmulator(honoursAsyncFlag: true, now: clock.now) { ace in
            let viaAsync = try await ace.create(aceDataBody(["async": true]))
            #expect(viaAsync.status == 200 && Array(viaAsync.json.keys) == ["task_id"])
            #expect(ace.emulator.blockingCreates == 0)
        }
    }

    @Test("the final response is POSTed once to callback_url, with the task id the create answered")
    func callbackOnce() async throws {
        try await withCallbackReceiver { url, inbox in
            try await withAceDataEmulator { ace in
                let id = try await ace.createTask(aceDataBody(["callback_url": url]))
                #expect(try await ace.eventually { await inbox.deliveries.count == 1 })
                #expect(try await ace.eventually { await ace.emulator.counters().callbacksDelivered == 1 })
                try await Task.sleep(for: .milliseconds(200))
                let deliveries = await inbox.deliveries
                #expect(deliveries.count == 1, "AceData calls back once, on completion")
                let body = try #require(deliveries.first?.json)
                #expect(deliveries.first?.contentType?.hasPrefix("application/json") == true)
                #expect(body["task_id"] as? String == id)
                #expect(body["success"] as? Bool == true)
                #expect((body["data"] as? [String: Any])?["video_url"] is String)
                #expect(try await ace.response(id)?["task_id"] as? String == id)
            }
        }
    }

    @Test("a failed task is called back with success:false and its code")
    func callbackOnFailure() async throws {
        try await withCallbackReceiver { url, inbox in
            try await withAceDataEmulator { ace in
                _ = try await ace.createTask(aceDataBody("[[fail:moderation]] x", ["callback_url": url]))
                #expect(try await ace.eventually { await inbox.deliveries.count == 1 })
                let body = try #require(await inbox.deliveries.first?.json)
                #expect(body["success"] as? Bool == false)
                #expect((body["error"] as? [String: Any])?["code"] as? String == "OutputVideoSensitiveContentDetected")
            }
        }
    }

    @Test("a callback_url that is not an http(s) URL still switches to async mode but is never called")
    func dummyCallback() async throws {
        try await withAceDataEmulator(AceDataHarness.configuration(queue: 0.05, run: 0.1)) { ace in
            let id = try await ace.createTask(aceDataBody(["callback_url": "dummy"]))
            #expect(try await ace.eventually { try await ace.response(id) != nil })
            try await Task.sleep(for: .milliseconds(200))
            let counters = await ace.emulator.counters()
            #expect(counters.callbacksDelivered == 0 && counters.callbacksAbandoned == 0)
        }
    }
}

/// A flag one task sets and another reads.
final class AceDataFlag: Sendable {
    private let value = Mutex(false)

    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
