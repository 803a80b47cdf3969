import Foundation
import SeedGateCore
import Testing

@testable import SeedGateProviders

/// Chanjing's vocabulary ↔ SeedGate's: statuses, the submit body, results, failures and error codes.
@Suite("Chanjing mapping")
struct ChanjingMappingTests {
    @Test(
        "progress_desc maps exactly; Ready is still queued; anything else is unrecognised",
        arguments: [
            ("Queued", UpstreamSnapshot.Status.mapped(.queued)),
            ("Ready", .mapped(.queued)),
            ("Generating", .mapped(.running)),
            ("Success", .mapped(.succeeded)),
            ("Error", .mapped(.failed)),
            ("Fail", .mapped(.failed)),
            ("success", .unrecognised("success")),
            ("Cancelled", .unrecognised("Cancelled")),
            ("", .unrecognised("")),
        ])
    func status(raw: String, expected: UpstreamSnapshot.Status) {
        #expect(ChanjingMapping.status(raw) == expected)
    }

    @Test("clarity is the pixel height as an integer")
    func clarity() {
        #expect(ChanjingMapping.clarity("720p") == 720)
        #expect(ChanjingMapping.clarity("1080p") == 1080)
        #expect(ChanjingMapping.clarity("480p") == nil)
        #expect(ChanjingMapping.resolution(clarity: 1080) == "1080p")
        #expect(ChanjingMapping.resolution(clarity: 0) == nil)
    }

