import Foundation
import SeedGateEmulators
import Testing

@Suite("Ark emulator: task life")
struct ArkEmulatorLifecycleTests {
    @Test("a text-to-video task goes queued → running → succeeded and its video downloads")
    func textToVideoSucceeds() async throws {
        let clock = ManualClock()
        try await withArkEmulator(ArkHarness.configuration(queue: 1, run: 3), now: clock.now) { ark in
            let id = try await ark.createTask(textToVideo(["duration": 5, "resolution": "720p", "ratio": "16:9", "seed": 11]))
            #expect(id.wholeMatch(of: /cgt-\d{14}-[a-z0-9]{5}/) != nil)
            #expect(id.hasPrefix("cgt-20251212113435-"), "creation time in Beijing time (1765510475 = 03:34:35 UTC)")

            let queued = try await ark.task(id).json
            #expect(queued["status"] as? String == "queued")
            #expect(queued["content"] == nil && queued["usage"] == nil)
            #expect(queued["error"] is NSNull)
            #expect(queued["service_tier"] as? String == "default")
            #expect(queued["execution_expires_after"] as? Int == 172_800)

            clock.advance(1.5)
            #expect(try await ark.status(id) == "running")

            clock.advance(3)
            let done = try await ark.task(id).json
            #expect(done["status"] as? String == "succeeded")
            #expect(done["model"] as? String == ArkHarness.pro10)
            #expect(done["seed"] as? Int == 11)
            #expect(done["resolution"] as? String == "720p")
            #expect(done["ratio"] as? String == "16:9")
            #expect(done["duration"] as? Int == 5)
            #expect(done["frames"] == nil)
            #expect(done["framespersecond"] as? Int == 24)
            #expect(done["generate_audio"] == nil, "1.0 pro has no audio")
            let usage = try #require(done["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == 1248 * 704 * 24 * 5 / 1024)
            #expect(usage["total_tokens"] as? Int == usage["completion_tokens"] as? Int)
            let created = try #require(done["created_at"] as? Int)
            #expect(done["updated_at"] as? Int == created + 4)

            let content = try #require(done["content"] as? [String: Any])
            #expect(content["last_frame_url"] == nil)
            let video = try await ark.send("GET", try #require(content["video_url"] as? String), key: nil)
            #expect(video.status == 200)
            #expect(video.headers["content-type"] == "video/mp4")
            #expect(Array(video.body) == EmulatorMedia.file(.mp4, .landscape16x9).bytes, "the real 16:9 MP4")
        }
    }

    @Test("in real time a task reaches succeeded through queued and running, in order")
    func realTimeProgress() async throws {
        try await withArkEmulator { ark in
            let id = try await ark.createTask(textToVideo(model: ArkHarness.pro15, ["return_last_frame": true]))
            var seen: [String] = []
            let finished = try await ark.eventually {
                let status = try await ark.status(id) ?? "?"
                if seen.last != status { seen.append(status) }
                return status == "succeeded"
            }
            #expect(finished)
            #expect(seen.last == "succeeded")
            let order = ["queued", "running", "succeeded"]
            #expect(seen.allSatisfy(order.contains))
            #expect(seen == seen.sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! })

            let done = try await ark.task(id).json
            #expect(done["generate_audio"] as? Bool == true, "1.5 pro defaults generate_audio to true")
            #expect(done["draft"] as? Bool == false)
            #expect(done["ratio"] as? String == "16:9", "adaptive is reported as 16:9")
            let lastFrame = try #require((done["content"] as? [String: Any])?["last_frame_url"] as? String)
            let png = try await ark.send("GET", lastFrame, key: nil)
            #expect(png.status == 200 && png.headers["content-type"] == "image/png")
            #expect(Array(png.body) == EmulatorMedia.file(.png, .landscape16x9).bytes)
        }
    }

    @Test("the moderation marker makes the task fail with OutputVideoSensitiveContentDetected")
    func outputModeration() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            let id = try await ark.createTask(textToVideo("a fight scene [[fail:moderation]]"))
            clock.advance(10)
            let failed = try await ark.task(id).json
            #expect(failed["status"] as? String == "failed")
            let error = try #require(failed["error"] as? [String: Any])
            #expect(error["code"] as? String == "OutputVideoSensitiveContentDetected")
            #expect((error["message"] as? String)?.contains("Request ID: ") == true)
            #expect(failed["content"] == nil && failed["usage"] == nil)
        }
    }

    @Test("the expire and slow markers change how and when the task ends")
    func expireAndSlow() async throws {
        let clock = ManualClock()
        try await withArkEmulator(ArkHarness.configuration(queue: 1, run: 1), now: clock.now) { ark in
            let expiring = try await ark.createTask(textToVideo("[[expire]] a slow sunset"))
            let slow = try await ark.createTask(textToVideo("a snail [[slow:30]]"))
            clock.advance(5)
            #expect(try await ark.status(expiring) == "expired")
            #expect(try await ark.status(slow) == "running")
            clock.advance(30)
            #expect(try await ark.status(slow) == "succeeded")
        }
    }

    @Test("DELETE cancels a queued task, refuses a running one and deletes a finished one")
    func deleteRules() async throws {
        let clock = ManualClock()
        try await withArkEmulator(ArkHarness.configuration(queue: 10, run: 10), now: clock.now) { ark in
            let path = "/api/v3/contents/generations/tasks/"
            let queued = try await ark.createTask(textToVideo("first"))
            let cancel = try await ark.send("DELETE", path + queued)
            #expect(cancel.status == 200)
            #expect(cancel.json.isEmpty && String(decoding: cancel.body, as: UTF8.self) == "{}")
            #expect(try await ark.status(queued) == "cancelled")
            let again = try await ark.send("DELETE", path + queued)
            #expect(again.status == 400 && again.errorCode == "InvalidAction.TaskNotCancellable")

            let running = try await ark.createTask(textToVideo("second"))
            clock.advance(15)
            #expect(try await ark.status(running) == "running")
            let refused = try await ark.send("DELETE", path + running)
            #expect(refused.status == 400)
            #expect(refused.errorCode == "InvalidAction.TaskNotCancellable")
            #expect(try await ark.status(running) == "running")

            clock.advance(10)
            #expect(try await ark.status(running) == "succeeded")
            #expect(try await ark.send("DELETE", path + running).status == 200)
            let gone = try await ark.task(running)
            #expect(gone.status == 404)
            #expect(gone.errorCode == "ResourceNotFound" && gone.errorParam == "id")
            #expect(gone.error["type"] as? String == "NotFound")
        }
    }
}
