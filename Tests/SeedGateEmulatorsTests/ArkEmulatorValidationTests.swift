import Foundation
import SeedGateEmulators
import Testing

/// A create body that Ark refuses, and the error it should name.
struct RejectedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var body: @Sendable () -> [String: Any]
    var status: Int = 400
    var code: String = "InvalidParameter"
    var param: String

    var testDescription: String { name }
}

private var image: [String: Any] { ["type": "image_url", "image_url": ["url": "https://example.com/cat.png"]] }
private func image(_ role: String) -> [String: Any] { image.merging(["role": role]) { _, new in new } }
private let liteI2V = "doubao-seedance-1-0-lite-i2v-250428"
private let liteT2V = "doubao-seedance-1-0-lite-t2v-250428"

private let rejectedCases: [RejectedCase] = [
    RejectedCase(name: "duration out of range", body: { textToVideo(["duration": 99]) }, param: "duration"),
    RejectedCase(name: "duration 3 on 1.5 pro", body: { textToVideo(model: ArkHarness.pro15, ["duration": 3]) }, param: "duration"),
    RejectedCase(name: "duration -1 on 1.0 pro", body: { textToVideo(["duration": -1]) }, param: "duration"),
    RejectedCase(name: "frames not 25+4n", body: { textToVideo(["frames": 30]) }, param: "frames"),
    RejectedCase(name: "frames odd but not 25+4n", body: { textToVideo(["frames": 31]) }, param: "frames"),
    RejectedCase(name: "frames above 289", body: { textToVideo(["frames": 293]) }, param: "frames"),
    RejectedCase(name: "frames on 1.5 pro", body: { textToVideo(model: ArkHarness.pro15, ["frames": 33]) }, param: "frames"),
    RejectedCase(name: "missing model", body: { ["content": [["type": "text", "text": "x"]]] }, code: "MissingParameter", param: "model"),
    RejectedCase(
        name: "unknown model", body: { textToVideo(model: "doubao-seedance-9") }, status: 404, code: "InvalidEndpointOrModel.NotFound", param: "model"
    ),
    RejectedCase(name: "missing content", body: { ["model": ArkHarness.pro10] }, code: "MissingParameter", param: "content"),
    RejectedCase(name: "empty content", body: { ["model": ArkHarness.pro10, "content": [Any]()] }, param: "content"),
    RejectedCase(name: "unknown content type", body: { ["model": ArkHarness.pro10, "content": [["type": "sound"]]] }, param: "content.type"),
    RejectedCase(name: "duration of the wrong type", body: { textToVideo(["duration": "5"]) }, param: "duration"),
    RejectedCase(name: "bad resolution", body: { textToVideo(["resolution": "4k"]) }, param: "resolution"),
    RejectedCase(name: "bad ratio", body: { textToVideo(["ratio": "2:1"]) }, param: "ratio"),
    RejectedCase(name: "adaptive text-to-video on 1.0 pro", body: { textToVideo(["ratio": "adaptive"]) }, param: "ratio"),
    RejectedCase(name: "seed too large", body: { textToVideo(["seed": 4_294_967_296]) }, param: "seed"),
    RejectedCase(name: "seed below -1", body: { textToVideo(["seed": -2]) }, param: "seed"),
    RejectedCase(name: "expiry too short", body: { textToVideo(["execution_expires_after": 60]) }, param: "execution_expires_after"),
    RejectedCase(name: "unknown service tier", body: { textToVideo(["service_tier": "fast"]) }, param: "service_tier"),
    RejectedCase(name: "draft on 1.0 pro", body: { textToVideo(["draft": true]) }, param: "draft"),
    RejectedCase(name: "draft at 720p", body: { textToVideo(model: ArkHarness.pro15, ["draft": true, "resolution": "720p"]) }, param: "resolution"),
    RejectedCase(name: "image on lite t2v", body: { ["model": liteT2V, "content": [["type": "text", "text": "x"], image]] }, param: "content"),
    RejectedCase(name: "text only on lite i2v", body: { textToVideo(model: liteI2V) }, param: "content"),
    RejectedCase(
        name: "reference images on 1.0 pro", body: { ["model": ArkHarness.pro10, "content": [image("reference_image")]] }, param: "content.role"),
    RejectedCase(
        name: "five reference images", body: { ["model": liteI2V, "content": Array(repeating: image("reference_image"), count: 5)] }, param: "content"
    ),
    RejectedCase(name: "two images without roles", body: { ["model": ArkHarness.pro10, "content": [image, image]] }, param: "content.role"),
    RejectedCase(
        name: "first+last on pro fast",
        body: { ["model": "doubao-seedance-1-0-pro-fast-251015", "content": [image("first_frame"), image("last_frame")]] }, param: "content"),
    RejectedCase(
        name: "empty image url", body: { ["model": ArkHarness.pro10, "content": [["type": "image_url", "image_url": ["url": ""]]]] },
        code: "InvalidImageURL.EmptyURL", param: "content.image_url.url"),
    RejectedCase(
        name: "upper-case data URL format",
        body: { ["model": ArkHarness.pro10, "content": [["type": "image_url", "image_url": ["url": "data:image/PNG;base64,AAAA"]]]] },
        code: "InvalidImageURL.InvalidFormat", param: "content.image_url.url"),
]

