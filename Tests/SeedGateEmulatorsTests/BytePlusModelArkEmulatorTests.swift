import Foundation
import SeedGateEmulators
import Testing

/// Runs the Ark emulator with BytePlus's model ids, as `ProviderModules` registers it for `byteplus-modelark`.
func withBytePlusEmulator<T: Sendable>(
    _ configuration: EmulatorConfiguration = ArkHarness.configuration(), now: @escaping @Sendable () -> Date = { Date() },
    _ body: (ArkHarness) async throws -> T
) async throws -> T {
    let emulator = ArkEmulator(configuration: configuration, models: .byteplus, now: now)
    return try await withEmulatorApplication(emulator.makeApplication(onServerRunning:)) { baseURL, client in
        try await body(ArkHarness(emulator: emulator, client: client, baseURL: baseURL))
    }
}

@Suite("BytePlus ModelArk emulator")
struct BytePlusModelArkEmulatorTests {
    static let pro15 = "seedance-1-5-pro-251215"

    @Test("a task with a BytePlus model id goes to succeeded and its video downloads")
    func bytePlusModelSucceeds() async throws {
        let clock = ManualClock()
        try await withBytePlusEmulator(now: clock.now) { ark in
            let id = try await ark.createTask(textToVideo("The kitten is yawning at the camera", model: Self.pro15, ["seed": 11, "watermark": true]))
            #expect(id.wholeMatch(of: /cgt-\d{14}-[a-z0-9]{5}/) != nil)
            #expect(try await ark.status(id) == "queued")
            clock.advance(10)
            let done = try await ark.task(id).json
            #expect(done["status"] as? String == "succeeded")
            #expect(done["model"] as? String == Self.pro15)
            #expect(done["generate_audio"] as? Bool == true, "1.5 pro rules apply under the BytePlus id")
            let video = try #require((done["content"] as? [String: Any])?["video_url"] as? String)
            let download = try await ark.send("GET", video, key: nil)
            #expect(download.status == 200 && download.headers["content-type"] == "video/mp4")
        }
    }

    @Test(
        "a Volcengine model id is refused as an unknown model",
        arguments: [
            "doubao-seedance-1-5-pro-251215", "doubao-seedance-1-0-pro-250528",
        ])
    func volcengineIDRefused(model: String) async throws {
        try await withBytePlusEmulator { ark in
            let reply = try await ark.create(textToVideo(model: model))
            #expect(reply.status == 404)
            #expect(reply.errorCode == "InvalidEndpointOrModel.NotFound" && reply.errorParam == "model")
            #expect(await ark.emulator.counters().creates == 0)
        }
    }

    @Test("the model rules follow the BytePlus ids (lite t2v takes no image, 1.0 pro has no audio)")
    func rulesFollowIDs() async throws {
        try await withBytePlusEmulator { ark in
            let image: [String: Any] = ["type": "image_url", "image_url": ["url": "https://example.com/cat.png"]]
            let lite = try await ark.create(["model": "seedance-1-0-lite-t2v-250428", "content": [["type": "text", "text": "x"], image]])
            #expect(lite.status == 400 && lite.errorParam == "content")
            let id = try await ark.createTask(textToVideo(model: "seedance-1-0-pro-fast-251015"))
            #expect(try #require(await ark.emulator.book.peek(id)).task.spec.generateAudio == nil)
        }
    }

    @Test("the emulator's ids are the manifest's upstream ids, and it takes the manifest's credential name")
    func catalogueAndRegistration() throws {
        #expect(ArkModelSet.byteplus.models.map(\.id) == (try manifestUpstreamIDs("byteplus-modelark")))
        #expect(ArkModelSet.byteplus.models.map(\.id).allSatisfy { !$0.hasPrefix("doubao-") })
        let configuration = ArkHarness.configuration()
        let instance = ArkEmulator.factory(models: .byteplus)(configuration) { _ in }
        #expect(instance.credentials == ["api_key": configuration.apiKey])
    }
}
