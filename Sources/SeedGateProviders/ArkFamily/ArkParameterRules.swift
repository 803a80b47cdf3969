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
/// Seedance 2.x (seedance-2.md §3, [ARK-REF-A] [ARK-REF-25]): `generate_audio`, `seed`, `watermark`,
/// `return_last_frame`, `priority`, `safety_identifier`, `tools` (Ark only: the offering says), reference
/// `video_url` / `audio_url` items; never `frames`, `camera_fixed` or `service_tier` ("不支持配置该参数"); `draft`,
/// `omni_reference_task_type` and `output_format` on 2.5 only.
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
        case seedance25
        /// 2.0, 2.0 fast, 2.0 mini.
        case seedance20
        case seedance15Pro
        case seedance10
        /// An inference endpoint id (`ep-…`) or a model the tables do not cover: only the scenario rules apply.
        case unknown

        /// Reads the family from the upstream id (`doubao-seedance-1-5-pro-251215`, `seedance-1-0-lite-i2v-250428`),
        /// else from SeedGate's model name (`seedance-1.5-pro`).
        init(upstreamModel: String, model: String) {
            func family(_ name: String) -> Family? {
                let name = name.lowercased().replacingOccurrences(of: ".", with: "-")
                if name.contains("seedance-2-5") { return .seedance25 }
                if name.contains("seedance-2-0") { return .seedance20 }
                if name.contains("seedance-1-5-pro") { return .seedance15Pro }
                if name.contains("seedance-1-0-") { return .seedance10 }
                return nil
            }
            self = family(upstreamModel) ?? family(model) ?? .unknown
        }

        var audio: Bool { self != .seedance10 }
        var draft: Bool { self != .seedance10 && self != .seedance20 }
        var frames: Bool { self == .seedance10 || self == .unknown }
        var seedance2: Bool { self == .seedance20 || self == .seedance25 }
        /// `camera_fixed` and `service_tier`: 1.x only.
        var cameraAndTier: Bool { !seedance2 }
        /// `omni_reference_task_type` and `output_format`: documented for 2.5 only.
        var taskTypeAndFormat: Bool { self == .seedance25 || self == .unknown }
    }

    /// The create body for a normalised spec: the parameters the model and scenario take, and no other.
    static func createBody(for request: SubmitRequest, content: [ArkContentItem]) throws(ProviderError) -> ArkCreateTaskBody {
        let spec = request.spec
        let family = Family(upstreamModel: request.upstreamModel, model: spec.model)
        let fromDraft = spec.draftJobID != nil
        let draft = spec.draft == true && !fromDraft
        let references = !fromDraft && (spec.scenario == .referenceImages || spec.scenario == .multimodalReference)

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
        if let tier = spec.serviceTier, !family.cameraAndTier {
            if tier != .default { throw refusal("service_tier", "\(request.upstreamModel) runs online only") }
        } else if let tier = spec.serviceTier {
            if draft {
                if tier != .default { throw refusal("service_tier", "a draft cannot use the offline (flex) tier") }
            } else {
                body.serviceTier = tier.rawValue
            }
        }
        if let cameraFixed = spec.cameraFixed, !fromDraft {
            let why = family.cameraAndTier ? "reference media take no camera_fixed" : "\(request.upstreamModel) takes no camera_fixed"
            body.cameraFixed = try allowed(!references && family.cameraAndTier, "camera_fixed", cameraFixed, noop: false, why)
        }
        try addSeedance2Fields(spec, family: family, model: request.upstreamModel, to: &body)
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

    /// `priority`, `safety_identifier`, `tools`, `omni_reference_task_type`, `output_format`: 2.x parameters, refused
    /// before sending for a model that does not document them.
    private static func addSeedance2Fields(_ spec: JobSpec, family: Family, model: String, to body: inout ArkCreateTaskBody) throws(ProviderError) {
        let twoX = family.seedance2 || family == .unknown
        if let priority = spec.priority {
            guard twoX else { throw refusal("priority", "\(model) has no task priority (Seedance 2.x only)") }
            body.priority = priority
        }
        if let identifier = spec.safetyIdentifier {
            guard twoX else { throw refusal("safety_identifier", "\(model) takes no safety_identifier (Seedance 2.x only)") }
            body.safetyIdentifier = identifier
        }
        if let tools = spec.tools, !tools.isEmpty {
            guard twoX else { throw refusal("tools", "\(model) takes no tools (Seedance 2.x only)") }
            body.tools = tools.map { ArkTool(type: $0.rawValue) }
        }
        if let taskType = spec.taskType {
            guard family.taskTypeAndFormat else { throw refusal("task_type", "omni_reference_task_type is documented for Seedance 2.5 only") }
            body.omniReferenceTaskType = taskType.rawValue
        }
        if let format = spec.outputFormat {
            guard family.taskTypeAndFormat else { throw refusal("output_format", "output_format is documented for Seedance 2.5 only") }
            body.outputFormat = format.rawValue
        }
        if spec.hasReferenceMedia, !twoX { throw refusal("videos", "\(model) takes no reference videos or audio (Seedance 2.x only)") }
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
