import Foundation
import SeedGateCore
import Testing

@testable import SeedGateProviders

/// ModelVerse's translation tables, one case at a time.
@Suite("ModelVerse mapping")
struct ModelVerseMappingTests {
    static let provider: ProviderID = "modelverse"

    @Test(
        "ModelVerse's five capitalised statuses map to job statuses",
        arguments: [
            ("Pending", JobStatus.queued), ("Running", .running), ("Success", .succeeded), ("Failure", .failed), ("Expired", .expired),
        ])
    func documentedStatus(raw: String, status: JobStatus) {
        #expect(ModelVerseMapping.status(raw) == .mapped(status))
    }

    @Test(
        "any other word, Ark's lower-case ones included, is unrecognised and kept verbatim",
        arguments: ["success", "SUCCESS", "succeeded", "queued", "Cancelled", "Queuing", ""])
    func unknownStatus(raw: String) {
        #expect(ModelVerseMapping.status(raw) == .unrecognised(raw))
        let snapshot = ModelVerseMapping.snapshot(
            ModelVerseStatusResponse(output: ModelVerseTask(taskID: "t-1", taskStatus: raw)), provider: Self.provider
        )
        #expect(snapshot.status == .unrecognised(raw) && snapshot.rawStatus == raw)
        #expect(snapshot.error == nil && snapshot.output == nil)
    }

