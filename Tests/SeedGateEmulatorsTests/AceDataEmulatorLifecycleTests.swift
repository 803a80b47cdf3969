import Foundation
import SeedGateEmulators
import Testing

@Suite("AceData emulator: task life")
struct AceDataEmulatorLifecycleTests {
    @Test("an async task answers its id at once, is followed through /seedance/tasks and its video downloads")
    func asyncTaskSucceeds() async throws {
        let clock = ManualClock()
        try await withAceDataEmulator(AceDataHarness.configuration(queue: 1, run: 3), now: clock.now) { ace in
            let reply = try await ace.create(
                aceDataBody(["async": true, "callback_url": "dummy", "resolution": "720p", "ratio": "16:9", "duration": 5, "camerafixed": true]))
            #expect(reply.status == 200)
            #expect(Array(reply.json.keys) == ["task_id"], "async mode answers only the task id")
            let id = try #require(reply.json["task_id"] as? String)
            #expect(id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil)

            let queued = try await ace.record(id)
            #expect(queued["id"] as? String == id)
            #expect(queued["type"] as? String == "videos")
            #expect((queued["_id"] as? String)?.count == 24)
            #expect(queued["created_at"] as? Double == 1_765_510_475)
            #expect(queued["started_at"] == nil && queued["finished_at"] == nil && queued["elapsed"] == nil)
            #expect(queued["response"] == nil)
            let echoed = try #require(queued["request"] as? [String: Any])
            #expect(echoed["async"] as? Bool == true && echoed["camerafixed"] as? Bool == true, "the request is echoed as sent")

            clock.advance(1.5)
            let running = try await ace.record(id)
            #expect(running["started_at"] as? Double == 1_765_510_476)
            #expect(running["finished_at"] == nil)
            // A running task reports AceData's documented in-progress word, without a video. [DOCS-TASKS-GUIDE]
            let progress = try #require(running["response"] as? [String: Any])
            let progressData = try #require(progress["data"] as? [String: Any])
            #expect(progressData["status"] as? String == "processing" && progressData["video_url"] == nil)

            clock.advance(3)
            let done = try await ace.record(id)
            #expect(done["finished_at"] as? Double == 1_765_510_479)
            #expect(done["elapsed"] as? Double == 4)
            let response = try #require(done["response"] as? [String: Any])
            #expect(response["success"] as? Bool == true)
            #expect(response["task_id"] as? String == id)
            #expect(response["trace_id"] as? String == done["trace_id"] as? String)
            let data = try #require(response["data"] as? [String: Any])
            #expect(data["status"] as? String == "succeeded")
            #expect((data["task_id"] as? String)?.hasPrefix("cgt-20251212113435-") == true, "the upstream Ark id, Beijing time")
            #expect(data["model"] as? String == AceDataHarness.pro10)
            #expect(Set(data.keys) == ["task_id", "status", "video_url", "last_frame_url", "model"], "the fields of AceData's 1.x examples")
            #expect(data.keys.contains("last_frame_url") && data["last_frame_url"] is NSNull)
            let video = try await ace.send("GET", try #require(data["video_url"] as? String), key: nil)
            #expect(video.status == 200 && video.headers["content-type"] == "video/mp4")
            #expect(Array(video.body) == EmulatorMedia.file(.mp4, .landscape16x9).bytes)
            #expect(ace.emulator.blockingCreates == 0)
        }
    }

    @Test("return_last_frame adds a downloadable last frame")
    func lastFrame() async throws {
        let clock = ManualClock()
        try await withAceDataEmulator(now: clock.now) { ace in
            let id = try await ace.createTask([
                "model": AceDataHarness.liteI2V, "return_last_frame": true, "ratio": "adaptive", "frames": 57,
                "content": [
                    ["type": "text", "text": "a fox"],
                    ["type": "image_url", "image_url": ["url": "https://img.example/fox.png"], "role": "first_frame"],
                ],
            ])
            clock.advance(10)
            let data = try #require(try await ace.response(id)?["data"] as? [String: Any])
            #expect(data["ratio"] == nil && data["duration"] == nil, "only AceData's 2.x examples show ratio and duration")
            let png = try await ace.send("GET", try #require(data["last_frame_url"] as? String), key: nil)
            #expect(png.status == 200 && png.headers["content-type"] == "image/png")
        }
    }

    @Test("the moderation marker ends the task with success:false and the relayed code")
    func outputModeration() async throws {
        let clock = ManualClock()
        try await withAceDataEmulator(now: clock.now) { ace in
            let id = try await ace.createTask(aceDataBody("a fight scene [[fail:moderation]]"))
            clock.advance(10)
            let response = try #require(try await ace.response(id))
            #expect(response["success"] as? Bool == false)
            let error = try #require(response["error"] as? [String: Any])
            #expect(error["code"] as? String == "OutputVideoSensitiveContentDetected")
            #expect((response["data"] as? [String: Any])?["status"] as? String == "failed")
            #expect((response["data"] as? [String: Any])?["video_url"] == nil)
        }
    }

    @Test("the expire and slow markers change how and when the task ends")
    func expireAndSlow() async throws {
        let clock = ManualClock()
        try await withAceDataEmulator(AceDataHarness.configuration(queue: 1, run: 1), now: clock.now) { ace in
            let expiring = try await ace.createTask(aceDataBody("[[expire]] a slow sunset"))
            let slow = try await ace.createTask(aceDataBody("a snail [[slow:30]]"))
            clock.advance(5)
            let expired = try #require(try await ace.response(expiring))
            #expect((expired["data"] as? [String: Any])?["status"] as? String == "expired")
            #expect(expired["success"] as? Bool == false)
            #expect(((try await ace.response(slow))?["data"] as? [String: Any])?["status"] as? String == "processing")
            clock.advance(30)
            #expect(((try await ace.response(slow))?["data"] as? [String: Any])?["status"] as? String == "succeeded")
        }
    }

    @Test("retrieve_batch answers the known ids as {items, count}; retrieve of an unknown id is 404")
    func batchAndUnknown() async throws {
        try await withAceDataEmulator { ace in
            let first = try await ace.createTask(aceDataBody("one"))
            let second = try await ace.createTask(aceDataBody("two"))
            let batch = try await ace.tasks(["action": "retrieve_batch", "ids": [first, "not-a-task", second]])
            #expect(batch.status == 200)
            #expect(batch.json["count"] as? Int == 2)
            let ids = (batch.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(Set(ids) == [first, second])

            let newest = try await ace.tasks(["action": "retrieve_batch", "limit": 1])
            #expect((newest.json["items"] as? [[String: Any]])?.first?["id"] as? String == second)

            let unknown = try await ace.tasks(["action": "retrieve", "id": "not-a-task"])
            #expect(unknown.status == 404 && unknown.errorCode == "not_found")
            #expect(unknown.json["success"] as? Bool == false)
            let noAction = try await ace.tasks(["id": first])
            #expect(noAction.status == 400 && noAction.errorCode == "bad_request")
            let delete = try await ace.tasks(["action": "delete", "id": first])
            #expect(delete.status == 400 && delete.errorCode == "api_not_implemented")
            #expect(await ace.emulator.counters().statusReads == 3)
        }
    }
}
