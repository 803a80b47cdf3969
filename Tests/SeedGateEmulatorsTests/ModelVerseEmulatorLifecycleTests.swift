import Foundation
import Logging
import SeedGateCore
import SeedGateEmulators
import ServiceLifecycle
import Testing

@Suite("ModelVerse emulator: task life")
struct ModelVerseEmulatorLifecycleTests {
    @Test("a text-to-video task goes Pending → Running → Success and its video downloads")
    func textToVideoSucceeds() async throws {
        let clock = ManualClock()
        try await withModelVerseEmulator(ArkHarness.configuration(queue: 1, run: 3), now: clock.now) { mv in
            let reply = try await mv.submit(modelVerseBody(parameters: ["resolution": "720p", "ratio": "16:9", "duration": 5, "seed": 11]))
            #expect(reply.status == 200)
            #expect(Set(reply.json.keys) == ["output", "request_id"])
            #expect((reply.json["request_id"] as? String)?.isEmpty == false)
            let id = try #require((reply.json["output"] as? [String: Any])?["task_id"] as? String)
            #expect(UUID(uuidString: id) != nil && id == id.lowercased())

            let pending = try await mv.status(id).json
            let pendingOutput = try #require(pending["output"] as? [String: Any])
            #expect(pendingOutput["task_status"] as? String == "Pending")
            #expect(pendingOutput["task_id"] as? String == id)
            #expect(pendingOutput["submit_time"] as? Int == 1_765_510_475)
            #expect(pendingOutput["finish_time"] == nil && pendingOutput["urls"] == nil && pendingOutput["error_message"] == nil)
            #expect(pending["usage"] == nil)
            #expect(pending["request_id"] as? String == "", "the doc's status examples carry an empty request id")

            clock.advance(1.5)
            #expect(try await mv.taskStatus(id) == "Running")

            clock.advance(3)
            let done = try await mv.status(id).json
            let output = try #require(done["output"] as? [String: Any])
            #expect(output["task_status"] as? String == "Success")
            #expect(output["finish_time"] as? Int == 1_765_510_475 + 4)
            let usage = try #require(done["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == 1280 * 720 * 24 * 5 / 1024, "1.5 pro at 720p 16:9")
            #expect(usage["total_tokens"] as? Int == usage["completion_tokens"] as? Int)
            #expect(usage["duration"] as? Int == 5)

            let urls = try #require(output["urls"] as? [String])
            #expect(urls.count == 1)
            let video = try await mv.send("GET", try #require(urls.first), authorization: nil)
            #expect(video.status == 200 && video.headers["content-type"] == "video/mp4" && !video.body.isEmpty)

            let stats = try await mv.send("GET", "/emulator/stats", authorization: nil).json
            #expect(stats["creates"] as? Int == 1 && stats["status_reads"] as? Int == 3)
        }
    }

    @Test("in real time a task reaches Success through Pending and Running, in order")
    func realTimeProgress() async throws {
        try await withModelVerseEmulator { mv in
            let id = try await mv.submitTask(modelVerseBody())
            var seen: [String] = []
            let finished = try await mv.eventually {
                let status = try await mv.taskStatus(id) ?? "?"
                if seen.last != status { seen.append(status) }
                return status == "Success"
            }
            #expect(finished)
            let order = ["Pending", "Running", "Success"]
            #expect(seen.allSatisfy(order.contains))
            #expect(seen == seen.sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! })
        }
    }

    @Test("the moderation marker ends the task in Failure with Ark's code in error_message")
    func outputModeration() async throws {
        let clock = ManualClock()
        try await withModelVerseEmulator(now: clock.now) { mv in
            let id = try await mv.submitTask(modelVerseBody("a fight scene [[fail:moderation]]", parameters: ["duration": 6]))
            clock.advance(10)
            let failed = try await mv.status(id).json
            let output = try #require(failed["output"] as? [String: Any])
            #expect(output["task_status"] as? String == "Failure")
            #expect((output["error_message"] as? String)?.hasPrefix("OutputVideoSensitiveContentDetected: ") == true)
            #expect(output["urls"] == nil && output["finish_time"] != nil)
            let usage = try #require(failed["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == 0 && usage["total_tokens"] as? Int == 0)
            #expect(usage["duration"] as? Int == 6, "the requested length is echoed even on failure")
            let video = try await mv.send("GET", "/emulator/files/\(id).mp4", authorization: nil)
            #expect(video.status == 404)
        }
    }

    @Test("the expire and slow markers, and execution_expires_after, change how and when the task ends")
    func expireAndSlow() async throws {
        let clock = ManualClock()
        try await withModelVerseEmulator(ArkHarness.configuration(queue: 1, run: 1), now: clock.now) { mv in
            let expiring = try await mv.submitTask(modelVerseBody("[[expire]] a slow sunset"))
            let slow = try await mv.submitTask(modelVerseBody("a snail [[slow:4000]]", parameters: ["execution_expires_after": 3600]))
            clock.advance(5)
            #expect(try await mv.taskStatus(expiring) == "Expired")
            #expect(try await mv.taskStatus(slow) == "Running")
            clock.advance(3600)
            let expired = try await mv.output(slow)
            #expect(expired["task_status"] as? String == "Expired" && expired["urls"] == nil)
        }
    }

    @Test("a draft becomes a final video through a draft_task item")
    func draftFlow() async throws {
        let clock = ManualClock()
        try await withModelVerseEmulator(now: clock.now) { mv in
            let draft = try await mv.submitTask(modelVerseBody(parameters: ["draft": true, "resolution": "480p", "seed": 20, "duration": 6]))
            let early = try await mv.submit([
                "model": ModelVerseHarness.model, "input": ["content": [["type": "draft_task", "draft_task": ["id": draft]]]],
            ])
            #expect(early.status == 400 && early.errorCode == "param_error", "a draft that has not succeeded cannot be used")
            clock.advance(10)
            let final = try await mv.submitTask([
                "model": ModelVerseHarness.model,
                "input": ["content": [["type": "draft_task", "draft_task": ["id": draft]]]],
                "parameters": ["resolution": "720p", "watermark": false],
            ])
            let spec = try #require(await mv.emulator.book.peek(final)?.task.spec)
            #expect(spec.draftTaskID == draft && spec.seed == 20 && spec.duration == 6 && spec.resolution == "720p")
            let mixed = try await mv.submit(modelVerseBody(extraContent: [["type": "draft_task", "draft_task": ["id": draft]]]))
            #expect(mixed.status == 400 && mixed.errorCode == "param_error", "a draft_task item cannot be mixed with text")
        }
    }

    @Test("it takes the manifest's credential name and stops on graceful shutdown", .timeLimit(.minutes(1)))
    func registrationAndShutdown() async throws {
        let configuration = ArkHarness.configuration()
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let instance = ModelVerseEmulator.factory(configuration) { portSink.yield($0) }
        #expect(instance.credentials == ["api_key": configuration.apiKey])
        let services = ServiceGroup(configuration: .init(services: [instance.service], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let reply = try await loopbackSend(
                .shared, "POST", "http://127.0.0.1:\(port)/v1/tasks/submit",
                body: try JSONSerialization.data(withJSONObject: modelVerseBody()), authorization: configuration.apiKey
            )
            #expect(reply.status == 200)
            await services.triggerGracefulShutdown()
            try await group.next()
        }
    }
}
