import Foundation
import SeedGateCore
import Testing

@testable import SeedGateProviders

@Suite("AceData mapping")
struct AceDataMappingTests {
    static func request(_ spec: JobSpec, callbackURL: String? = nil) -> SubmitRequest {
        SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: "doubao-seedance-1-0-pro-250528", callbackURL: callbackURL)
    }

    static func json(_ body: AceDataCreateBody) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(body)) as? [String: Any])
    }

    static func decode<Value: Decodable>(_ type: Value.Type, _ text: String) throws -> Value {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    @Test("camera_fixed is sent as camerafixed, every set field is explicit, and frames replaces duration")
    func createBodySpelling() throws {
        let spec = JobSpec(
            model: "seedance-1.0-pro", prompt: "waves", resolution: "480p", ratio: "4:3", duration: 5, frames: 57, seed: 7,
            cameraFixed: true, watermark: false, returnLastFrame: false, serviceTier: .default, expiresAfter: 3600
        )
        let body = try Self.json(AceDataMapping.createBody(for: Self.request(spec)))
        #expect(body["camerafixed"] as? Bool == true)
        #expect(body["camera_fixed"] == nil)
        #expect(body["frames"] as? Int == 57)
        #expect(body["duration"] == nil, "frames takes priority upstream; only the client's choice is sent")
        #expect(body["watermark"] as? Bool == false)
        #expect(body["return_last_frame"] as? Bool == false)
        #expect(body["execution_expires_after"] as? Int == 3600)
        #expect(body["service_tier"] as? String == "default")
        #expect(body["generate_audio"] == nil, "not set in the spec, so not sent")
    }

    @Test("every body carries both async switches: the job's callback route or the placeholder, and async: true")
    func asyncSwitch() throws {
        let spec = JobSpec(model: "seedance-1.0-pro", prompt: "waves")
        let plain = try Self.json(AceDataMapping.createBody(for: Self.request(spec)))
        #expect(plain["async"] as? Bool == true)
        #expect(plain["callback_url"] as? String == "dummy", "AceData's own placeholder [DOCS-TASKS]: callback_url is the switch [S003]")
        let hooked = try Self.json(AceDataMapping.createBody(for: Self.request(spec, callbackURL: "https://gw.example/cb/1")))
        #expect(hooked["callback_url"] as? String == "https://gw.example/cb/1")
        #expect(hooked["async"] as? Bool == true)
        let flagOnly = try Self.json(AceDataMapping.createBody(for: Self.request(spec), options: ["callback_placeholder": ""]))
        #expect(flagOnly["callback_url"] == nil && flagOnly["async"] as? Bool == true, "the manifest option's other reading")
        let other = try Self.json(AceDataMapping.createBody(for: Self.request(spec), options: ["callback_placeholder": "https://gw.example/void"]))
        #expect(other["callback_url"] as? String == "https://gw.example/void")
    }

    @Test("images follow the prompt as image_url objects, first frame before last frame")
    func contentOrder() throws {
        let spec = JobSpec(
            model: "seedance-1.0-pro", prompt: "turn",
            images: [
                ImageInput(url: "https://a.example/last.png", role: .lastFrame), ImageInput(url: "https://a.example/first.png", role: .firstFrame),
            ])
        let content = AceDataMapping.content(for: spec)
        #expect(content.map(\.type) == ["text", "image_url", "image_url"])
        #expect(content.map(\.role) == [nil, "first_frame", "last_frame"])
        #expect(content[1].imageURL == AceDataURL(url: "https://a.example/first.png"))
    }

    @Test("a draft cannot be sent: unsupported, and nothing reaches AceData")
    func draftRefused() {
        let spec = JobSpec(model: "seedance-1.5-pro", prompt: "x", draft: true)
        #expect(throws: ProviderError(.unsupported, providerMessage: "AceData documents no draft mode", requestSent: false)) {
            try AceDataMapping.createBody(for: Self.request(spec))
        }
    }

    @Test(
        "status words: Ark's vocabulary and the SDK's loose words are mapped, anything else is unrecognised",
        arguments: [
            ("queued", UpstreamSnapshot.Status.mapped(.queued)), ("running", .mapped(.running)), ("succeeded", .mapped(.succeeded)),
            ("failed", .mapped(.failed)), ("expired", .mapped(.expired)),
            // AceData's SDK reads these as done or failed [SDK-ACE]; with no cancel call, a cancelled task has failed.
            ("success", .mapped(.succeeded)), ("finished", .mapped(.succeeded)), ("error", .mapped(.failed)),
            ("cancelled", .mapped(.failed)), ("rejected", .mapped(.failed)),
            // `processing` is AceData's documented in-progress word [DOCS-TASKS-GUIDE]; words are read
            // case-insensitively, as AceData's SDK does [SDK-ACE].
            ("processing", .mapped(.running)), ("Processing", .mapped(.running)), ("Succeeded", .mapped(.succeeded)),
            ("FAILURE", .mapped(.failed)), ("Canceled", .mapped(.failed)), ("paused", .unrecognised("paused")), ("", .unrecognised("")),
        ])
    func statusWords(_ word: String, _ expected: UpstreamSnapshot.Status) {
        #expect(AceDataMapping.status(word) == expected)
    }

    @Test("a record without a response is queued until started_at appears, then running")
    func pendingRecords() throws {
        let queued = try Self.decode(AceDataTaskRecord.self, #"{"id":"t1","created_at":1766329436.091}"#)
        #expect(
            AceDataMapping.snapshot(of: queued, provider: "acedata") == UpstreamSnapshot(taskID: "t1", status: .mapped(.queued), rawStatus: "pending")
        )
        let running = try Self.decode(
            AceDataTaskRecord.self, #"{"id":"t1","created_at":1.5,"started_at":1.6,"response":{"success":true,"task_id":"t1"}}"#)
        #expect(AceDataMapping.snapshot(of: running, provider: "acedata").status == .mapped(.running))
        let odd = try Self.decode(AceDataTaskRecord.self, #"{"id":"t1","started_at":1.6,"finished_at":9.0}"#)
        #expect(AceDataMapping.snapshot(of: odd, provider: "acedata").status == .unrecognised("finished"), "finished without an outcome: no guess")
    }

    @Test("a succeeded word without a video is reported as a success without an output (the engine bounds it)")
    func successWithoutVideo() throws {
        let response = try Self.decode(
            AceDataGenerateResponse.self, #"{"success":true,"task_id":"t2","data":{"status":"succeeded","video_url":null}}"#)
        let snapshot = AceDataMapping.snapshot(of: response, taskID: "t2", provider: "acedata")
        #expect(snapshot.status == .mapped(.succeeded))
        #expect(snapshot.output?.videoURL == nil)
        #expect(snapshot.rawStatus == "succeeded")
    }

    @Test("the status word outranks success:false; an expired task keeps AceData's code under expired")
    func expiredKeepsCode() throws {
        let response = try Self.decode(
            AceDataGenerateResponse.self,
            #"""
            {"success":false,"task_id":"t3","data":{"task_id":"cgt-1","status":"expired"},"error":{"code":"expired","message":"too slow"}}
            """#)
        let snapshot = AceDataMapping.snapshot(of: response, taskID: "t3", provider: "acedata")
        #expect(snapshot.status == .mapped(.expired))
        #expect(
            snapshot.error
                == JobError(
                    code: .expired, message: "acedata: the task expired before it finished", providerCode: "expired", providerMessage: "too slow"))
    }

    @Test("a bare-string error is read as the message; success:false without a word is a failure")
    func bareStringError() throws {
        let response = try Self.decode(AceDataGenerateResponse.self, #"{"success":false,"task_id":"t4","error":"upstream timeout"}"#)
        let snapshot = AceDataMapping.snapshot(of: response, taskID: "t4", provider: "acedata")
        #expect(snapshot.status == .mapped(.failed))
        #expect(snapshot.error?.providerMessage == "upstream timeout")
        #expect(snapshot.error?.providerCode == nil)
        #expect(snapshot.error?.code == .generationFailed)
    }

    @Test(
        "failed-task codes normalise, keeping AceData's",
        arguments: [
            ("OutputVideoSensitiveContentDetected", JobErrorCode.contentModerated), ("InputImageRiskDetection", .contentModerated),
            ("bad_request", .invalidRequest), ("InvalidParameter.Duration", .invalidRequest), ("used_up", .providerQuotaExceeded),
            ("token_mismatched", .providerAuthFailed), ("api_error", .generationFailed), ("something_new", .generationFailed),
        ])
    func failureCodes(_ code: String, _ expected: JobErrorCode) {
        #expect(AceDataMapping.jobErrorCode(forProviderCode: code) == expected)
    }

    @Test("wrongly typed fields read as absent; only a record's id is required")
    func tolerantDecoding() throws {
        let record = try Self.decode(
            AceDataTaskRecord.self,
            #"""
            {"id":"t5","created_at":"yesterday","started_at":1,"response":{"success":"yes","task_id":5,"data":{"status":"succeeded","video_url":"https://cdn.example/v.mp4","duration":"5","resolution":720}}}
            """#)
        #expect(record.createdAt == nil)
        let snapshot = AceDataMapping.snapshot(of: record, provider: "acedata")
        #expect(snapshot.status == .mapped(.succeeded))
        #expect(snapshot.output == JobOutput(videoURL: "https://cdn.example/v.mp4"))
        #expect(throws: DecodingError.self) { try Self.decode(AceDataTaskRecord.self, #"{"created_at":1}"#) }
    }
}
