import Foundation
import SeedGateEmulators
import Testing

/// Runs the Ark emulator with the 1.x and 2.x models of Volcengine Ark (or `models`) while `body` runs.
private func withArkSeedance2Emulator<T: Sendable>(
    _ models: ArkModelSet = .volcengine, options: ArkEmulatorOptions = ArkEmulatorOptions(),
    now: @escaping @Sendable () -> Date = { Date() }, _ body: (ArkHarness) async throws -> T
) async throws -> T {
    let emulator = ArkEmulator(configuration: ArkHarness.configuration(queue: 1, run: 1), models: models, options: options, now: now)
    return try await withEmulatorApplication(emulator.makeApplication(onServerRunning:)) { baseURL, client in
        try await body(ArkHarness(emulator: emulator, client: client, baseURL: baseURL))
    }
}

private enum S2 {
    static let v20 = "doubao-seedance-2-0-260128"
    static let fast = "doubao-seedance-2-0-fast-260128"
    static let mini = "doubao-seedance-2-0-mini-260615"
    static let v25 = "doubao-seedance-2-5-260628"
    static let bp20 = "dreamina-seedance-2-0-260128"

    static func image(_ role: String? = "reference_image", _ url: String = "https://example.com/girl.png") -> [String: Any] {
        var item: [String: Any] = ["type": "image_url", "image_url": ["url": url]]
        item["role"] = role
        return item
    }
    static func video(_ url: String = "https://example.com/motion.mp4", role: String? = "reference_video") -> [String: Any] {
        var item: [String: Any] = ["type": "video_url", "video_url": ["url": url]]
        item["role"] = role
        return item
    }
    static func audio(_ url: String = "https://example.com/bgm.mp3", role: String? = "reference_audio") -> [String: Any] {
        var item: [String: Any] = ["type": "audio_url", "audio_url": ["url": url]]
        item["role"] = role
        return item
    }
    static var text: [String: Any] { ["type": "text", "text": "[Image 1] dances to [Audio 1] like [Video 1]"] }

    /// A create body for `model` with `items` (a text first) and extra fields.
    static func body(_ model: String = v20, _ items: [[String: Any]] = [], _ extra: [String: Any] = [:]) -> [String: Any] {
        ["model": model, "content": [text] + items].merging(extra) { _, new in new }
    }
}

/// A 2.x create the emulator refuses, on the Ark (or BytePlus) model set.
struct ArkSeedance2Refusal: Sendable, CustomTestStringConvertible {
    var name: String
    var byteplus = false
    var body: @Sendable () -> [String: Any]
    var code = "InvalidParameter"
    var param: String
    var testDescription: String { name }
}