@Suite("Ark emulator: validation and errors")
struct ArkEmulatorValidationTests {
    @Test("invalid creates are refused with Ark's error body naming the field", arguments: rejectedCases)
    func rejected(_ rejected: RejectedCase) async throws {
        try await withArkEmulator { ark in
            let reply = try await ark.create(rejected.body())
            #expect(reply.status == rejected.status)
            #expect(reply.errorCode == rejected.code)
            #expect(reply.errorParam == rejected.param)
            let message = try #require(reply.error["message"] as? String)
            let requestID = try #require(reply.headers["x-request-id"])
            #expect(message.hasSuffix("Request ID: \(requestID)"))
            #expect(await ark.emulator.counters().creates == 0)
        }
    }

    @Test("calls without the right bearer key get 401 AuthenticationError")
    func unauthorized() async throws {
        try await withArkEmulator { ark in
            for key in [nil, "wrong-key"] {
                let reply = try await ark.create(textToVideo(), key: key)
                #expect(reply.status == 401)
                #expect(reply.errorCode == "AuthenticationError")
                #expect(reply.error["type"] as? String == "Unauthorized")
                #expect(reply.errorParam == "")
            }
            #expect(try await ark.send("GET", "/api/v3/contents/generations/tasks", key: nil).status == 401)
        }
    }

    @Test("JSON nulls read as absent and unknown fields are ignored, as the official SDK needs")
    func nullsAccepted() async throws {
        try await withArkEmulator { ark in
            let nulls = [
                "callback_url", "return_last_frame", "service_tier", "execution_expires_after", "generate_audio",
                "draft", "resolution", "ratio", "duration", "frames", "seed", "camera_fixed", "watermark",
                "safety_identifier", "priority", "tools", "output_format",
            ]
            var fields = textToVideo()
            for name in nulls { fields[name] = NSNull() }
            fields["some_future_field"] = ["nested": true]
            let reply = try await ark.create(fields)
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
        }
    }

    @Test("valid frames are accepted on 1.0 models and reported instead of duration")
    func framesReported() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            let id = try await ark.createTask(textToVideo(["frames": 57, "duration": 5]))
            clock.advance(5)
            let task = try await ark.task(id).json
            #expect(task["status"] as? String == "succeeded")
            #expect(task["frames"] as? Int == 57)
            #expect(task["duration"] == nil)
        }
    }

    @Test("image scenarios each model documents are accepted")
    func imageScenarios() async throws {
        try await withArkEmulator { ark in
            _ = try await ark.createTask(["model": liteI2V, "content": [image]])
            _ = try await ark.createTask([
                "model": liteI2V, "content": [["type": "text", "text": "[图1] walks"], image("reference_image"), image("reference_image")],
            ])
            _ = try await ark.createTask(["model": ArkHarness.pro15, "content": [image("first_frame"), image("last_frame")], "duration": -1])
            _ = try await ark.createTask([
                "model": ArkHarness.pro10, "content": [["type": "image_url", "image_url": ["url": "data:image/png;base64,iVBORw0KGgo="]]],
            ])
        }
    }

    @Test("prompt markers reject creates with Ark's moderation, rate-limit and internal errors")
    func rejectionMarkers() async throws {
        try await withArkEmulator { ark in
            let moderated = try await ark.create(textToVideo("[[reject:moderation]]"))
            #expect(moderated.status == 400 && moderated.errorCode == "InputTextSensitiveContentDetected")
            let limited = try await ark.create(textToVideo("[[reject:ratelimit]]"))
            #expect(limited.status == 429 && limited.errorCode == "ModelAccountRpmRateLimitExceeded")
            #expect(limited.headers["retry-after"] == nil, "Ark does not document Retry-After (volcengine-ark.md, Unknown)")
            let broken = try await ark.create(textToVideo("[[reject:500]]"))
            #expect(broken.status == 500 && broken.errorCode == "InternalServiceError")
            let counters = await ark.emulator.counters()
            #expect(counters.creates == 0 && counters.createAttempts == 3)
        }
    }

    @Test("a final video can be made from a succeeded draft, reusing its seed and prompt")
    func draftTask() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            let draftID = try await ark.createTask(textToVideo(model: ArkHarness.pro15, ["draft": true, "seed": 42]))
            let early = try await ark.create(["model": ArkHarness.pro15, "content": [["type": "draft_task", "draft_task": ["id": draftID]]]])
            #expect(early.status == 400 && early.errorParam == "content.draft_task.id")
            clock.advance(5)
            let draft = try await ark.task(draftID).json
            #expect(draft["draft"] as? Bool == true && draft["resolution"] as? String == "480p")
            let finalID = try await ark.createTask([
                "model": ArkHarness.pro15, "content": [["type": "draft_task", "draft_task": ["id": draftID]]], "resolution": "1080p",
            ])
            clock.advance(5)
            let final = try await ark.task(finalID).json
            #expect(final["seed"] as? Int == 42)
            #expect(final["resolution"] as? String == "1080p")
            #expect(final["draft_task_id"] as? String == draftID)
            #expect(final["draft"] as? Bool == false)
        }
    }
}
