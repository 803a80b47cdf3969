import Foundation
import SeedGateEmulators
import Testing

@Suite("AceData emulator: Seedance 2.x")
struct AceDataEmulatorSeedance2Tests {
    @Test("a 2.0 multimodal create (2 reference images, a video, an audio) runs to succeeded and echoes the request")
    func multimodalSucceeds() async throws {
        let clock = ManualClock()
        try await withAceDataEmulator(now: clock.now) { ace in
            let body = try seedance2Body(
                #"{"content": \#(content(image(1), image(2), video, audio)), "resolution": "1080p", "ratio": "16:9", "duration": 8,"#
                    + #" "generate_audio": true, "return_last_frame": true, "priority": 0, "safety_identifier": "u_3f9a1c"}"#)
            let id = try await ace.createTask(body)
            let echoed = try #require(try await ace.record(id)["request"] as? [String: Any])
            let items = try #require(echoed["content"] as? [[String: Any]])
            #expect(items.count == 5 && items[3]["role"] as? String == "reference_video", "the request is echoed as sent")

            clock.advance(10)
            let response = try #require(try await ace.response(id))
            #expect(response["success"] as? Bool == true && response["task_id"] as? String == id)
            let data = try #require(response["data"] as? [String: Any])
            #expect(data["status"] as? String == "succeeded" && data["model"] as? String == seedance20)
            let upstream = try #require(data["task_id"] as? String)
            #expect(UUID(uuidString: upstream) != nil, "2.x examples give data.task_id as a UUID")
            #expect(data["duration"] as? Int == 8 && data["resolution"] as? String == "1080p" && data["ratio"] as? String == "16:9")
            let videoFile = try await ace.send("GET", try #require(data["video_url"] as? String), key: nil)
            #expect(videoFile.status == 200 && videoFile.headers["content-type"] == "video/mp4")
            let frameFile = try await ace.send("GET", try #require(data["last_frame_url"] as? String), key: nil)
            #expect(frameFile.status == 200 && frameFile.headers["content-type"] == "image/png")
            #expect(Array(videoFile.body) == EmulatorMedia.file(.mp4, .landscape16x9).bytes)
            #expect(Array(frameFile.body) == EmulatorMedia.file(.png, .landscape16x9).bytes)
        }
    }

    @Test("2.x rules: what the documents refuse is refused, what they allow is accepted", arguments: AceDataSeedance2Case.all)
    func rules(_ check: AceDataSeedance2Case) async throws {
        let body = try seedance2Body(check.json)
        try await withSeedance2Emulator(check.options) { ace in
            let reply = try await ace.create(body.merging(["callback_url": "dummy", "async": true]) { old, _ in old })
            let answer = String(decoding: reply.body, as: UTF8.self)
            #expect(reply.status == check.status, "\(check.name): \(answer)")
            let creates = await ace.emulator.counters().creates
            if check.status == 200 {
                #expect(reply.json["task_id"] is String && creates == 1)
            } else {
                #expect(reply.errorCode == (check.status == 403 ? "forbidden" : "bad_request"), "\(check.name): \(answer)")
                #expect(reply.json["success"] as? Bool == false && creates == 0)
            }
        }
    }
}

/// One create body (merged into a 2.0 text-to-video body) and the status AceData's documents give it.
struct AceDataSeedance2Case: Sendable, CustomTestStringConvertible {
    var name: String
    var json: String
    var status: Int
    var options = AceDataSeedance2Options()

    var testDescription: String { "\(name) → \(status)" }

    static let all: [AceDataSeedance2Case] = [
        AceDataSeedance2Case(name: "fast at 1080p", json: #"{"model": "\#(fast)", "resolution": "1080p"}"#, status: 400),
        AceDataSeedance2Case(name: "4k on fast", json: #"{"model": "\#(fast)", "resolution": "4k"}"#, status: 400),
        AceDataSeedance2Case(name: "4k on 2.0", json: #"{"resolution": "4k"}"#, status: 200),
        AceDataSeedance2Case(name: "frames on 2.0", json: #"{"frames": 121}"#, status: 400),
        AceDataSeedance2Case(name: "camerafixed on 2.0", json: #"{"camerafixed": false}"#, status: 400),
        AceDataSeedance2Case(name: "duration 20 on 2.0", json: #"{"duration": 20}"#, status: 400),
        AceDataSeedance2Case(name: "duration 20 on 2.5", json: #"{"model": "\#(seedance25)", "duration": 20}"#, status: 200),
        AceDataSeedance2Case(name: "audio only on 2.0", json: #"{"content": \#(content(audio))}"#, status: 400),
        AceDataSeedance2Case(name: "audio only on 2.5", json: #"{"model": "\#(seedance25)", "content": \#(content(audio))}"#, status: 200),
        AceDataSeedance2Case(name: "ten reference images on 2.0", json: #"{"content": \#(content((1...10).map { image($0) }))}"#, status: 400),
        AceDataSeedance2Case(name: "a data: video", json: #"{"content": \#(content(image(1), dataVideo))}"#, status: 400),
        AceDataSeedance2Case(name: "a video without role", json: #"{"content": \#(content(roleless))}"#, status: 400),
        AceDataSeedance2Case(
            name: "first_frame with reference_video", json: #"{"content": \#(content(image(1, role: "first_frame"), video))}"#, status: 400),
        AceDataSeedance2Case(name: "tools on 2.0", json: #"{"tools": [{"type": "web_search"}]}"#, status: 400),
        AceDataSeedance2Case(name: "omni_reference_task_type on 2.0", json: #"{"omni_reference_task_type": "auto"}"#, status: 400),
        AceDataSeedance2Case(name: "output_format on 2.0", json: #"{"output_format": "mp4"}"#, status: 400),
        AceDataSeedance2Case(name: "2.5 edit as mov", json: edit25, status: 200),
        AceDataSeedance2Case(name: "2.5 web search", json: #"{"model": "\#(seedance25)", "tools": [{"type": "web_search"}]}"#, status: 200),
        AceDataSeedance2Case(name: "priority 0 on 2.0", json: #"{"priority": 0}"#, status: 200),
        AceDataSeedance2Case(name: "priority 3 on 2.0", json: #"{"priority": 3}"#, status: 400),
        AceDataSeedance2Case(
            name: "priority 3 on 2.0, allowed", json: #"{"priority": 3}"#, status: 200,
            options: AceDataSeedance2Options(allowsPriorityOnSeedance20: true)),
        AceDataSeedance2Case(name: "a real face", json: #"{"content": \#(content(image(1, host: "real-face.example")))}"#, status: 403),
    ]

    static let edit25 =
        #"{"model": "\#(seedance25)", "content": \#(content(video)), "omni_reference_task_type": "edit", "ratio": "adaptive","#
        + #" "duration": -1, "output_format": "mov"}"#
}

private let seedance20 = "doubao-seedance-2-0-260128"
private let fast = "doubao-seedance-2-0-fast-260128"
private let seedance25 = "doubao-seedance-2-5-260628"
private let text = #"{"type": "text", "text": "the girl in image 1 dances to audio 1"}"#
private let video = #"{"type": "video_url", "video_url": {"url": "https://media.example/motion.mp4"}, "role": "reference_video"}"#
private let roleless = #"{"type": "video_url", "video_url": {"url": "https://media.example/motion.mp4"}}"#
private let dataVideo = #"{"type": "video_url", "video_url": {"url": "data:video/mp4;base64,AAAA"}, "role": "reference_video"}"#
private let audio = #"{"type": "audio_url", "audio_url": {"url": "https://media.example/bgm.mp3"}, "role": "reference_audio"}"#

private func image(_ number: Int, role: String = "reference_image", host: String = "img.example") -> String {
    #"{"type": "image_url", "image_url": {"url": "https://\#(host)/\#(number).png"}, "role": "\#(role)"}"#
}

private func content(_ items: String...) -> String { content(items) }
private func content(_ items: [String]) -> String { "[" + ([text] + items).joined(separator: ", ") + "]" }

/// A 2.0 text-to-video body with the fields of `json` merged in.
private func seedance2Body(_ json: String) throws -> [String: Any] {
    let extra = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    return aceDataBody("the girl in image 1 dances", model: seedance20, extra)
}

/// `withAceDataEmulator` with Seedance 2.x options.
private func withSeedance2Emulator<T: Sendable>(
    _ options: AceDataSeedance2Options, _ body: (AceDataHarness) async throws -> T
) async throws -> T {
    let emulator = AceDataEmulator(configuration: AceDataHarness.configuration(), seedance2: options)
    return try await withEmulatorApplication(emulator.makeApplication(onServerRunning:)) { baseURL, client in
        try await body(AceDataHarness(emulator: emulator, client: client, baseURL: baseURL))
    }
}
