import SeedGateCore

/// Which create parameters Ark documents for a model and a scenario, so that none it does not list reaches the wire.
///
/// [S000 设置视频输出规格] / [S001 Configure video output specifications]: "When the input parameters or values do
/// not match the selected model, the parameter will either be ignored or trigger an error". So a parameter the model
/// or scenario does not take is never sent: when the spec's value is what Ark does anyway (`false`, the default tier)
/// it is left out; when it asks for something Ark cannot do there (`camera_fixed: true` with reference images, a
/// last frame from a draft), the job is refused before anything is sent, since leaving it out would make another
/// video than the one asked for.
///
/// Per model ([S000 模型能力] and the output-spec table; [S001 Model list]):
///
/// | parameter | 1.5 pro | 1.0 pro, pro fast, lite t2v, lite i2v |
/// |---|---|---|
/// | `generate_audio` | yes | no (no audio) |
/// | `draft` | yes | no |
/// | `frames` | no (`duration` only) | yes |
/// | `seed`, `camera_fixed`, `watermark`, `return_last_frame`, `service_tier` | yes | yes |
///
/// Per scenario:
/// - reference images: no `camera_fixed` ([S000]/[S001] output-spec table, "not supported by the reference image feature");
/// - a draft (`draft: true`): no `return_last_frame`, no offline tier (`service_tier`) ([S000 样片模式] Step 1 tip,
///   [S001 Draft sample mode]);
/// - a video from a draft (`draft_task`): Ark reuses the draft's `model`, `content.text`, `content.image_url`,
///   `generate_audio`, `seed`, `ratio`, `duration`, `camera_fixed`, so none of those is sent; resolution, watermark,
///   tier, last frame, callback and expiry may be given ([S000 样片模式] Step 2 tip, [S001 Draft sample mode] Step 2).
enum ArkParameterRules {
    /// The Seedance generation an upstream model id belongs to; the documents' tables are keyed by model id.
    enum Family: Equatable {
        case seedance15Pro
        case seedance10
        /// An inference endpoint id (`ep-…`) or a model the tables do not cover: only the scenario rules apply.
        case unknown

        /// Reads the family from the upstream id (`doubao-seedance-1-5-pro-251215`, `seedance-1-0-lite-i2v-250428`),
        /// else from SeedGate's model name (`seedance-1.5-pro`).
        init(upstreamModel: String, model: String) {
            func family(_ name: String) -> Family? {
                let name = name.lowercased().replacingOccurrences(of: ".", with: "-")
                if name.contains("seedance-1-5-pro") { return .seedance15Pro }
                if name.contains("seedance-1-0-") { return .seedance10 }
                return nil
            }
            self = family(upstreamModel) ?? family(model) ?? .unknown
        }

        var audio: Bool { self != .seedance10 }
        var draft: Bool { self != .seedance10 }
        var frames: Bool { self != .seedance15Pro }
    }

    /// The create body for a normalised spec: the parameters the model and scenario take, and no other.
    static func createBody(for request: SubmitRequest, content: [ArkContentItem]) throws(ProviderError) -> ArkCreateTaskBody {
        let spec = request.spec
        let family = Family(upstreamModel: request.upstreamModel, model: spec.model)
        let fromDraft = spec.draftJobID != nil
        let draft = spec.draft == true && !fromDraft
        let references = !fromDraft && spec.scenario == .referenceImages

        var body = ArkCreateTaskBody(model: request.upstreamModel, content: content)
        body.callbackURL = request.callbackURL
        body.executionExpiresAfter = spec.expiresAfter
        body.watermark = spec.watermark
        body.resolution = spec.resolution

        // Model-level parameters.
        if let generateAudio = spec.generateAudio, !fromDraft {
            body.generateAudio = try allowed(family.audio, "generate_audio", generateAudio, noop: false, "\(request.upstreamModel) makes no audio")
        }
        if let value = spec.draft {
            if fromDraft {
                if value { throw refusal("draft", "a video made from a draft cannot itself be a draft") }
            } else {
                body.draft = try allowed(family.draft, "draft", value, noop: false, "\(request.upstreamModel) has no draft mode")
            }
        }

        // Scenario-level parameters.
        if let returnLastFrame = spec.returnLastFrame {
            body.returnLastFrame = try allowed(!draft, "return_last_frame", returnLastFrame, noop: false, "a draft returns no last frame")
        }
        if let tier = spec.serviceTier {
            if draft {
                if tier != .default { throw refusal("service_tier", "a draft cannot use the offline (flex) tier") }
            } else {
                body.serviceTier = tier.rawValue
            }
        }
        if let cameraFixed = spec.cameraFixed, !fromDraft {
            body.cameraFixed = try allowed(!references, "camera_fixed", cameraFixed, noop: false, "reference images take no camera_fixed")
        }
        // Reused from the draft when the video is made from one; sent otherwise.
        if !fromDraft {
            body.seed = spec.seed
            body.ratio = spec.ratio
            if let frames = spec.frames {
                guard family.frames else { throw refusal("frames", "\(request.upstreamModel) takes duration, not frames") }
                // `frames` takes priority over `duration` upstream; send only the one the client chose. [REF-CREATE]
                body.frames = frames
            } else {
                body.duration = spec.duration
            }
        }
        return body
    }

    /// `value` where the parameter is supported; where it is not, nothing (when `value` is what Ark does anyway) or a
    /// refusal before sending.
    private static func allowed(_ supported: Bool, _ field: String, _ value: Bool, noop: Bool, _ why: String) throws(ProviderError) -> Bool? {
        if supported { return value }
        if value == noop { return nil }
        throw refusal(field, why)
    }

    private static func refusal(_ field: String, _ why: String) -> ProviderError {
        ProviderError(.invalidRequest, providerMessage: "\(field) cannot be sent: \(why)", requestSent: false)
    }
}
