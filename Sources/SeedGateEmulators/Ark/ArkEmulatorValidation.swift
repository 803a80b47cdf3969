import Foundation
import SeedGateCore

/// Checks a create body the way Ark does (400 `InvalidParameter`/`MissingParameter` naming the field, 404 for
/// an unknown model) and resolves it into an `ArkTaskSpec`.
enum ArkValidation {
    static let ratios = ArkPixelSizes.ratios + ["adaptive"]
    static let imageFormats: Set<String> = ["jpeg", "jpg", "png", "webp", "bmp", "tiff", "gif", "heic", "heif"]

    /// The content items, sorted by kind.
    struct Content {
        var texts: [String] = []
        var images: [ArkTaskSpec.Image] = []
        var draftTaskID: String?
    }

    /// - Parameter draftSource: the task named by a `draft_task` item, looked up by the caller (nil if unknown).
    /// - Parameter options: `ignoreUnsupportedDefaults` picks the lenient reading of unsupported parameters.
    static func validate(
        _ body: ArkCreateTaskBody, models: ArkModelSet, draftSource: EmulatedTaskState<ArkTaskSpec>?,
        options: ArkEmulatorOptions = ArkEmulatorOptions()
    ) throws(ArkAPIError) -> ArkTaskSpec {
        guard let model = body.model, !model.isEmpty else { throw .missingParameter("model") }
        guard let rules = models.rules(for: model) else { throw .modelNotFound(model) }
        guard let items = body.content else { throw .missingParameter("content") }
        if items.isEmpty { throw .invalidParameter("content", "must contain at least one item") }
        if let seedance2 = rules.seedance2 {
            return try validateSeedance2(body, items: items, rules: rules, seedance2: seedance2, draftSource: draftSource, options: options)
        }
        let content = try readContent(items)

        var spec = ArkTaskSpec(
            model: model, generation: rules.generation, prompt: content.texts.first, images: content.images,
            resolution: rules.defaultResolution, ratio: "16:9", duration: 5, frames: nil, seed: 0,
            generateAudio: rules.audio ? (body.generateAudio ?? true) : nil, draft: rules.draft ? (body.draft ?? false) : nil,
            draftTaskID: nil, returnLastFrame: body.returnLastFrame ?? false, cameraFixed: body.cameraFixed ?? false,
            watermark: body.watermark ?? false, serviceTier: "default", executionExpiresAfter: 172_800,
            callbackURL: body.callbackURL
        )
        let lenient = options.ignoreUnsupportedDefaults
        try checkModelParameters(body, rules: rules, lenient: lenient)
        try checkCommon(body, rules: rules, lenient: lenient, into: &spec)
        if let draftTaskID = content.draftTaskID {
            try checkReusedFromDraft(body)
            try applyDraft(draftTaskID, source: draftSource, body: body, rules: rules, itemCount: items.count, into: &spec)
            return spec
        }
        let scenario = try scenario(of: content, rules: rules)
        try checkOutput(body, rules: rules, scenario: scenario, into: &spec)
        if scenario == .referenceImages {
            try unsupported("camera_fixed", body.cameraFixed, default: false, lenient: lenient, "is not supported with reference images")
        }
        spec.seed = try seed(body.seed)
        return spec
    }

    /// A parameter the model or scenario does not take, sent anyway: refused ([S000 设置视频输出规格] "ignored or
    /// trigger an error": the strict reading), unless `lenient` and it carries the value Ark would use anyway.
    static func unsupported<Value: Equatable>(
        _ field: String, _ value: Value?, default fallback: Value?, lenient: Bool, _ why: String
    ) throws(ArkAPIError) {
        guard let value else { return }
        if lenient, let fallback, value == fallback { return }
        throw .invalidParameter(field, why)
    }

