import Foundation
import SeedGateEmulators
import Testing

/// A submit body that ModelVerse refuses, and the error it should carry.
struct ModelVerseRejectedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var body: @Sendable () -> [String: Any]
    var status: Int = 400
    var type: String = "invalid_request_error"
    var code: String = "param_error"
    /// Words the message must contain.
    var mentions: String

    var testDescription: String { name }
}

private let image = "https://umodelverse-inference.cn-wlcb.ufileos.com/ucloud-maxcot.jpg"
private func image(_ role: String?) -> [String: Any] {
    var item: [String: Any] = ["type": "image_url", "image_url": ["url": image]]
    if let role { item["role"] = role }
    return item
}

private let rejectedCases: [ModelVerseRejectedCase] = [
    ModelVerseRejectedCase(
        name: "a flat, Ark-style body",
        body: { ["model": ModelVerseHarness.model, "content": [["type": "text", "text": "x"]], "duration": 5] }, mentions: "input.content"
    ),
    ModelVerseRejectedCase(name: "missing model", body: { ["input": ["content": [["type": "text", "text": "x"]]]] }, mentions: "model"),
    ModelVerseRejectedCase(
        name: "a model ModelVerse does not serve (a Volcengine 1.0 id)",
        body: { modelVerseBody(model: "doubao-seedance-1-0-pro-250528") }, code: "model_error", mentions: "doubao-seedance-1-0-pro-250528"
    ),
    ModelVerseRejectedCase(
        name: "empty content", body: { ["model": ModelVerseHarness.model, "input": ["content": [Any]()]] }, mentions: "input.content"),
    ModelVerseRejectedCase(name: "seed -1 (Ark's random)", body: { modelVerseBody(parameters: ["seed": -1]) }, mentions: "seed"),
    ModelVerseRejectedCase(name: "seed above 2^31-1", body: { modelVerseBody(parameters: ["seed": 2_147_483_648]) }, mentions: "seed"),
    ModelVerseRejectedCase(name: "duration 3", body: { modelVerseBody(parameters: ["duration": 3]) }, mentions: "duration"),
    ModelVerseRejectedCase(name: "duration -1 (Ark's auto)", body: { modelVerseBody(parameters: ["duration": -1]) }, mentions: "duration"),
    ModelVerseRejectedCase(
        name: "duration of the wrong type", body: { modelVerseBody(parameters: ["duration": "5"]) }, mentions: "parameters.duration"),
    ModelVerseRejectedCase(name: "bad resolution", body: { modelVerseBody(parameters: ["resolution": "4k"]) }, mentions: "resolution"),
    ModelVerseRejectedCase(name: "bad ratio", body: { modelVerseBody(parameters: ["ratio": "2:1"]) }, mentions: "ratio"),
    ModelVerseRejectedCase(
        name: "draft at 720p", body: { modelVerseBody(parameters: ["draft": true, "resolution": "720p"]) }, mentions: "resolution"),
    ModelVerseRejectedCase(
        name: "flex in draft mode", body: { modelVerseBody(parameters: ["draft": true, "service_tier": "flex"]) }, mentions: "service_tier"),
    ModelVerseRejectedCase(name: "unknown service tier", body: { modelVerseBody(parameters: ["service_tier": "fast"]) }, mentions: "service_tier"),
    ModelVerseRejectedCase(
        name: "expiry too short", body: { modelVerseBody(parameters: ["execution_expires_after": 60]) }, mentions: "execution_expires_after"),
    ModelVerseRejectedCase(name: "reference images", body: { modelVerseBody(extraContent: [image("reference_image")]) }, mentions: "reference"),
    ModelVerseRejectedCase(name: "two images without roles", body: { modelVerseBody(extraContent: [image(nil), image(nil)]) }, mentions: "role"),
    ModelVerseRejectedCase(
        name: "upper-case data URL format",
        body: { modelVerseBody(extraContent: [["type": "image_url", "image_url": ["url": "data:image/PNG;base64,AAAA"]]]) }, mentions: "image"
    ),
    ModelVerseRejectedCase(
        name: "input moderation marker", body: { modelVerseBody("[[reject:moderation]] x") }, code: "sensitive_check_error",
        mentions: "Sensitive check error"),
    ModelVerseRejectedCase(
        name: "rate-limit marker", body: { modelVerseBody("[[reject:ratelimit]] x") }, status: 429, type: "rate_limit_error", code: "rate_limit",
        mentions: "Rate limit exceeded"
    ),
    ModelVerseRejectedCase(
        name: "server-error marker", body: { modelVerseBody("[[reject:500]] x") }, status: 500, type: "internal_error", code: "internal_error",
        mentions: "Internal Server Error"
    ),
]

