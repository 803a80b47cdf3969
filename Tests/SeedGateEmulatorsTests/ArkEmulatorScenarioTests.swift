import Foundation
import SeedGateEmulators
import Testing

/// Issue 9 (defects 6, 12, 13): the emulator refuses what Ark's documents say a model or scenario does not take, answers
/// both documented meanings of 429 `QuotaExceeded`, and models `DELETE` per status exactly.
@Suite("Ark emulator: per-scenario parameters, quota, DELETE per status")
struct ArkEmulatorScenarioTests {
    static let liteI2V = "doubao-seedance-1-0-lite-i2v-250428"
    static var references: [[String: Any]] {
        (1...2).map {
            ["type": "image_url", "image_url": ["url": "https://example.com/ref\($0).png"], "role": "reference_image"]
        }
    }

    static func referenceBody(_ extra: [String: Any]) -> [String: Any] {
        var body: [String: Any] = ["model": liteI2V, "content": [["type": "text", "text": "[图1] and [图2]"]] + references]
        body.merge(extra) { _, new in new }
        return body
    }

    static func draftBody(_ extra: [String: Any]) -> [String: Any] {
        textToVideo("a kite over the dunes", model: ArkHarness.pro15, ["draft": true].merging(extra) { _, new in new })
    }

    /// Each parameter the documents say the model or scenario does not take, sent with its *default* value: the
    /// strict reading refuses even that ([S000 设置视频输出规格] "ignored or trigger an error").
    static let unsupported: [(name: String, body: @Sendable () -> [String: Any], param: String)] = [
        ("camera_fixed false with reference images", { referenceBody(["camera_fixed": false]) }, "camera_fixed"),
        ("camera_fixed true with reference images", { referenceBody(["camera_fixed": true]) }, "camera_fixed"),
        ("return_last_frame false in draft mode", { draftBody(["return_last_frame": false]) }, "return_last_frame"),
        ("return_last_frame true in draft mode", { draftBody(["return_last_frame": true]) }, "return_last_frame"),
        ("service_tier default in draft mode", { draftBody(["service_tier": "default"]) }, "service_tier"),
        ("service_tier flex in draft mode", { draftBody(["service_tier": "flex"]) }, "service_tier"),
        ("generate_audio false on 1.0 pro", { textToVideo(["generate_audio": false]) }, "generate_audio"),
        ("generate_audio true on 1.0 pro", { textToVideo(["generate_audio": true]) }, "generate_audio"),
        ("draft false on 1.0 pro", { textToVideo(["draft": false]) }, "draft"),
        ("frames on 1.5 pro", { textToVideo(model: ArkHarness.pro15, ["frames": 57]) }, "frames"),
    ]

    @Test("a parameter the model or scenario does not take is refused with InvalidParameter naming it", arguments: 0..<unsupported.count)
    func unsupportedParameter(_ index: Int) async throws {
        let (name, body, param) = Self.unsupported[index]
        try await withArkEmulator { ark in
            let reply = try await ark.create(body())
            #expect(reply.status == 400, "\(name): \(reply.status)")
            #expect(reply.errorCode == "InvalidParameter" && reply.errorParam == param, "\(name): \(reply.error)")
            #expect(reply.error["type"] as? String == "BadRequest")
        }
    }

    @Test("the same scenarios without the unsupported parameter are accepted")
    func supportedCounterparts() async throws {
        try await withArkEmulator { ark in
            let bodies: [[String: Any]] = [
                Self.referenceBody(["watermark": true, "seed": 3, "return_last_frame": true, "service_tier": "flex"]),
                Self.draftBody(["seed": 3, "watermark": false, "camera_fixed": true, "generate_audio": false]),
                textToVideo(["camera_fixed": true, "return_last_frame": true, "frames": 57]),
                textToVideo(model: ArkHarness.pro15, ["generate_audio": false, "draft": false]),
            ]
            for body in bodies {
                let reply = try await ark.create(body)
                #expect(reply.status == 200, "\(reply.error)")
            }
        }
    }

    @Test("the lenient reading (an option) ignores an unsupported parameter carrying Ark's own default, never another value")
    func lenientReading() async throws {
        try await withOptionsEmulator(ArkEmulatorOptions(ignoreUnsupportedDefaults: true)) { ark in
            for body in [
                Self.referenceBody(["camera_fixed": false]), Self.draftBody(["return_last_frame": false, "service_tier": "default"]),
                textToVideo(["generate_audio": false, "draft": false]),
            ] {
                let reply = try await ark.create(body)
                #expect(reply.status == 200, "\(reply.error)")
            }
            let camera = try await ark.create(Self.referenceBody(["camera_fixed": true]))
            let lastFrame = try await ark.create(Self.draftBody(["return_last_frame": true]))
            let flex = try await ark.create(Self.draftBody(["service_tier": "flex"]))
            #expect(camera.errorParam == "camera_fixed" && lastFrame.errorParam == "return_last_frame" && flex.errorParam == "service_tier")
        }
    }

