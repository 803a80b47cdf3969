import Foundation
import Logging
import SeedGateEmulators
import ServiceLifecycle
import Testing

@Suite("Chanjing emulator: task life")
struct ChanjingEmulatorLifecycleTests {
    @Test("a task goes Queued → Ready → Generating → Success and its video downloads")
    func happyPath() async throws {
        let clock = ManualClock()
        try await withChanjingEmulator(ChanjingHarness.configuration(queue: 2, run: 3), now: clock.now) { cj in
            let token = try await cj.token()
            let submitted = try await cj.submit(
                chanjingVideo(model: ChanjingHarness.lite, ["aspect_ratio": "9:16", "clarity": 720, "video_duration": 10]), token: token)
            #expect(submitted.status == 200 && submitted.code == 0 && submitted.msg == "success")
            #expect(submitted.traceID?.wholeMatch(of: /[0-9a-f]{32}/) != nil)
            let id = try #require(submitted.json["data"] as? String)
            #expect(UUID(uuidString: id) != nil && id == id.lowercased())

            let queued = try await cj.task(id, token: token).dataObject
            #expect(queued["progress_desc"] as? String == "Queued")
            #expect(queued["unique_id"] as? String == id)
            #expect(queued["type"] as? Int == 4)
            #expect((queued["output_url"] as? [Any])?.isEmpty == true)
            #expect(queued["err_msg"] as? String == "")
            #expect(queued["create_time"] as? Int == 1_765_510_475)

            clock.advance(1)
            #expect(try await cj.progress(id, token: token) == "Ready")
            clock.advance(1.5)
            #expect(try await cj.progress(id, token: token) == "Generating")
            clock.advance(3)
            let done = try await cj.task(id, token: token).dataObject
            #expect(done["progress_desc"] as? String == "Success")
            #expect(done["model_code"] as? String == ChanjingHarness.lite)
            #expect(done["aspect_ratio"] as? String == "9:16")
            let motion = try #require(done["motion_info"] as? [String: Any])
            #expect(motion["clarity"] as? Int == 720 && motion["video_duration"] as? Int == 10 && motion["aspect_ratio"] as? String == "9:16")
            #expect(motion["photo_path_url"] is NSNull)
            let video = try #require((done["output_url"] as? [String])?.first)
            let download = try await cj.send("GET", video)
            #expect(download.status == 200 && download.headers["content-type"] == "video/mp4" && !download.body.isEmpty)
        }
    }

    @Test("in real time a task reaches Success through the documented words, in order")
    func realTime() async throws {
        try await withChanjingEmulator { cj in
            let token = try await cj.token()
            let id = try await cj.submitTask(chanjingVideo(["start_frame": "https://res.example/start.jpg"]), token: token)
            var seen: [String] = []
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline, seen.last != "Success" {
                let word = try await cj.progress(id, token: token) ?? "?"
                if seen.last != word { seen.append(word) }
                try await Task.sleep(for: .milliseconds(20))
            }
            let order = ["Queued", "Ready", "Generating", "Success"]
            #expect(seen.last == "Success")
            #expect(seen.allSatisfy(order.contains), "\(seen)")
            #expect(seen == seen.sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! })
            #expect(try await cj.task(id, token: token).dataObject["ref_img_url"] as? [String] == ["https://res.example/start.jpg"])
        }
    }

    @Test(
        "failure markers: moderation and expiry end in Error with an err_msg; rejections use Chanjing's codes",
        arguments: [
            ("[[reject:ratelimit]] a cat", 40001),
            ("[[reject:500]] a cat", 50000),
            ("[[reject:moderation]] a cat", 40000),
        ])
    func rejections(prompt: String, code: Int) async throws {
        try await withChanjingEmulator { cj in
            let reply = try await cj.submit(chanjingVideo(prompt), token: try await cj.token())
            #expect(reply.status == 200, "errors are HTTP 200")
            #expect(reply.code == code)
            #expect(reply.json["data"] is NSNull)
            #expect(await cj.emulator.counters().creates == 0)
            #expect(await cj.emulator.counters().createAttempts == 1)
        }
    }

