import Foundation
import SeedGateEmulators
import Testing

/// The submit rules of Chanjing's Seedance models, answered as HTTP 200 envelopes: 400 for an unreadable body,
/// 40000 for a value Chanjing does not take or a field [S004]'s parameter table does not list.
@Suite("Chanjing emulator: submit validation")
struct ChanjingEmulatorValidationTests {
    @Test(
        "values Chanjing does not take are refused with 40000",
        arguments: [
            ["model_code": "doubao-seedance-1.0-pro"], // model codes are case-sensitive
            ["model_code": "Doubao-Seedance-1.5-pro"],
            ["creation_type": 3],
            ["video_duration": 7],
            ["clarity": 480],
            ["aspect_ratio": "4:3"],
            ["ref_prompt": "  "],
            ["start_frame": "data:image/png;base64,iVBORw0KGgo="],
            ["end_frame": "https://a.example/2.jpg"],
            // Fields the page's parameter table does not list: the code samples' ref_img_url (without the emulator
            // option), the generic tooling's callback / quality_mode / style, and anything else.
            ["ref_img_url": ["https://a.example/1.jpg", "https://a.example/2.jpg"]],
            ["callback": "https://hook.example/x"],
            ["quality_mode": "pro"],
            ["style": "anime"],
            ["seed": 42],
        ] as [[String: any Sendable]])
    func refusals(extra: [String: any Sendable]) async throws {
        try await withChanjingEmulator { cj in
            let reply = try await cj.submit(chanjingVideo(extra), token: try await cj.token())
            #expect(reply.status == 200)
            #expect(reply.code == 40000, "\(extra): \(reply.msg ?? "-")")
            #expect(await cj.emulator.counters().creates == 0)
        }
    }

    @Test("an unknown model is 模型不存在")
    func unknownModel() async throws {
        try await withChanjingEmulator { cj in
            let reply = try await cj.submit(chanjingVideo(model: "Doubao-Seedance-2.0"), token: try await cj.token())
            #expect(reply.code == 40000 && reply.msg == "模型不存在")
        }
    }

    @Test("required fields must be present", arguments: ["creation_type", "model_code", "ref_prompt", "video_duration"])
    func required(field: String) async throws {
        try await withChanjingEmulator { cj in
            var body = chanjingVideo()
            body[field] = nil
            let token = try await cj.token()
            #expect(try await cj.submit(body, token: token).code == 40000)
        }
    }