    @Test("a video made from a draft refuses the fields it reuses from the draft, and takes the others")
    func fromDraftReusedFields() async throws {
        let clock = ManualClock()
        try await withOptionsEmulator(ArkEmulatorOptions(), now: clock.now) { ark in
            let draftID = try await ark.createTask(Self.draftBody(["seed": 42]))
            clock.advance(5)
            let item: [[String: Any]] = [["type": "draft_task", "draft_task": ["id": draftID]]]
            for (field, value) in [("seed", 42), ("ratio", "16:9"), ("duration", 5), ("generate_audio", true), ("camera_fixed", false)]
                as [(String, Any)]
            {
                let reply = try await ark.create(["model": ArkHarness.pro15, "content": item, field: value])
                #expect(reply.status == 400 && reply.errorCode == "InvalidParameter" && reply.errorParam == field, "\(field): \(reply.error)")
            }
            let documented: [String: Any] = [
                "model": ArkHarness.pro15, "content": item, "watermark": false, "resolution": "720p", "return_last_frame": true,
                "service_tier": "default",
            ]
            let accepted = try await ark.create(documented)
            #expect(accepted.status == 200, "\(accepted.error)")
        }
    }

    @Test("429 QuotaExceeded: a used-up trial quota and a full queue, with the documented messages")
    func quotaExceeded() async throws {
        let options = ArkEmulatorOptions(maxQueuedTasks: 1, exhaustedTrialModels: [ArkHarness.pro15])
        try await withOptionsEmulator(options, configuration: ArkHarness.configuration(queue: 60, run: 1)) { ark in
            let exhausted = try await ark.create(textToVideo(model: ArkHarness.pro15))
            #expect(exhausted.status == 429 && exhausted.errorCode == "QuotaExceeded")
            #expect(exhausted.error["type"] as? String == "TooManyRequests")
            let message = try #require(exhausted.error["message"] as? String)
            #expect(
                message.hasPrefix("Your account [") && message.contains("has exhausted its free trial quota for the [\(ArkHarness.pro15)] model."))

            let first = try await ark.create(textToVideo())
            #expect(first.status == 200)
            let full = try await ark.create(textToVideo("another"))
            #expect(full.status == 429 && full.errorCode == "QuotaExceeded")
            #expect((full.error["message"] as? String)?.hasPrefix("The request has exceeded the quota.") == true)
        }
        try await withArkEmulator { ark in
            let marked = try await ark.create(textToVideo("a boat [[ark:queue-full]]"))
            #expect(marked.status == 429 && (marked.error["message"] as? String)?.hasPrefix("The request has exceeded the quota.") == true)
            let used = try await ark.create(textToVideo("a boat [[ark:quota-exhausted]]"))
            #expect(used.status == 429 && (used.error["message"] as? String)?.contains("exhausted its free trial quota") == true)
        }
    }

    @Test("DELETE deletes the record of a failed and of an expired task, and refuses a cancelled one")
    func deleteEndedTasks() async throws {
        let clock = ManualClock()
        try await withOptionsEmulator(ArkEmulatorOptions(), configuration: ArkHarness.configuration(queue: 1, run: 1), now: clock.now) { ark in
            let path = "/api/v3/contents/generations/tasks/"
            let failed = try await ark.createTask(textToVideo("one [[fail:moderation]]"))
            let expired = try await ark.createTask(textToVideo("two [[expire]]"))
            let cancelled = try await ark.createTask(textToVideo("three"))
            let cancel = try await ark.send("DELETE", path + cancelled)
            #expect(cancel.status == 200)
            clock.advance(5)
            let failedStatus = try await ark.status(failed)
            let expiredStatus = try await ark.status(expired)
            #expect(failedStatus == "failed" && expiredStatus == "expired")
            for id in [failed, expired] {
                let deleted = try await ark.send("DELETE", path + id)
                let read = try await ark.task(id)
                #expect(deleted.status == 200 && read.status == 404)
            }
            let again = try await ark.send("DELETE", path + cancelled)
            #expect(again.status == 400 && again.errorCode == "InvalidAction.TaskNotCancellable")
            #expect(try await ark.status(cancelled) == "cancelled")
        }
    }

    @Test("the beforeDelete hook runs before the DELETE looks at the task, so a test can let the task finish first")
    func beforeDeleteHook() async throws {
        let clock = ManualClock()
        let options = ArkEmulatorOptions(beforeDelete: { _ in clock.advance(30) })
        try await withOptionsEmulator(options, configuration: ArkHarness.configuration(queue: 10, run: 10), now: clock.now) { ark in
            let id = try await ark.createTask(textToVideo())
            #expect(try await ark.status(id) == "queued")
            // Ark's documented semantics: the DELETE meets a succeeded task and deletes its record.
            let deleted = try await ark.send("DELETE", "/api/v3/contents/generations/tasks/" + id)
            let read = try await ark.task(id)
            #expect(deleted.status == 200 && read.status == 404)
            #expect(await ark.emulator.counters().deletes == 1)
        }
    }
}

/// An Ark emulator with `options` on an ephemeral loopback port while `body` runs.
func withOptionsEmulator<T: Sendable>(
    _ options: ArkEmulatorOptions, configuration: EmulatorConfiguration = ArkHarness.configuration(), now: (@Sendable () -> Date)? = nil,
    _ body: (ArkHarness) async throws -> T
) async throws -> T {
    let emulator = ArkEmulator(configuration: configuration, options: options, now: now ?? { Date() })
    return try await withEmulatorApplication(emulator.makeApplication(onServerRunning:)) { baseURL, client in
        try await body(ArkHarness(emulator: emulator, client: client, baseURL: baseURL))
    }
}
