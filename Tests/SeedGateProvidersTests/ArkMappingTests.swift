import Foundation
import SeedGateCore
import Testing

@testable import SeedGateProviders

/// The Ark dialect's translation tables, one case at a time.
@Suite("Ark mapping")
struct ArkMappingTests {
    static let provider: ProviderID = "volcengine-ark"

    @Test(
        "Ark's six statuses map to job statuses",
        arguments: [
            ("queued", JobStatus.queued), ("running", .running), ("succeeded", .succeeded),
            ("failed", .failed), ("cancelled", .cancelled), ("expired", .expired),
        ])
    func documentedStatus(raw: String, status: JobStatus) {
        #expect(ArkMapping.status(raw) == .mapped(status))
    }

    @Test("any other status word is unrecognised, kept verbatim", arguments: ["pending", "processing", "Succeeded", ""])
    func unknownStatus(raw: String) {
        #expect(ArkMapping.status(raw) == .unrecognised(raw))
        let snapshot = ArkMapping.snapshot(ArkTask(id: "cgt-1", status: raw), provider: Self.provider)
        #expect(snapshot.status == .unrecognised(raw) && snapshot.rawStatus == raw)
    }

    @Test(
        "task error codes normalise",
        arguments: [
            ("OutputVideoSensitiveContentDetected", JobErrorCode.contentModerated),
            ("InputImageSensitiveContentDetected.PrivacyInformation", .realPersonRefused),
            ("SensitiveContentDetected.Violence", .contentModerated),
            ("InputTextRiskDetection", .contentModerated),
            ("OutputImageRiskDetection", .contentModerated),
            ("InvalidParameter", .invalidRequest),
            ("InvalidParameter.UnsupportedParameter", .invalidRequest),
            ("MissingParameter.content", .invalidRequest),
            ("InvalidImageURL.InvalidFormat", .invalidRequest),
            ("InternalServiceError", .generationFailed),
            ("SomethingNew", .generationFailed),
        ])
    func errorCode(code: String, expected: JobErrorCode) {
        #expect(ArkMapping.jobErrorCode(forProviderCode: code) == expected)
    }

    @Test("a task error keeps Ark's code and message")
    func taskErrorKept() throws {
        let error = try #require(ArkMapping.jobError(ArkTaskError(code: "InvalidImageURL.EmptyURL", message: "empty"), provider: Self.provider))
        #expect(error.code == .invalidRequest && error.providerCode == "InvalidImageURL.EmptyURL" && error.providerMessage == "empty")
        #expect(error.message.hasPrefix("volcengine-ark: "))
        #expect(ArkMapping.jobError(ArkTaskError(), provider: Self.provider) == nil)
        #expect(ArkMapping.jobErrorCode(forProviderCode: nil) == .generationFailed)
    }

    @Test("explicit false and zero survive encoding")
    func explicitFalseSurvives() throws {
        let spec = JobSpec(
            model: "seedance-1.5-pro", prompt: "p", seed: 0, cameraFixed: false, watermark: false, generateAudio: false,
            returnLastFrame: false, draft: false
        )
        let body = try Self.encodedBody(spec)
        for key in ["camera_fixed", "watermark", "generate_audio", "return_last_frame", "draft"] {
            #expect(body[key] == .bool(false), "\(key)")
        }
        #expect(body["seed"] == .integer(0))
    }

    @Test("fields the spec does not set are not sent")
    func absentFieldsOmitted() throws {
        let body = try Self.encodedBody(JobSpec(model: "seedance-1.5-pro", prompt: "p"))
        #expect(Set(body.keys) == ["model", "content"])
        #expect(body["content"] == .array([.object(["type": .string("text"), "text": .string("p")])]))
    }

    @Test("frames replaces duration")
    func framesReplaceDuration() throws {
        let body = try Self.encodedBody(JobSpec(model: "seedance-1.0-pro", prompt: "p", duration: 5, frames: 57))
        #expect(body["frames"] == .integer(57) && body["duration"] == nil)
    }

    @Test("images follow the prompt, first frame before last frame, with Ark's roles")
    func imageContent() throws {
        let spec = JobSpec(
            model: "m", prompt: "p",
            images: [
                ImageInput(url: "https://x.example/last.png", role: .lastFrame),
                ImageInput(url: "https://x.example/first.png", role: .firstFrame),
            ])
        let content = try ArkMapping.content(for: Self.request(spec))
        #expect(content.map(\.type) == ["text", "image_url", "image_url"])
        #expect(content.compactMap(\.role) == ["first_frame", "last_frame"])
        #expect(content.compactMap(\.imageURL?.url) == ["https://x.example/first.png", "https://x.example/last.png"])
        #expect(ArkMapping.role(.reference) == "reference_image")
        let imageOnly = try ArkMapping.content(
            for: Self.request(JobSpec(model: "m", images: [ImageInput(url: "https://x.example/a.png", role: .firstFrame)])))
        #expect(imageOnly == [.image(url: "https://x.example/a.png", role: "first_frame")])
    }

    @Test("a video from a draft sends only the draft_task item")
    func draftTaskContent() throws {
        let spec = JobSpec(model: "seedance-1.5-pro", resolution: "720p", draftJobID: "job_01kcb2x7m2n3p4q5r6s7t8v9wx")
        let content = try ArkMapping.content(for: Self.request(spec, draftTaskID: "cgt-20251212103435-draft"))
        #expect(content == [.draftTask(id: "cgt-20251212103435-draft")])
        #expect {
            try ArkMapping.content(for: Self.request(spec))
        } throws: { error in
            (error as? ProviderError).map { $0.kind == .invalidRequest && !$0.requestSent } ?? false
        }
    }

    @Test("task objects decode tolerantly: only id and status are required")
    func tolerantDecoding() throws {
        let json =
            #"{"id":"cgt-1","status":"succeeded","seed":"x","usage":"n/a","content":{"video_url":"https://v.example/a.mp4"},"updated_at":100,"new_field":{"a":1},"error":null}"#
        let task = try JSONDecoder().decode(ArkTask.self, from: Data(json.utf8))
        #expect(task.seed == nil && task.usage == nil && task.error == nil)
        let output = try #require(ArkMapping.output(task))
        #expect(output.videoURL == "https://v.example/a.mp4")
        #expect(output.expiresAt == Date(timeIntervalSince1970: 100 + 86_400))
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ArkTask.self, from: Data(#"{"status":"queued"}"#.utf8)) }
        #expect(ArkMapping.output(ArkTask(id: "cgt-2", status: "queued")) == nil)
    }

    static func request(_ spec: JobSpec, draftTaskID: String? = nil) -> SubmitRequest {
        SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: "upstream-model", draftTaskID: draftTaskID)
    }

    static func encodedBody(_ spec: JobSpec) throws -> [String: JSONValue] {
        let data = try JSONEncoder().encode(try ArkMapping.createBody(for: request(spec)))
        guard case .object(let object) = JSONValue(data: data) else { throw ContractCassette.Invalid(description: "not an object") }
        return object
    }
}