    @Test(
        "an unreadable body or a wrongly typed field is a 400 format error",
        arguments: [
            Data("not json".utf8), Data(#"{"creation_type":4,"clarity":"1080"}"#.utf8), Data("[1]".utf8),
        ])
    func formatErrors(body: Data) async throws {
        try await withChanjingEmulator { cj in
            let reply = try await cj.send("POST", "/open/v1/ai_creation/task/submit", body: body, token: try await cj.token())
            #expect(reply.status == 200 && reply.code == 400)
        }
    }

    @Test("optional fields default: clarity 1080 (documented), aspect_ratio 16:9")
    func defaults() async throws {
        try await withChanjingEmulator { cj in
            let token = try await cj.token()
            var body = chanjingVideo()
            body["clarity"] = nil
            body["aspect_ratio"] = nil
            let id = try await cj.submitTask(body, token: token)
            let motion = try #require(try await cj.task(id, token: token).dataObject["motion_info"] as? [String: Any])
            #expect(motion["clarity"] as? Int == 1080)
            #expect(motion["aspect_ratio"] as? String == "16:9")
        }
    }

    @Test("frames go in start_frame / end_frame, as [S004]'s parameter table and body example say")
    func frameFields() async throws {
        try await withChanjingEmulator { cj in
            let token = try await cj.token()
            let start = "https://res.example/start.jpg"
            let end = "https://res.example/end.jpg"
            let both = try await cj.submitTask(chanjingVideo(model: ChanjingHarness.lite, ["start_frame": start, "end_frame": end]), token: token)
            #expect(try await cj.task(both, token: token).dataObject["ref_img_url"] as? [String] == [start, end])
            let first = try await cj.submitTask(chanjingVideo(["start_frame": start]), token: token)
            #expect(try await cj.task(first, token: token).dataObject["ref_img_url"] as? [String] == [start])
            let text = try await cj.submitTask(chanjingVideo(model: ChanjingHarness.lite), token: token)
            #expect(try await cj.task(text, token: token).dataObject["ref_img_url"] as? [String] == [], "lite-i2v also does text-to-video [S004]")
        }
    }

    @Test("[S004]'s own body example is accepted as it is")
    func documentedExample() async throws {
        try await withChanjingEmulator { cj in
            let example: [String: Any] = [
                "start_frame": "https://res.chanjing.cc/chanjing/res/aigc_creation/photo/start.jpg",
                "end_frame": "https://res.chanjing.cc/chanjing/res/aigc_creation/photo/end.jpg",
                "ref_prompt": "女孩在花海中转身微笑,镜头缓慢推进,柔和日光", "creation_type": 4, "aspect_ratio": "9:16", "clarity": 1080,
                "video_duration": 5, "model_code": "Doubao-Seedance-1.0-lite-i2v",
            ]
            let reply = try await cj.submit(example, token: try await cj.token())
            #expect(reply.code == 0 && reply.msg == "success")
            #expect((reply.json["data"] as? String).flatMap(UUID.init(uuidString:)) != nil, "data is the task's unique_id")
        }
    }

    @Test("ref_img_url (the code samples' spelling) is refused unless the emulator is told to take it")
    func refImgURLOption() async throws {
        let frames = ["https://res.example/start.jpg", "https://res.example/end.jpg"]
        let body = chanjingVideo(model: ChanjingHarness.lite, ["ref_img_url": frames])
        try await withChanjingEmulator { cj in
            let reply = try await cj.submit(body, token: try await cj.token())
            #expect(reply.status == 200 && reply.code == 40000 && reply.msg?.contains("ref_img_url") == true, "\(reply.msg ?? "-")")
        }
        let lenient = ChanjingEmulator(configuration: ChanjingHarness.configuration(), acceptsRefImgURL: true)
        try await withEmulatorApplication(lenient.makeApplication(onServerRunning:)) { baseURL, client in
            let cj = ChanjingHarness(emulator: lenient, client: client, baseURL: baseURL)
            let token = try await cj.token()
            let id = try await cj.submitTask(body, token: token)
            #expect(try await cj.task(id, token: token).dataObject["ref_img_url"] as? [String] == frames)
            let three = chanjingVideo(model: ChanjingHarness.lite, ["ref_img_url": frames + ["https://res.example/3.jpg"]])
            #expect(try await cj.submit(three, token: token).code == 40000, "at most a first and a last frame")
        }
    }

    @Test("the page call takes only the fields [DOC-LIST] lists, and requires type, page and page_size")
    func pageFields() async throws {
        try await withChanjingEmulator { cj in
            let token = try await cj.token()
            let valid: [String: Any] = ["unique_ids": [], "type": 4, "page": 1, "page_size": 50, "is_success": false]
            #expect(try await cj.page(valid, token: token).code == 0)
            for field in ["type", "page", "page_size"] {
                var body = valid
                body[field] = nil
                #expect(try await cj.page(body, token: token).code == 40000, "\(field) is required")
            }
            #expect(try await cj.page(valid.merging(["status": "Success"]) { $1 }, token: token).code == 40000)
            #expect(try await cj.page(valid.merging(["unique_ids": (0..<51).map { "id-\($0)" }]) { $1 }, token: token).code == 40000)
            #expect(try await cj.page(valid.merging(["unique_ids": "a"]) { $1 }, token: token).code == 400)
        }
    }

    @Test("the same request submitted twice is counted as such")
    func fingerprint() async throws {
        try await withChanjingEmulator { cj in
            let token = try await cj.token()
            _ = try await cj.submitTask(chanjingVideo(["start_frame": "https://res.example/start.jpg"]), token: token)
            _ = try await cj.submitTask(chanjingVideo(["start_frame": "https://res.example/start.jpg"]), token: token)
            #expect(await cj.emulator.counters().maxCreatesPerTask == 2)
        }
    }
}
