import Foundation
import SeedGateTesting
import Testing

@testable import SeedGateCore

/// Seedance 2.x rules, each accepted and refused before anything is sent (seedance-2.md §3/§4/§5/§6/§7/§8), against
/// `Fixtures.seedance2` (the Volcengine Ark offerings).
@Suite struct Seedance2ValidationTests: ValidationHarness {
    let manifest = Fixtures.manifest()

    static let image = "https://example.invalid/girl.png"
    static let video = MediaInput(url: "https://example.invalid/motion.mp4", seconds: 5)
    static let audio = MediaInput(url: "https://example.invalid/bgm.mp3", seconds: 5)

    static func references(_ count: Int) -> [ImageInput] {
        (0..<count).map { ImageInput(url: "https://example.invalid/\($0).png", role: .reference) }
    }

    @Test func multimodalTwoZeroGetsItsDefaultsAndNoOneXParameters() throws {
        let spec = try normalise(
            JobSpec(
                model: "seedance-2.0", prompt: "[Image 1] dances to [Audio 1] like [Video 1]", images: Self.references(2),
                videos: [Self.video], audios: [Self.audio], priority: 3, safetyIdentifier: "u_3f9a1c"))
        #expect(spec.scenario == .multimodalReference)
        #expect(spec.resolution == "720p")
        #expect(spec.ratio == "adaptive")
        #expect(spec.duration == 5)
        #expect(spec.generateAudio == true)
        #expect(spec.priority == 3)
        #expect(spec.safetyIdentifier == "u_3f9a1c")
        // Never sent to 2.x: camera_fixed, draft, service_tier (online only, "不支持配置该参数").
        #expect(spec.cameraFixed == nil)
        #expect(spec.draft == nil)
        #expect(spec.serviceTier == nil)
        #expect(spec.prompt == "[Image 1] dances to [Audio 1] like [Video 1]")
    }

    /// The issue's refusals, each naming its field.
    @Test(arguments: [
        ("fast at 1080p", JobSpec(model: "seedance-2.0-fast", prompt: "x", resolution: "1080p"), "resolution"),
        ("frames on 2.0", JobSpec(model: "seedance-2.0", prompt: "x", frames: 121), "frames"),
        ("audio only on 2.0", JobSpec(model: "seedance-2.0", prompt: "x", audios: [audio]), "audios"),
        ("ten reference images", JobSpec(model: "seedance-2.0", prompt: "x", images: references(10)), "images"),
        ("camera_fixed", JobSpec(model: "seedance-2.0", prompt: "x", cameraFixed: true), "camera_fixed"),
        ("draft", JobSpec(model: "seedance-2.0", prompt: "x", draft: true), "draft"),
        ("flex", JobSpec(model: "seedance-2.0", prompt: "x", serviceTier: .flex), "service_tier"),
        ("default tier", JobSpec(model: "seedance-2.0", prompt: "x", serviceTier: .default), "service_tier"),
        ("duration 16 on 2.0", JobSpec(model: "seedance-2.0", prompt: "x", duration: 16), "duration"),
        ("duration 3", JobSpec(model: "seedance-2.0", prompt: "x", duration: 3), "duration"),
        ("four videos", JobSpec(model: "seedance-2.0", prompt: "x", videos: Array(repeating: video, count: 4)), "videos"),
        (
            "videos over 15 s in all",
            JobSpec(model: "seedance-2.0", prompt: "x", videos: Array(repeating: MediaInput(url: video.url, seconds: 8), count: 2)), "videos"
        ),
        ("a 1 s clip", JobSpec(model: "seedance-2.0", prompt: "x", videos: [MediaInput(url: video.url, seconds: 1)]), "videos[0].seconds"),
        ("a data: video", JobSpec(model: "seedance-2.0", prompt: "x", videos: [MediaInput(url: "data:video/mp4;base64,AAAA")]), "videos[0].url"),
        ("an avi video", JobSpec(model: "seedance-2.0", prompt: "x", videos: [MediaInput(url: "https://example.invalid/a.avi")]), "videos[0].url"),
        (
            "an ogg audio",
            JobSpec(model: "seedance-2.0", prompt: "x", images: references(1), audios: [MediaInput(url: "https://example.invalid/a.ogg")]),
            "audios[0].url"
        ),
        (
            "a heic image",
            JobSpec(model: "seedance-2.0", prompt: "x", images: [ImageInput(url: "https://example.invalid/a.HEIC", role: .reference)]),
            "images[0].url"
        ),
        (
            "first frame beside a video",
            JobSpec(model: "seedance-2.0", prompt: "x", images: [ImageInput(url: image, role: .firstFrame)], videos: [video]), "images[0].role"
        ),
        ("priority 10", JobSpec(model: "seedance-2.0", prompt: "x", priority: 10), "priority"),
        (
            "a 65-character safety_identifier", JobSpec(model: "seedance-2.0", prompt: "x", safetyIdentifier: String(repeating: "a", count: 65)),
            "safety_identifier"
        ),
        ("web search with an image", JobSpec(model: "seedance-2.0", prompt: "x", images: references(1), tools: [.webSearch]), "tools"),
        ("task_type on 2.0", JobSpec(model: "seedance-2.0", prompt: "x", taskType: .reference), "task_type"),
        ("mov on 2.0", JobSpec(model: "seedance-2.0", prompt: "x", outputFormat: .mov), "output_format"),
        ("seed beyond 2^31-1", JobSpec(model: "seedance-2.0", prompt: "x", seed: 3_000_000_000), "seed"),
        ("2.5 edit without a video", JobSpec(model: "seedance-2.5", prompt: "x", images: references(1), taskType: .edit), "task_type"),
        ("2.5 edit with a duration", JobSpec(model: "seedance-2.5", prompt: "x", duration: 8, videos: [video], taskType: .edit), "duration"),
        ("2.5 extend with a fixed ratio", JobSpec(model: "seedance-2.5", prompt: "x", ratio: "16:9", videos: [video], taskType: .extend), "ratio"),
        (
            "2.5 first frame with a fixed ratio",
            JobSpec(model: "seedance-2.5", prompt: "x", images: [ImageInput(url: image, role: .firstFrame)], ratio: "16:9"), "ratio"
        ),
        ("videos on 1.5 pro", JobSpec(model: "seedance-1.5-pro", prompt: "x", videos: [video]), "videos"),
        ("priority on 1.5 pro", JobSpec(model: "seedance-1.5-pro", prompt: "x", priority: 2), "priority"),
    ])
    func refused(_ what: String, _ spec: JobSpec, _ field: String) {
        let result = failure(spec)
        #expect(result?.field == field, "\(what): \(result?.description ?? "accepted")")
    }