private let unsupported = "InvalidParameter.UnsupportedParameter"
private let constraint = "InvalidParameter.TaskTypeConstraint"
private let refusals: [ArkSeedance2Refusal] = [
    .init(name: "fast at 1080p", body: { S2.body(S2.fast, [], ["resolution": "1080p"]) }, param: "resolution"),
    .init(name: "mini at 4k", body: { S2.body(S2.mini, [], ["resolution": "4k"]) }, param: "resolution"),
    .init(name: "2.5 at 4k", body: { S2.body(S2.v25, [], ["resolution": "4k"]) }, param: "resolution"),
    .init(name: "frames on 2.0", body: { S2.body(S2.v20, [], ["frames": 121]) }, code: unsupported, param: "frames"),
    .init(name: "camera_fixed false on 2.0", body: { S2.body(S2.v20, [], ["camera_fixed": false]) }, code: unsupported, param: "camera_fixed"),
    .init(name: "draft on 2.0 fast", body: { S2.body(S2.fast, [], ["draft": true]) }, code: unsupported, param: "draft"),
    .init(name: "audio only on 2.0", body: { S2.body(S2.v20, [S2.audio()]) }, param: "content"),
    .init(name: "ten reference images on 2.0", body: { S2.body(S2.v20, Array(repeating: S2.image(), count: 10)) }, param: "content"),
    .init(name: "four reference videos on 2.0", body: { S2.body(S2.v20, Array(repeating: S2.video(), count: 4)) }, param: "content"),
    .init(name: "eleven reference audios on 2.5", body: { S2.body(S2.v25, Array(repeating: S2.audio(), count: 11)) }, param: "content"),
    .init(name: "data: video", body: { S2.body(S2.v20, [S2.video("data:video/mp4;base64,AAAA")]) }, param: "content.video_url.url"),
    .init(name: "video with an image role", body: { S2.body(S2.v20, [S2.video(role: "reference_image")]) }, param: "content.role"),
    .init(
        name: "audio without a role", body: { S2.body(S2.v20, [S2.image(), S2.audio(role: nil)]) }, code: "MissingParameter", param: "content.role"),
    .init(name: "first_frame with reference_video", body: { S2.body(S2.v20, [S2.image("first_frame"), S2.video()]) }, param: "content.role"),
    .init(
        name: "tools on BytePlus", byteplus: true, body: { S2.body(S2.bp20, [], ["tools": [["type": "web_search"]]]) }, code: unsupported,
        param: "tools"),
    .init(name: "tools with an image", body: { S2.body(S2.v20, [S2.image()], ["tools": [["type": "web_search"]]]) }, param: "tools"),
    .init(name: "tools of another type", body: { S2.body(S2.v20, [], ["tools": [["type": "code"]]]) }, param: "tools"),
    .init(
        name: "omni_reference_task_type on 2.0", body: { S2.body(S2.v20, [S2.video()], ["omni_reference_task_type": "edit"]) }, code: unsupported,
        param: "omni_reference_task_type"),
    .init(name: "output_format on 2.0", body: { S2.body(S2.v20, [], ["output_format": "mp4"]) }, code: unsupported, param: "output_format"),
    .init(name: "service_tier default on 2.0", body: { S2.body(S2.v20, [], ["service_tier": "default"]) }, code: unsupported, param: "service_tier"),
    .init(name: "service_tier flex on 2.5", body: { S2.body(S2.v25, [], ["service_tier": "flex"]) }, code: unsupported, param: "service_tier"),
    .init(name: "priority 10", body: { S2.body(S2.v20, [], ["priority": 10]) }, param: "priority"),
    .init(name: "priority 1.5", body: { S2.body(S2.v20, [], ["priority": 1.5]) }, param: "priority"),
    .init(name: "priority as a string", body: { S2.body(S2.v20, [], ["priority": "5"]) }, param: "priority"),
    .init(
        name: "safety_identifier of 65 characters", body: { S2.body(S2.v20, [], ["safety_identifier": String(repeating: "a", count: 65)]) },
        param: "safety_identifier"),
    .init(name: "seed above 2147483647 on 2.0", body: { S2.body(S2.v20, [], ["seed": 2_147_483_648]) }, param: "seed"),
    .init(name: "duration 16 on 2.0", body: { S2.body(S2.v20, [], ["duration": 16]) }, param: "duration"),
    .init(name: "duration 31 on 2.5", body: { S2.body(S2.v25, [], ["duration": 31]) }, param: "duration"),
    .init(name: "2.5 first frame at 16:9", body: { S2.body(S2.v25, [S2.image("first_frame")], ["ratio": "16:9"]) }, param: "ratio"),
    .init(
        name: "2.5 edit without a video", body: { S2.body(S2.v25, [S2.image()], ["omni_reference_task_type": "edit"]) }, code: constraint,
        param: "content"),
    .init(
        name: "2.5 edit of 5 s", body: { S2.body(S2.v25, [S2.video()], ["omni_reference_task_type": "edit", "duration": 5]) }, code: constraint,
        param: "duration"),
    .init(
        name: "2.5 extend at 9:16", body: { S2.body(S2.v25, [S2.video()], ["omni_reference_task_type": "extend", "ratio": "9:16"]) },
        code: constraint, param: "ratio"),
    .init(name: "2.5 draft at 720p", body: { S2.body(S2.v25, [], ["draft": true, "resolution": "720p"]) }, param: "resolution"),
    .init(name: "2.5 output_format avi", body: { S2.body(S2.v25, [], ["output_format": "avi"]) }, param: "output_format"),
    .init(name: "video_url on 1.5 pro", body: { S2.body(ArkHarness.pro15, [S2.video()]) }, param: "content.type"),
    .init(name: "priority on 1.5 pro", body: { S2.body(ArkHarness.pro15, [], ["priority": 1]) }, param: "priority"),
]