    @Test("a text-to-video body sends every normalised value and no image field")
    func textToVideoBody() throws {
        let body = try ChanjingMapping.submitBody(for: Self.request(), imageField: .refImgURL)
        #expect(
            body
                == ChanjingSubmitBody(
                    creationType: 4, modelCode: "Doubao-Seedance-1.0-pro", refPrompt: "a kitten", aspectRatio: "16:9",
                    clarity: 720, videoDuration: 10
                ))
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(body)) as? [String: Any])
        #expect(Set(json.keys) == ["creation_type", "model_code", "ref_prompt", "aspect_ratio", "clarity", "video_duration"])
    }

    @Test("frames go first-then-last into ref_img_url, or into start_frame / end_frame when configured")
    func frames() throws {
        let images = [
            ImageInput(url: "https://x.example/end.jpg", role: .lastFrame), ImageInput(url: "https://x.example/start.jpg", role: .firstFrame),
        ]
        let request = Self.request(images: images)
        let array = try ChanjingMapping.submitBody(for: request, imageField: .refImgURL)
        #expect(array.refImgURL == ["https://x.example/start.jpg", "https://x.example/end.jpg"])
        #expect(array.startFrame == nil && array.endFrame == nil)
        let fields = try ChanjingMapping.submitBody(for: request, imageField: .startEndFrame)
        #expect(fields.refImgURL == nil)
        #expect(fields.startFrame == "https://x.example/start.jpg" && fields.endFrame == "https://x.example/end.jpg")
        let single = try ChanjingMapping.submitBody(for: Self.request(images: [images[1]]), imageField: .startEndFrame)
        #expect(single.startFrame == "https://x.example/start.jpg" && single.endFrame == nil)
    }

    @Test(
        "what Chanjing cannot take is refused before anything is sent",
        arguments: [
            Self.request(prompt: nil, images: [ImageInput(url: "https://x.example/a.jpg", role: .firstFrame)]),
            Self.request(prompt: "   "),
            Self.request(images: [ImageInput(url: "data:image/png;base64,iVBORw0KGgo=", role: .firstFrame)]),
            Self.request(images: [ImageInput(url: "https://x.example/a.jpg", role: .reference)]),
            Self.request(resolution: "480p"),
        ])
    func refusals(request: SubmitRequest) {
        #expect {
            try ChanjingMapping.submitBody(for: request, imageField: .refImgURL)
        } throws: { error in
            guard let error = error as? ProviderError else { return false }
            return error.kind == .invalidRequest && !error.requestSent
        }
    }

    @Test("the result is output_url[0] with the echoed motion_info; nothing before there is a video")
    func output() {
        var task = ChanjingTask(uniqueID: "u", progressDesc: "Generating")
        task.aspectRatio = "9:16"
        #expect(ChanjingMapping.output(task) == nil)
        task.outputURL = ["", "https://res.example/v.mp4"]
        #expect(ChanjingMapping.output(task) == JobOutput(videoURL: "https://res.example/v.mp4", ratio: "9:16"))
        task.motionInfo = Self.motion(#"{"clarity":720,"aspect_ratio":"1:1","video_duration":10}"#)
        #expect(ChanjingMapping.output(task) == JobOutput(videoURL: "https://res.example/v.mp4", duration: 10, resolution: "720p", ratio: "1:1"))
        task.motionInfo = Self.motion(#"{"clarity":0,"aspect_ratio":"","video_duration":0}"#)
        #expect(ChanjingMapping.output(task) == JobOutput(videoURL: "https://res.example/v.mp4", ratio: "9:16"))
    }

    @Test("a failed task keeps err_msg; moderation wording normalises to content_moderated")
    func failures() {
        var task = ChanjingTask(uniqueID: "u", progressDesc: "Error")
        #expect(ChanjingMapping.snapshot(task, provider: "chanjing").error == nil, "no message, no error: the service fills a default")
        task.errMsg = "任务失败,本次生成不消耗蝉豆"
        #expect(
            ChanjingMapping.snapshot(task, provider: "chanjing").error
                == JobError(
                    code: .generationFailed, message: "chanjing: the generation failed", providerMessage: "任务失败,本次生成不消耗蝉豆"
                ))
        task.errMsg = "生成内容未通过安全审核,本次生成不消耗蝉豆"
        #expect(ChanjingMapping.snapshot(task, provider: "chanjing").error?.code == .contentModerated)
        task.progressDesc = "Generating"
        #expect(ChanjingMapping.snapshot(task, provider: "chanjing").error == nil, "err_msg is read only on failure")
    }

    @Test(
        "envelope codes classify by call",
        arguments: [
            (10400, "AccessToken 验证失败", ChanjingErrors.Call.submit, ProviderError.Kind.unauthorized),
            (10401, "token error", .task, .unauthorized),
            (40001, "超出 QPS 限制", .submit, .rateLimited),
            (40001, "超出 QPS 限制", .token, .rateLimited),
            (40000, "参数错误", .submit, .invalidRequest),
            (400, "传入参数格式错误", .submit, .invalidRequest),
            (40000, "提示词包含敏感内容", .submit, .contentModerated),
            (40000, "蝉豆不足", .submit, .quotaExceeded),
            (50000, "扣费失败", .submit, .quotaExceeded),
            (40002, "制作时长到达上限", .submit, .quotaExceeded),
            (50000, "系统内部错误", .task, .unavailable),
            (51000, "系统内部错误", .submit, .unavailable),
            (50000, "系统内部错误", .token, .unavailable),
            (40000, "app_id 或 secret_key 错误", .token, .unauthorized),
            (400, "传入参数格式错误", .token, .unauthorized),
            (77777, "undocumented", .submit, .unavailable),
        ])
    func classification(code: Int, message: String, call: ChanjingErrors.Call, kind: ProviderError.Kind) {
        let error = ChanjingErrors.error(code: code, message: message, httpStatus: 200, call: call)
        #expect(error == ProviderError(kind, httpStatus: 200, providerCode: String(code), providerMessage: message))
    }

    @Test("only a 40000 saying 不存在 reads as a missing task")
    func missingTask() {
        #expect(ChanjingErrors.isMissingTask(code: 40000, message: "任务不存在"))
        #expect(!ChanjingErrors.isMissingTask(code: 40000, message: "参数错误"))
        #expect(!ChanjingErrors.isMissingTask(code: 50000, message: "任务不存在"))
    }

    @Test("a token failure never reads as a create that may have happened")
    func tokenFailure() {
        let malformed = ChanjingErrors.tokenFailure(ProviderError(.malformedResponse, httpStatus: 200, providerMessage: "x"))
        #expect(malformed == ProviderError(.malformedResponse, providerMessage: "access_token answer (HTTP 200): x", requestSent: false))
        let timeout = ChanjingErrors.tokenFailure(ProviderError(.timeout, providerMessage: "slow", requestSent: true))
        #expect(!timeout.outcomeUnknown && timeout.isTransient)
    }

    @Test("expire_in is an absolute time; a missing or stale one means one day from receipt")
    func expiry() {
        let now = Date(timeIntervalSince1970: 1_772_510_000)
        #expect(ChanjingAdapter.expiry(1_772_596_400, receivedAt: now) == Date(timeIntervalSince1970: 1_772_596_400))
        #expect(ChanjingAdapter.expiry(nil, receivedAt: now) == now.addingTimeInterval(86_400))
        #expect(ChanjingAdapter.expiry(1_721_289_220, receivedAt: now) == now.addingTimeInterval(86_400))
        #expect(ChanjingAdapter.expiry(1_772_510_100, receivedAt: now) == now.addingTimeInterval(86_400))
    }

    @Test("responses are read tolerantly: odd types read as absent, a numeric-string code is a code")
    func tolerantDecoding() throws {
        let body =
            #"{"unique_id":"u","progress_desc":"Success","id":"x","output_url":["https://v.example/a.mp4",null,3],"motion_info":"?","err_msg":5,"extra":{}}"#
        let task = try JSONDecoder().decode(ChanjingTask.self, from: Data(body.utf8))
        #expect(task.outputURL == ["https://v.example/a.mp4"])
        #expect(task.id == nil && task.motionInfo == nil && task.errMsg == nil)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ChanjingTask.self, from: Data(#"{"unique_id":"u"}"#.utf8)) }
        let head = try JSONDecoder().decode(ChanjingEnvelopeHead.self, from: Data(#"{"code":"40001","msg":"m"}"#.utf8))
        #expect(head == ChanjingEnvelopeHead(code: 40001, msg: "m"))
        let none = try JSONDecoder().decode(ChanjingEnvelopeHead.self, from: Data(#"{"status":"ok"}"#.utf8))
        #expect(none.code == nil)
    }

    // MARK: helpers

    static func request(
        prompt: String? = "a kitten", images: [ImageInput] = [], resolution: String = "720p"
    ) -> SubmitRequest {
        let spec = JobSpec(
            model: "seedance-1.0-pro", prompt: prompt, images: images, resolution: resolution, ratio: "16:9", duration: 10,
            serviceTier: .default, expiresAfter: 172_800
        )
        return SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: "Doubao-Seedance-1.0-pro")
    }

    static func motion(_ json: String) -> ChanjingMotionInfo? {
        try? JSONDecoder().decode(ChanjingMotionInfo.self, from: Data(json.utf8))
    }
}