    @Test(arguments: [
        ("2.0 at 4k", JobSpec(model: "seedance-2.0", prompt: "x", resolution: "4k")),
        ("2.0 15 s", JobSpec(model: "seedance-2.0", prompt: "x", duration: 15)),
        ("2.0 -1", JobSpec(model: "seedance-2.0", prompt: "x", duration: -1)),
        ("2.5 30 s", JobSpec(model: "seedance-2.5", prompt: "x", duration: 30)),
        ("2.5 audio alone", JobSpec(model: "seedance-2.5", prompt: "x", audios: [audio])),
        ("2.0 audio beside a video", JobSpec(model: "seedance-2.0", prompt: "x", videos: [video], audios: [audio])),
        ("2.0 nine references", JobSpec(model: "seedance-2.0", prompt: "x", images: references(9))),
        (
            "2.0 data: audio",
            JobSpec(model: "seedance-2.0", prompt: "x", images: references(1), audios: [MediaInput(url: "data:audio/mp3;base64,SUQzBAAAAAAA")])
        ),
        ("2.0 asset image", JobSpec(model: "seedance-2.0", prompt: "x", images: [ImageInput(url: "asset://asset-20260401-abc", role: .reference)])),
        ("2.0 web search, text only", JobSpec(model: "seedance-2.0", prompt: "x", tools: [.webSearch])),
        ("2.0 priority 0 and 9", JobSpec(model: "seedance-2.0", prompt: "x", priority: 9)),
        ("2.5 edit", JobSpec(model: "seedance-2.5", prompt: "x", videos: [video], taskType: .edit, outputFormat: .mov)),
        ("2.0 videos without prompt", JobSpec(model: "seedance-2.0", videos: [video])),
        (
            "a URL whose extension names no media format",
            JobSpec(model: "seedance-2.0", prompt: "x", images: [ImageInput(url: "https://cdn.example/render.php?id=3", role: .reference)])
        ),
    ])
    func accepted(_ what: String, _ spec: JobSpec) {
        let result = failure(spec)
        #expect(result == nil, "\(what): \(result?.description ?? "")")
    }

    @Test func twoFiveDefaultsToTheModelChoosingTheLength() throws {
        let spec = try normalise(JobSpec(model: "seedance-2.5", prompt: "x"))
        #expect(spec.duration == -1)
    }

    @Test func aNoOpValueForAParameterTheModelLacksIsNotSent() throws {
        let spec = try normalise(JobSpec(model: "seedance-2.0", prompt: "x", cameraFixed: false, draft: false))
        #expect(spec.cameraFixed == nil)
        #expect(spec.draft == nil)
        let onePointFive = try normalise(JobSpec(model: "seedance-1.5-pro", prompt: "x", priority: 0))
        #expect(onePointFive.priority == nil)
    }

    /// Stored jobs from before reference media existed still decode.
    @Test func aSpecStoredBeforeTwoXDecodes() throws {
        let old = #"{"model":"seedance-1.5-pro","prompt":"a cat","images":[],"duration":5}"#
        let spec = try JSONDecoder().decode(JobSpec.self, from: Data(old.utf8))
        #expect(spec.videos.isEmpty && spec.audios.isEmpty && spec.priority == nil)
        let roundTrip = try JSONDecoder().decode(
            JobSpec.self, from: JSONEncoder().encode(JobSpec(model: "m", videos: [Self.video], tools: [.webSearch])))
        #expect(roundTrip.videos == [Self.video] && roundTrip.tools == [.webSearch])
    }

    @Test func aPrivacyRefusalHasItsOwnCode() {
        #expect(JobErrorCode.moderated(providerCode: "InputVideoSensitiveContentDetected.PrivacyInformation") == .realPersonRefused)
        #expect(JobErrorCode.moderated(providerCode: "OutputAudioSensitiveContentDetected") == .contentModerated)
    }
}