    @Test("[[fail:moderation]] and [[expire]] end the task in Error with a reason")
    func failingEndings() async throws {
        let clock = ManualClock()
        try await withChanjingEmulator(now: clock.now) { cj in
            let token = try await cj.token()
            let moderated = try await cj.submitTask(chanjingVideo("a cat [[fail:moderation]]"), token: token)
            let expiring = try await cj.submitTask(chanjingVideo("a cat [[expire]]"), token: token)
            clock.advance(10)
            let failed = try await cj.task(moderated, token: token).dataObject
            #expect(failed["progress_desc"] as? String == "Error")
            #expect((failed["err_msg"] as? String)?.contains("审核") == true)
            #expect((failed["output_url"] as? [Any])?.isEmpty == true)
            let expired = try await cj.task(expiring, token: token).dataObject
            #expect(expired["progress_desc"] as? String == "Error")
            #expect((expired["err_msg"] as? String)?.contains("超时") == true)
        }
    }

    @Test("[[slow:N]] stretches the generation")
    func slowMarker() async throws {
        let clock = ManualClock()
        try await withChanjingEmulator(ChanjingHarness.configuration(queue: 1, run: 1), now: clock.now) { cj in
            let token = try await cj.token()
            let id = try await cj.submitTask(chanjingVideo("a cat [[slow:30]]"), token: token)
            clock.advance(20)
            #expect(try await cj.progress(id, token: token) == "Generating")
            clock.advance(15)
            #expect(try await cj.progress(id, token: token) == "Success")
        }
    }

    @Test("an unknown or missing unique_id is a 40000")
    func unknownTask() async throws {
        try await withChanjingEmulator { cj in
            let token = try await cj.token()
            let unknown = try await cj.task("0f1e2d3c-4b5a-4968-8776-655443322110", token: token)
            #expect(unknown.status == 200 && unknown.code == 40000 && unknown.msg == "任务不存在")
            let missing = try await cj.send("GET", "/open/v1/ai_creation/task", token: token)
            #expect(missing.code == 40000)
        }
    }

    @Test("the list call filters by ids and success, pages, and counts one status read")
    func list() async throws {
        let clock = ManualClock()
        try await withChanjingEmulator(now: clock.now) { cj in
            let token = try await cj.token()
            let first = try await cj.submitTask(chanjingVideo(), token: token)
            clock.advance(10)
            let second = try await cj.submitTask(chanjingVideo("a dog"), token: token)
            let all = try await cj.page(["unique_ids": [], "type": 4, "page": 1, "page_size": 50], token: token).dataObject
            #expect((all["list"] as? [[String: Any]])?.compactMap { $0["unique_id"] as? String } == [second, first])
            #expect(all["total"] as? Int == 2)
            #expect((all["page_info"] as? [String: Any])?["total_page"] as? Int == 1)
            let done = try await cj.page(["unique_ids": [first, second], "type": 4, "page": 1, "page_size": 1, "is_success": true], token: token)
                .dataObject
            #expect((done["list"] as? [[String: Any]])?.compactMap { $0["unique_id"] as? String } == [first])
            let images = try await cj.page(["type": 3, "page": 1, "page_size": 10], token: token).dataObject
            #expect(images["total"] as? Int == 0)
            #expect(try await cj.page(["type": 4, "page": 1, "page_size": 51], token: token).code == 40000)
            #expect(try await cj.page(["type": 4, "page": 0, "page_size": 10], token: token).code == 40000)
            #expect(await cj.emulator.counters().statusReads == 2, "one per list call that reached the book")
        }
    }

    @Test("stats count creates and token use")
    func stats() async throws {
        try await withChanjingEmulator { cj in
            let token = try await cj.token()
            _ = try await cj.submitTask(chanjingVideo(), token: token)
            _ = try await cj.submit(chanjingVideo(), token: "stale")
            let stats = try await cj.send("GET", "/emulator/stats").json
            #expect(stats["creates"] as? Int == 1)
            #expect(stats["create_attempts"] as? Int == 1, "a refused token never reaches the handler")
            let tokens = try await cj.send("GET", "/emulator/tokens").json
            #expect(tokens["exchanges"] as? Int == 1 && tokens["rejected"] as? Int == 1)
        }
    }

    @Test("graceful shutdown stops the server", .timeLimit(.minutes(1)))
    func gracefulShutdown() async throws {
        let emulator = ChanjingEmulator(configuration: ChanjingHarness.configuration())
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let services = ServiceGroup(
            configuration: .init(
                services: [emulator.makeApplication { port in portSink.yield(port) }], logger: Logger(label: "test")
            ))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let cj = ChanjingHarness(emulator: emulator, client: .shared, baseURL: "http://127.0.0.1:\(port)")
            _ = try await cj.submitTask(chanjingVideo(), token: try await cj.token())
            await services.triggerGracefulShutdown()
            try await group.next()
        }
    }
}