@Suite("ModelVerse emulator: validation, auth and errors")
struct ModelVerseEmulatorValidationTests {
    @Test("refused submits answer in the platform's error envelope", arguments: rejectedCases)
    func rejected(_ rejected: ModelVerseRejectedCase) async throws {
        try await withModelVerseEmulator { mv in
            let reply = try await mv.submit(rejected.body())
            #expect(reply.status == rejected.status)
            #expect(Set(reply.error.keys) == ["message", "type", "param", "code"])
            #expect(reply.errorCode == rejected.code)
            #expect(reply.error["type"] as? String == rejected.type)
            #expect(UUID(uuidString: reply.errorParam ?? "") != nil, "param carries a request id")
            let message = try #require(reply.error["message"] as? String)
            #expect(message.contains(rejected.mentions), "\(message)")
            #expect(reply.headers["retry-after"] == nil, "ModelVerse documents no Retry-After")
            let stats = try await mv.send("GET", "/emulator/stats", authorization: nil).json
            #expect(stats["creates"] as? Int == 0 && stats["create_attempts"] as? Int == 1)
        }
    }

    @Test("the raw key and a Bearer key are accepted; a missing or wrong key is refused before anything else")
    func authentication() async throws {
        try await withModelVerseEmulator { mv in
            #expect(try await mv.submit(modelVerseBody(), authorization: ModelVerseHarness.key).status == 200)
            #expect(try await mv.submit(modelVerseBody(), authorization: "Bearer \(ModelVerseHarness.key)").status == 200)
            for authorization in [nil, "wrong-key", "Bearer wrong-key", "Basic \(ModelVerseHarness.key)"] {
                let reply = try await mv.submit(modelVerseBody("[[reject:ratelimit]]"), authorization: authorization)
                #expect(reply.status == 401, "\(authorization ?? "no header")")
                #expect(reply.errorCode == "auth_error" && reply.error["message"] as? String == "Validate Certification failed")
                #expect(reply.error["type"] as? String == "invalid_request_error")
            }
            let status = try await mv.send("GET", "/v1/tasks/status?task_id=x", authorization: nil)
            #expect(status.status == 401 && status.errorCode == "auth_error")
            let stats = try await mv.send("GET", "/emulator/stats", authorization: nil).json
            #expect(stats["create_attempts"] as? Int == 2, "refused keys never reach the handlers")
        }
    }

    @Test("the doc's own example body, with generate_audio twice, is accepted; generate_audio defaults to false")
    func docExampleAndAudioDefault() async throws {
        try await withModelVerseEmulator { mv in
            let example = """
                {"model": "doubao-seedance-1-5-pro-251215",
                 "input": {"content": [
                   {"type": "text", "text": "让他跑起来。"},
                   {"type": "image_url", "image_url": {"url": "\(image)"}, "role": "first_frame"},
                   {"type": "image_url", "image_url": {"url": "\(image)"}, "role": "last_frame"}]},
                 "parameters": {"generate_audio": true, "duration": 5, "execution_expires_after": 3600, "generate_audio": true,
                                "resolution": "720p", "camera_fixed": false, "watermark": false, "draft": false}}
                """
            let reply = try await mv.send("POST", "/v1/tasks/submit", body: Data(example.utf8))
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            let id = try #require((reply.json["output"] as? [String: Any])?["task_id"] as? String)
            let spec = try #require(await mv.emulator.book.peek(id)?.task.spec)
            #expect(spec.generateAudio == true && spec.images.count == 2 && spec.executionExpiresAfter == 3600)

            let silent = try await mv.submitTask(modelVerseBody())
            #expect(try #require(await mv.emulator.book.peek(silent)?.task.spec).generateAudio == false)
            let seeded = try await mv.submitTask(modelVerseBody(parameters: ["seed": 2_147_483_647]))
            #expect(try #require(await mv.emulator.book.peek(seeded)?.task.spec).seed == 2_147_483_647)
        }
    }

    @Test("status calls: a missing task_id is a param_error, an unknown id a 404")
    func statusErrors() async throws {
        try await withModelVerseEmulator { mv in
            let missing = try await mv.send("GET", "/v1/tasks/status")
            #expect(missing.status == 400 && missing.errorCode == "param_error")
            let unknown = try await mv.status("00000000-0000-4000-8000-000000000000")
            #expect(unknown.status == 404 && unknown.errorCode == "not_found")
            let stats = try await mv.send("GET", "/emulator/stats", authorization: nil).json
            #expect(stats["status_reads"] as? Int == 1)
        }
    }

    @Test("the emulator serves the manifest's model id")
    func catalogue() throws {
        #expect(ArkModelSet.modelverse.models.map(\.id) == (try manifestUpstreamIDs("modelverse")))
    }
}