    /// Parameters only some models take ([S000 模型能力], [S001 Model list]): `generate_audio` and `draft` are
    /// Seedance 1.5 pro's only; `frames` is refused on 1.5 pro in `checkOutput`/`applyDraft`. The Seedance 2.x fields
    /// (seedance-2.md §3: `priority` "仅 Seedance 2.0 系列支持", `tools`, 2.5's `omni_reference_task_type` and
    /// `output_format`) are refused on 1.x; EMULATOR ASSUMPTION: `safety_identifier` is not said to be 2.x-only and is
    /// ignored on 1.x.
    private static func checkModelParameters(_ body: ArkCreateTaskBody, rules: ArkModelRules, lenient: Bool) throws(ArkAPIError) {
        if !rules.audio {
            try unsupported("generate_audio", body.generateAudio, default: false, lenient: lenient, "is not supported by \(rules.id) (no audio)")
        }
        if !rules.draft {
            try unsupported("draft", body.draft, default: false, lenient: lenient, "draft mode is not supported by \(rules.id)")
        }
        let only2x = "is supported by the Seedance 2.x models only"
        try unsupported("priority", body.priority, default: 0, lenient: lenient, only2x)
        try unsupported("tools", body.tools, default: nil, lenient: lenient, only2x)
        try unsupported("omni_reference_task_type", body.omniReferenceTaskType, default: "auto", lenient: lenient, only2x)
        try unsupported("output_format", body.outputFormat, default: "mp4", lenient: lenient, only2x)
    }

    /// A video made from a draft reuses the draft's `model`, `content.text`, `content.image_url`, `generate_audio`,
    /// `seed`, `ratio`, `duration` and `camera_fixed` ([S000 样片模式] Step 2, [S001 Draft sample mode] Step 2); only the
    /// others may be given. EMULATOR ASSUMPTION: the documents do not say what Ark does with a reused field sent again;
    /// the strict reading refuses it (and `frames`, which 1.5 pro never takes).
    static func checkReusedFromDraft(_ body: ArkCreateTaskBody) throws(ArkAPIError) {
        let why = "is reused from the draft and cannot be set on a video made from it"
        try unsupported("generate_audio", body.generateAudio, default: nil, lenient: false, why)
        try unsupported("seed", body.seed, default: nil, lenient: false, why)
        try unsupported("ratio", body.ratio, default: nil, lenient: false, why)
        try unsupported("duration", body.duration, default: nil, lenient: false, why)
        try unsupported("frames", body.frames, default: nil, lenient: false, why)
        try unsupported("camera_fixed", body.cameraFixed, default: nil, lenient: false, why)
    }

    /// Fields that apply whatever the content: tier, expiry, callback URL, draft-mode restrictions.
    static func checkCommon(
        _ body: ArkCreateTaskBody, rules: ArkModelRules, lenient: Bool, into spec: inout ArkTaskSpec
    ) throws(ArkAPIError) {
        if let tier = body.serviceTier {
            guard tier == "default" || tier == "flex" else { throw .invalidParameter("service_tier", "must be default or flex") }
            spec.serviceTier = tier
        }
        if let expires = body.executionExpiresAfter {
            guard (3600...259_200).contains(expires) else {
                throw .invalidParameter("execution_expires_after", "must be between 3600 and 259200 seconds")
            }
            spec.executionExpiresAfter = expires
        }
        if let url = body.callbackURL, !isWebURL(url) { throw .invalidParameter("callback_url", "must be an http(s) URL") }
        // Draft mode: 480p only ("other resolutions → error"), no last frame, no offline inference ([S000 样片模式]
        // Step 1 tip, [S001 Draft sample mode]). The tier itself: flex is refused as documented; EMULATOR ASSUMPTION:
        // sending `service_tier` at all is refused under the strict reading (only `default` could apply).
        if body.draft == true {
            if let resolution = body.resolution, resolution != "480p" { throw .invalidParameter("resolution", "draft mode supports 480p only") }
            try unsupported("return_last_frame", body.returnLastFrame, default: false, lenient: lenient, "is not supported in draft mode")
            if body.serviceTier == "flex" { throw .invalidParameter("service_tier", "flex is not supported in draft mode") }
            try unsupported(
                "service_tier", body.serviceTier, default: "default", lenient: lenient, "offline inference is not supported in draft mode")
        }
    }

