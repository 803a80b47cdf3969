import Foundation
import SeedGateEmulators
import Testing

/// The submit rules of Chanjing's Seedance models, answered as HTTP 200 envelopes: 400 for an unreadable body,
/// 40000 for a value Chanjing does not take.
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
            ["ref_img_url": ["https://a.example/1.jpg", "https://a.example/2.jpg", "https://a.example/3.jpg"]],
            ["ref_img_url": ["data:image/png;base64,iVBORw0KGgo="]],
            ["end_frame": "https://a.example/2.jpg"],
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

    @Test("frames are accepted as ref_img_url or as start_frame / end_frame; unknown fields are ignored")
    func frameForms() async throws {
        try await withChanjingEmulator { cj in
            let token = try await cj.token()
            let start = "https://res.example/start.jpg"
            let end = "https://res.example/end.jpg"
            let table = try await cj.submitTask(
                chanjingVideo(model: ChanjingHarness.lite, ["start_frame": start, "end_frame": end, "quality_mode": "pro", "extra": 1]), token: token)
            #expect(try await cj.task(table, token: token).dataObject["ref_img_url"] as? [String] == [start, end])
            let array = try await cj.submitTask(chanjingVideo(model: ChanjingHarness.lite, ["ref_img_url": [start, end]]), token: token)
            #expect(try await cj.task(array, token: token).dataObject["ref_img_url"] as? [String] == [start, end])
            let text = try await cj.submitTask(chanjingVideo(model: ChanjingHarness.lite), token: token)
            #expect(try await cj.task(text, token: token).dataObject["ref_img_url"] as? [String] == [], "lite-i2v also does text-to-video [S004]")
        }
    }

    @Test("the same request submitted twice is counted as such")
    func fingerprint() async throws {
        try await withChanjingEmulator { cj in
            let token = try await cj.token()
            _ = try await cj.submitTask(chanjingVideo(["callback": "https://hook.example/x"]), token: token)
            _ = try await cj.submitTask(chanjingVideo(["callback": "https://hook.example/x"]), token: token)
            #expect(await cj.emulator.counters().maxCreatesPerTask == 2)
        }
    }
}
