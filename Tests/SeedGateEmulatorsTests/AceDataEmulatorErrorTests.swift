import Foundation
import SeedGateEmulators
import Testing

@Suite("AceData emulator: errors")
struct AceDataEmulatorErrorTests {
    @Test("a missing or wrong token is 401 invalid_token in AceData's envelope, on both endpoints")
    func unauthorized() async throws {
        try await withAceDataEmulator { ace in
            for reply in [
                try await ace.create(aceDataBody(["async": true]), key: nil),
                try await ace.create(aceDataBody(["async": true]), key: "wrong"),
                try await ace.tasks(["action": "retrieve", "id": "x"], key: "wrong"),
            ] {
                #expect(reply.status == 401)
                #expect(reply.json["success"] as? Bool == false)
                #expect(reply.errorCode == "invalid_token")
                #expect((reply.json["trace_id"] as? String)?.count == 36)
            }
            #expect(await ace.emulator.counters().createAttempts == 0)
        }
    }

    @Test(
        "strongly validated body fields are refused with 400 bad_request",
        arguments: [
            #"{"content": [{"type": "image_url", "image_url": "https://img.example/a.png"}, {"type": "text", "text": "x"}]}"#,
            #"{"content": [{"type": "text", "text": "x"}, {"type": "image_url", "image_url": {"url": "https://img.example/a.png"}, "role": "reference_image"}]}"#,
            #"{"duration": 1}"#,
            #"{"duration": "5"}"#,
            #"{"camerafixed": "yes"}"#,
            #"{"seed": 4294967296}"#,
            #"{"resolution": "4k"}"#,
            #"{"ratio": "adaptive"}"#,
            #"{"execution_expires_after": 60}"#,
            #"{"model": "doubao-seedance-3-0-261231"}"#,
            #"{"model": "doubao-seedance-1-5-pro-251215", "frames": 57}"#,
            #"{"model": "doubao-seedance-1-0-lite-t2v-250428", "content": [{"type": "text", "text": "x"}, {"type": "image_url", "image_url": {"url": "https://img.example/a.png"}}]}"#,
        ])
    func validation(_ extraJSON: String) async throws {
        let extra = try #require(try JSONSerialization.jsonObject(with: Data(extraJSON.utf8)) as? [String: Any])
        try await withAceDataEmulator { ace in
            let reply = try await ace.create(aceDataBody(extra.merging(["async": true]) { old, _ in old }))
            #expect(reply.status == 400, "\(extraJSON)")
            #expect(reply.errorCode == "bad_request")
            #expect(reply.json["success"] as? Bool == false)
            #expect(await ace.emulator.counters().creates == 0)
        }
    }

    @Test(
        "fields AceData does not document are refused with bad_request naming them, and nothing is created",
        arguments: [
            #"{"camera_fixed": false}"#,
            #"{"draft": false}"#,
            #"{"parameters": {"duration": 5}}"#,
            #"{"tools": [{"type": "web_search"}]}"#,
            #"{"framespersecond": 30}"#,
            #"{"content": [{"type": "text", "text": "x", "weight": 1}]}"#,
            #"{"content": [{"type": "text", "text": "x"}, {"type": "image_url", "image_url": {"url": "https://img.example/a.png", "detail": "high"}}]}"#,
        ])
    func undocumentedFieldsRefused(_ extraJSON: String) async throws {
        let extra = try #require(try JSONSerialization.jsonObject(with: Data(extraJSON.utf8)) as? [String: Any])
        try await withAceDataEmulator { ace in
            let reply = try await ace.create(aceDataBody(extra.merging(["callback_url": "dummy"]) { old, _ in old }))
            #expect(reply.status == 400 && reply.errorCode == "bad_request", "\(extraJSON)")
            #expect(await ace.emulator.counters().creates == 0)
        }
    }

    @Test("every documented field is accepted")
    func documentedFieldsAccepted() async throws {
        try await withAceDataEmulator { ace in
            let reply = try await ace.create(
                aceDataBody([
                    "callback_url": "dummy", "async": true, "resolution": "720p", "ratio": "16:9", "frames": 121,
                    "framespersecond": 24, "seed": -1, "camerafixed": true, "watermark": false, "generate_audio": false,
                    "service_tier": "default", "return_last_frame": true, "execution_expires_after": 3600, "priority": 0,
                    "safety_identifier": "user-1",
                ]))
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
        }
    }

    @Test("rejection markers: moderation 403, rate limit 429 too_many_requests, 500 api_error; no task is made")
    func rejectionMarkers() async throws {
        try await withAceDataEmulator { ace in
            let moderated = try await ace.create(aceDataBody("a riot [[reject:moderation]]", ["async": true]))
            #expect(moderated.status == 403 && moderated.errorCode == "forbidden")
            let limited = try await ace.create(aceDataBody("[[reject:ratelimit]] calm sea", ["async": true]))
            #expect(limited.status == 429 && limited.errorCode == "too_many_requests")
            #expect(limited.headers["retry-after"] == nil)
            let broken = try await ace.create(aceDataBody("[[reject:500]] calm sea", ["async": true]))
            #expect(broken.status == 500 && broken.errorCode == "api_error")
            #expect(broken.error["message"] as? String == "fetch failed")
            let counters = await ace.emulator.counters()
            #expect(counters.creates == 0 && counters.createAttempts == 3)
        }
    }
}