    private static func readContent(_ items: [ArkContentItem]) throws(ArkAPIError) -> Content {
        var content = Content()
        for item in items {
            switch item.type {
            case nil: throw .missingParameter("content.type")
            case "text":
                guard let text = item.text else { throw .missingParameter("content.text") }
                content.texts.append(text)
            case "image_url":
                guard let url = item.imageURL?.url else { throw .missingParameter("content.image_url.url") }
                try checkImageURL(url)
                if let role = item.role, !["first_frame", "last_frame", "reference_image"].contains(role) {
                    throw .invalidParameter("content.role", "must be first_frame, last_frame or reference_image")
                }
                content.images.append(.init(url: url, role: item.role))
            case "draft_task":
                guard let id = item.draftTask?.id, !id.isEmpty else { throw .missingParameter("content.draft_task.id") }
                content.draftTaskID = id
            case "video_url", "audio_url":
                throw .invalidParameter("content.type", "\(item.type ?? "") items are supported by the Seedance 2.x models only")
            case let other?:
                throw .invalidParameter("content.type", "\(other) is not supported; use text, image_url or draft_task")
            }
        }
        if content.texts.count > 1 { throw .invalidParameter("content", "at most one text item is allowed") }
        if let text = content.texts.first, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .invalidParameter("content.text", "must not be empty")
        }
        return content
    }

    static func checkImageURL(_ url: String) throws(ArkAPIError) {
        if url.isEmpty { throw .invalidImageURL("EmptyURL", "the url is empty") }
        if url.hasPrefix("data:") {
            let header = url.prefix { $0 != "," }
            let format = header.dropFirst("data:image/".count).prefix { $0 != ";" }
            guard header.hasPrefix("data:image/"), header.hasSuffix(";base64"), imageFormats.contains(String(format)),
                url.count > header.count + 1
            else { throw .invalidImageURL("InvalidFormat", "expected data:image/<format>;base64,<data> with a lower-case format") }
            return
        }
        guard isWebURL(url) else {
            throw .invalidParameter("content.image_url.url", "must be an http(s) URL or a data:image/<format>;base64 URL")
        }
    }

    static func isWebURL(_ string: String) -> Bool {
        guard let url = URL(string: string), let scheme = url.scheme?.lowercased(), let host = url.host else { return false }
        return (scheme == "http" || scheme == "https") && !host.isEmpty
    }

    /// The generation mode the images imply, checked against what the model takes.
    private static func scenario(of content: Content, rules: ArkModelRules) throws(ArkAPIError) -> Scenario {
        let roles = content.images.map(\.role)
        if roles.isEmpty {
            guard rules.textToVideo else { throw .invalidParameter("content", "\(rules.id) needs an image (image-to-video only)") }
            guard !content.texts.isEmpty else { throw .invalidParameter("content", "text-to-video needs a text item") }
            return .textToVideo
        }
        guard rules.firstFrame || rules.referenceImages != nil else {
            throw .invalidParameter("content", "\(rules.id) takes text only")
        }
        if roles.contains("reference_image") {
            guard roles.allSatisfy({ $0 == "reference_image" }) else {
                throw .invalidParameter("content.role", "reference_image cannot be mixed with first_frame or last_frame")
            }
            guard let allowed = rules.referenceImages else { throw .invalidParameter("content.role", "\(rules.id) does not take reference images") }
            guard allowed.contains(roles.count) else {
                throw .invalidParameter("content", "\(rules.id) takes \(allowed.lowerBound) to \(allowed.upperBound) reference images")
            }
            return .referenceImages
        }
        switch roles.count {
        case 1:
            guard roles[0] != "last_frame" else { throw .invalidParameter("content.role", "a last_frame needs a first_frame") }
            guard rules.firstFrame else { throw .invalidParameter("content", "\(rules.id) does not take a first frame") }
            return .firstFrame
        case 2:
            guard Set(roles.compactMap { $0 }) == ["first_frame", "last_frame"], !roles.contains(nil) else {
                throw .invalidParameter("content.role", "two images need the roles first_frame and last_frame")
            }
            guard rules.firstLastFrame else { throw .invalidParameter("content", "\(rules.id) does not take first and last frames") }
            return .firstLastFrame
        default:
            throw .invalidParameter("content", "more than two images are only accepted as reference_image")
        }
    }
}