    @Test("a submit body nests settings under parameters and sends every normalised value, false included")
    func submitBody() throws {
        let spec = JobSpec(
            model: "seedance-1.5-pro", prompt: "p",
            images: [
                ImageInput(url: "https://a.example/last.png", role: .lastFrame),
                ImageInput(url: "https://a.example/first.png", role: .firstFrame),
            ],
            resolution: "480p", ratio: "adaptive", duration: 4, seed: 0, cameraFixed: false, watermark: false,
            generateAudio: false, draft: true, serviceTier: .default, expiresAfter: 3600
        )
        let body = try ModelVerseMapping.submitBody(for: Self.request(spec))
        let json = try Self.json(body)
        #expect(Set(json.keys) == ["model", "input", "parameters"])
        #expect(json["model"] as? String == "doubao-seedance-1-5-pro-251215")
        let parameters = try #require(json["parameters"] as? [String: Any])
        #expect(
            Set(parameters.keys) == [
                "execution_expires_after", "generate_audio", "draft", "resolution", "ratio", "duration", "seed", "camera_fixed",
                "watermark", "service_tier",
            ])
        #expect(parameters["generate_audio"] as? Bool == false, "ModelVerse defaults to false; the explicit value must go")
        #expect(parameters["seed"] as? Int == 0)
        let content = try #require((json["input"] as? [String: Any])?["content"] as? [[String: Any]])
        #expect(content.map { $0["type"] as? String } == ["text", "image_url", "image_url"])
        #expect(content.compactMap { $0["role"] as? String } == ["first_frame", "last_frame"], "first frame before last frame")
    }

    @Test("absent spec values stay absent from the parameters")
    func absentValues() throws {
        let body = try ModelVerseMapping.submitBody(for: Self.request(JobSpec(model: "seedance-1.5-pro", prompt: "p")))
        let parameters = try #require(try Self.json(body)["parameters"] as? [String: Any])
        #expect(parameters.isEmpty)
    }

    @Test(
        "features ModelVerse does not document are refused before anything is sent",
        arguments: [
            JobSpec(model: "m", prompt: "p", frames: 57),
            JobSpec(model: "m", prompt: "p", returnLastFrame: true),
            JobSpec(model: "m", images: [ImageInput(url: "https://a.example/r.png", role: .reference)]),
        ])
    func unsupportedFeatures(spec: JobSpec) {
        do {
            _ = try ModelVerseMapping.submitBody(for: Self.request(spec))
            Issue.record("an unsupported feature was accepted")
        } catch {
            #expect(error.kind == .unsupported && !error.requestSent)
        }
    }

    @Test("a video made from a draft sends only the draft_task item")
    func draft() throws {
        let spec = JobSpec(model: "seedance-1.5-pro", resolution: "720p", draftJobID: JobID.generate().description)
        let body = try ModelVerseMapping.submitBody(
            for: SubmitRequest(
                jobID: JobID.generate(), spec: spec, upstreamModel: "doubao-seedance-1-5-pro-251215", draftTaskID: "draft-1"
            ))
        let content = try #require((try Self.json(body)["input"] as? [String: Any])?["content"] as? [[String: Any]])
        #expect(content.count == 1)
        #expect((content[0]["draft_task"] as? [String: Any])?["id"] as? String == "draft-1")
    }

    @Test("a success has a video; a failure's echoed duration makes no output")
    func output() {
        var task = ModelVerseTask(taskID: "t", taskStatus: "Success")
        task.urls = ["", "https://v.example/a.mp4"]
        task.finishTime = 1_768_460_932
        let usage = ModelVerseUsage(completionTokens: 10, totalTokens: 10, duration: 6)
        #expect(
            ModelVerseMapping.output(task, usage: usage)
                == JobOutput(
                    videoURL: "https://v.example/a.mp4", duration: 6, expiresAt: Date(timeIntervalSince1970: 1_768_460_932 + 86_400)
                ))
        var failed = ModelVerseTask(taskID: "t", taskStatus: "Failure")
        failed.errorMessage = "boom"
        #expect(ModelVerseMapping.output(failed, usage: usage) == nil)
        #expect(ModelVerseMapping.usage(ModelVerseUsage(duration: 5)) == nil, "a usage with only a duration is no usage")
    }

    @Test("a failure without a message still carries a job error")
    func failureWithoutMessage() {
        let snapshot = ModelVerseMapping.snapshot(
            ModelVerseStatusResponse(output: ModelVerseTask(taskID: "t", taskStatus: "Failure")), provider: Self.provider
        )
        #expect(snapshot.error == JobError(code: .generationFailed, message: "modelverse: the generation failed"))
    }

    @Test(
        "failure messages normalise, keeping a leading upstream code",
        arguments: [
            (
                "OutputVideoSensitiveContentDetected: The request failed because the output video may contain sensitive information.",
                String?("OutputVideoSensitiveContentDetected"), JobErrorCode.contentModerated
            ),
            (
                "InputImageSensitiveContentDetected.PrivacyInformation: may contain real person",
                "InputImageSensitiveContentDetected.PrivacyInformation", .realPersonRefused
            ),
            ("InvalidParameter.Duration: must be 4 to 12", "InvalidParameter.Duration", .invalidRequest),
            ("InternalServiceError: try again", "InternalServiceError", .generationFailed),
            ("InputTextRiskDetection", nil, .contentModerated),
            ("The request failed because the input text may contain sensitive information.", nil, .contentModerated),
            ("内容包含敏感信息", nil, .contentModerated),
            ("sensitive_check_error: x", nil, .contentModerated),
            ("Error: the model timed out", nil, .generationFailed),
            ("error_message", nil, .generationFailed),
            ("Internal Server Error", nil, .generationFailed),
        ])
    func failureMessage(message: String, providerCode: String?, expected: JobErrorCode) {
        #expect(ModelVerseMapping.upstreamCode(in: message) == providerCode)
        let error = ModelVerseMapping.jobError(message, provider: Self.provider)
        #expect(error.code == expected && error.providerCode == providerCode && error.providerMessage == message)
    }

    @Test(
        "HTTP errors classify by status, code and message",
        arguments: [
            (400, "param_error", "Invalid param", ModelVerseErrors.Call.submit, ProviderError.Kind.invalidRequest),
            (400, "tokens_too_long", "Prompt tokens too long", .submit, .invalidRequest),
            (400, "sensitive_check_error", "Sensitive check error", .submit, .contentModerated),
            (400, "invalid_messages", "Sensitive chat messages", .submit, .contentModerated),
            (400, "model_error", "No permission to use the model", .submit, .unauthorized),
            (401, "auth_error", "Validate Certification failed", .status, .unauthorized),
            (402, "payment_required", "x", .submit, .quotaExceeded),
            (403, "forbidden", "Access forbidden: api key quota exceeded, key_id=k", .submit, .quotaExceeded),
            (403, "forbidden", "Access forbidden: api key ip not in whitelist, key_id=k, ip=127.0.0.1", .submit, .unauthorized),
            (404, "not_found", "task not found", .status, .notFound),
            (404, "not_found", "no route", .submit, .unauthorized),
            (408, "timeout", "Request timeout, please try again later", .submit, .unavailable),
            (429, "rate_limit", "Rate limit exceeded, please try again later", .submit, .rateLimited),
            (500, "model_server_error", "Request llm server Error", .status, .unavailable),
            (504, "gateway_timeout_error", "Gateway timeout", .submit, .unavailable),
            (418, "teapot", "x", .submit, .invalidRequest),
        ])
    func classification(status: Int, code: String, message: String, call: ModelVerseErrors.Call, kind: ProviderError.Kind) {
        let body = #"{"error":{"message":"\#(message)","type":"t","param":"6d7248f8-ebaa-437e-bfc2-d79e7c54004c","code":"\#(code)"}}"#
        let error = ModelVerseErrors.error(for: UpstreamResponse(status: status, body: Data(body.utf8)), call: call)
        #expect(error == ProviderError(kind, httpStatus: status, providerCode: code, providerMessage: message))
    }

    @Test("an error body that is not ModelVerse's JSON is kept as the message, and Retry-After is read")
    func foreignErrorBody() {
        let error = ModelVerseErrors.error(
            for: UpstreamResponse(status: 429, headers: ["retry-after": "3"], body: Data("<html>slow down</html>".utf8)), call: .submit
        )
        #expect(error == ProviderError(.rateLimited, httpStatus: 429, providerMessage: "<html>slow down</html>", retryAfter: 3))
    }

    // MARK: helpers

    static func request(_ spec: JobSpec) -> SubmitRequest {
        SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: "doubao-seedance-1-5-pro-251215")
    }

    static func json(_ body: ModelVerseSubmitBody) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(body)) as? [String: Any])
    }
}