@Suite("Ark emulator: Seedance 2.x")
struct ArkEmulatorSeedance2Tests {
    @Test("a 2.0 multimodal task (2 images, 1 video, 1 audio) succeeds and echoes priority, safety_identifier, generate_audio")
    func multimodalSucceeds() async throws {
        let clock = ManualClock()
        try await withArkSeedance2Emulator(now: clock.now) { ark in
            let items = [S2.image(), S2.image(nil, "https://example.com/b.png"), S2.video(), S2.audio()]
            // An image without a role is a first frame, which cannot join references.
            #expect(try await ark.create(S2.body(S2.v20, items)).errorParam == "content.role")
            let fields: [String: Any] = [
                "duration": 8, "resolution": "1080p", "return_last_frame": true, "priority": 5, "safety_identifier": "u_3f9a1c",
                "seed": NSNull(), "tools": NSNull(), "service_tier": NSNull(), "frames": NSNull(),
            ]
            let id = try await ark.createTask(S2.body(S2.v20, [S2.image(), S2.image(), S2.video(), S2.audio()], fields))
            let plain = try await ark.createTask(S2.body(S2.fast, [], ["generate_audio": false]))
            clock.advance(5)
            let reply = try await ark.task(id)
            let task = reply.json
            #expect(task["status"] as? String == "succeeded")
            #expect(task["priority"] as? Int == 5 && task["safety_identifier"] as? String == "u_3f9a1c")
            #expect(task["generate_audio"] as? Bool == true && task["ratio"] as? String == "16:9" && task["duration"] as? Int == 8)
            #expect(task["tools"] == nil && task["output_format"] == nil && task["draft"] == nil)
            let usage = try #require(task["usage"] as? [String: Any])
            #expect(
                usage["completion_tokens"] as? Int == 1920 * 1080 * 8 * 24 / 1024
                    && usage["total_tokens"] as? Int == usage["completion_tokens"] as? Int)
            #expect(usage["tool_usage"] == nil)
            let content = try #require(task["content"] as? [String: String])
            #expect(content["last_frame_url"]?.hasSuffix(".png") == true)
            #expect(try await ark.send("GET", try #require(content["video_url"]), key: nil).status == 200)
            let other = try await ark.task(plain).json
            #expect(other["priority"] as? Int == 0 && other["safety_identifier"] == nil && other["generate_audio"] as? Bool == false)
        }
    }

    @Test("2.x creates outside the documents are refused with Ark's error body naming the field", arguments: refusals)
    func refused(_ refusal: ArkSeedance2Refusal) async throws {
        try await withArkSeedance2Emulator(refusal.byteplus ? .byteplus : .volcengine) { ark in
            let reply = try await ark.create(refusal.body())
            #expect(reply.status == 400 && reply.error["type"] as? String == "BadRequest")
            #expect(reply.errorCode == refusal.code && reply.errorParam == refusal.param, "\(reply.error)")
            #expect(await ark.emulator.counters().creates == 0)
        }
    }

    @Test("documented 2.x combinations are accepted; the options accept service_tier default")
    func accepted() async throws {
        let asset = "asset://asset-20260401-portrait"
        let bodies: [[String: Any]] = [
            ["model": S2.v25, "content": [S2.audio("data:audio/wav;base64,UklGRg==")]],
            S2.body(S2.v25, [S2.video()], ["omni_reference_task_type": "edit", "ratio": "adaptive", "duration": -1, "output_format": "mov"]),
            S2.body(S2.v25, [S2.image("first_frame"), S2.image("last_frame")], ["draft": true]),
            S2.body(S2.v20, [S2.image("first_frame"), S2.image("last_frame")], ["resolution": "4k", "ratio": "21:9", "seed": 2_147_483_647]),
            S2.body(S2.v20, [S2.image("reference_image", "data:image/png;base64,iVBORw0KGgo="), S2.video(asset), S2.audio(asset)]),
            S2.body(S2.mini, Array(repeating: S2.image(), count: 9) + Array(repeating: S2.video(), count: 3), ["duration": -1]),
            S2.body(S2.v20, [], ["tools": [["type": "web_search"]], "priority": 9, "watermark": true, "execution_expires_after": 3600]),
        ]
        try await withArkSeedance2Emulator { ark in
            for body in bodies {
                let reply = try await ark.create(body)
                #expect(reply.status == 200, "\(reply.error)")
            }
        }
        try await withArkSeedance2Emulator(.byteplus, options: ArkEmulatorOptions(seedance2AcceptsDefaultServiceTier: true)) { ark in
            let tier = try await ark.create(S2.body(S2.bp20, [S2.image(), S2.video()], ["service_tier": "default"]))
            let flex = try await ark.create(S2.body(S2.bp20, [], ["service_tier": "flex"]))
            let arkID = try await ark.create(S2.body(S2.v20))
            #expect(tier.status == 200 && flex.errorParam == "service_tier")
            #expect(arkID.errorCode == "InvalidEndpointOrModel.NotFound", "BytePlus ids are dreamina-")
        }
    }

    @Test("web search: tools and usage.tool_usage.web_search echoed; 2.5 mov, JPEG last frame, default duration -1, drafts")
    func webSearchAndSeedance25Output() async throws {
        let clock = ManualClock()
        try await withArkSeedance2Emulator(now: clock.now) { ark in
            let searched = try await ark.createTask(S2.body(S2.v20, [], ["tools": [["type": "web_search"]]]))
            let v25 = try await ark.createTask(
                S2.body(S2.v25, [S2.image()], ["resolution": "480p", "ratio": "4:3", "output_format": "mov", "return_last_frame": true]))
            let draft = try await ark.createTask(S2.body(S2.v25, [S2.video()], ["draft": true, "duration": 6]))
            clock.advance(5)
            let final = try await ark.createTask(["model": S2.v25, "content": [["type": "draft_task", "draft_task": ["id": draft]]]])
            clock.advance(5)
            let made = try await ark.task(final).json
            #expect(made["draft_task_id"] as? String == draft && made["duration"] as? Int == 6 && made["resolution"] as? String == "720p")
            #expect(try #require(await ark.emulator.book.peek(final)).task.spec.videos == ["https://example.com/motion.mp4"])
            let task = try await ark.task(searched).json
            #expect((task["usage"] as? [String: Any])?["tool_usage"] as? [String: Int] == ["web_search": 1])
            #expect(task["tools"] as? [[String: String]] == [["type": "web_search"]])
            let done = try await ark.task(v25).json
            let duration = try #require(done["duration"] as? Int)
            #expect((4...30).contains(duration) && done["output_format"] as? String == "mov")
            #expect((done["usage"] as? [String: Any])?["completion_tokens"] as? Int == 752 * 560 * duration * 24 / 1024)
            let content = try #require(done["content"] as? [String: String])
            let video = try await ark.send("GET", try #require(content["video_url"]), key: nil)
            let frame = try await ark.send("GET", try #require(content["last_frame_url"]), key: nil)
            #expect(video.headers["content-type"] == "video/quicktime" && frame.headers["content-type"] == "image/jpeg")
            #expect(Array(video.body) == EmulatorMedia.file(.mov, .landscape4x3).bytes, "the real 4:3 QuickTime file")
            #expect(Array(frame.body) == EmulatorMedia.file(.jpeg, .landscape4x3).bytes, "the real 4:3 JPEG last frame")
        }
    }

    @Test("markers: real-face references are refused for privacy, assets are not; audio output moderation fails the task")
    func markers() async throws {
        let clock = ManualClock()
        try await withArkSeedance2Emulator(now: clock.now) { ark in
            let face = try await ark.create(S2.body(S2.v20, [S2.image("reference_image", "https://example.com/real-face.png")]))
            #expect(face.status == 400 && face.errorCode == "InputImageSensitiveContentDetected.PrivacyInformation")
            #expect(
                (face.error["message"] as? String)?.hasPrefix("The request failed because the input image 'content[1]' may contain real person.")
                    == true)
            let clip = try await ark.create(S2.body(S2.v20, [S2.image(), S2.video("https://example.com/real-face.mp4")]))
            #expect(clip.status == 400 && clip.errorCode == "InputVideoSensitiveContentDetected.PrivacyInformation")
            #expect(try await ark.create(S2.body(S2.v20, [S2.video("asset://real-face-01")])).status == 200)
            let oneX: [String: Any] = ["model": ArkHarness.pro15, "content": [S2.image(nil, "https://example.com/real-face.png")]]
            #expect(try await ark.create(oneX).status == 200, "the real-person rule is a 2.x rule")
            #expect(await ark.emulator.counters().creates == 2)

            let music = try await ark.createTask(["model": S2.v25, "content": [["type": "text", "text": "a song [[ark:fail-audio-moderation]]"]]])
            clock.advance(5)
            let failed = try await ark.task(music).json
            #expect(failed["status"] as? String == "failed")
            #expect((failed["error"] as? [String: Any])?["code"] as? String == "OutputAudioSensitiveContentDetected")
        }
    }

    @Test("the 2.x catalogues: Ark doubao- ids, BytePlus dreamina- ids, both as the manifests list them")
    func catalogues() throws {
        #expect(ArkModelSet.volcengineSeedance2.models.map(\.id) == [S2.v20, S2.fast, S2.mini, S2.v25])
        let byteplus = ArkModelSet.byteplusSeedance2.models
        #expect(
            byteplus.map(\.id) == [
                "dreamina-seedance-2-0-260128", "dreamina-seedance-2-0-fast-260128", "dreamina-seedance-2-0-mini-260615",
                "dreamina-seedance-2-5-260628",
            ])
        #expect(byteplus.allSatisfy { $0.seedance2?.webSearch == false })
        #expect(ArkModelSet.volcengineSeedance1.models.allSatisfy { $0.seedance2 == nil })
        #expect(ArkModelSet.volcengine.models.map(\.id) == (try manifestUpstreamIDs("volcengine-ark")))
    }
}
