import SeedGateCore

/// Checks a Seedance 2.x create body (seedance-2.md §3/§4/§5, seedance-2.md §8, seedance-2.md §9) and resolves it into an `ArkTaskSpec`. Parameters
/// the model does not take at all are refused with `InvalidParameter.UnsupportedParameter`; bad values and
/// combinations with `InvalidParameter`; absent required fields with `MissingParameter`. JSON `null` reads as absent.
extension ArkValidation {
    static let seedance2SeedRange: ClosedRange<Int64> = -1...2_147_483_647
    static let omniReferenceTaskTypes = ["auto", "reference", "edit", "extend"]
    static let outputFormats = ["mp4", "mov"]

    static func validateSeedance2(
        _ body: ArkCreateTaskBody, items: [ArkContentItem], rules: ArkModelRules, seedance2: ArkSeedance2Rules,
        draftSource: EmulatedTaskState<ArkTaskSpec>?, options: ArkEmulatorOptions
    ) throws(ArkAPIError) -> ArkTaskSpec {
        let content = try ArkSeedance2Content(items)
        var spec = ArkTaskSpec(
            model: rules.id, generation: rules.generation, prompt: content.text, images: content.images, resolution: rules.defaultResolution,
            ratio: "16:9", duration: 5, frames: nil, seed: 0, generateAudio: body.generateAudio ?? true,
            draft: seedance2.isSeedance25 ? (body.draft ?? false) : nil, draftTaskID: nil, returnLastFrame: body.returnLastFrame ?? false,
            cameraFixed: false, watermark: body.watermark ?? false, serviceTier: "default", executionExpiresAfter: 172_800,
            callbackURL: body.callbackURL
        )
        spec.videos = content.videos
        spec.audios = content.audios
        let lenient = options.ignoreUnsupportedDefaults
        try checkSeedance2Unsupported(body, rules: rules, seedance2: seedance2, options: options)
        try checkSeedance2Fields(body, seedance2: seedance2, into: &spec)
        try checkCommon(body, rules: rules, lenient: lenient, into: &spec)
        if let draftTaskID = content.draftTaskID {
            guard seedance2.isSeedance25 else { throw .invalidParameter("content.draft_task", "\(rules.id) does not make videos from drafts") }
            try checkReusedFromDraft(body)
            try applyDraft(draftTaskID, source: draftSource, body: body, rules: rules, itemCount: items.count, into: &spec)
            spec.videos = draftSource?.task.spec.videos ?? []
            spec.audios = draftSource?.task.spec.audios ?? []
            return spec
        }
        let scenario = try content.scenario(rules, seedance2)
        // seedance-2.md §4, seedance-2.md §9: "联网搜索能力仅适用于纯文本输入".
        if spec.webSearch, scenario != .textToVideo { throw .invalidParameter("tools", "web search works with text-only input") }
        try checkSeedance2Output(body, rules: rules, seedance2: seedance2, scenario: scenario, into: &spec)
        spec.seed = try seedance2Seed(body.seed)
        return spec
    }

    /// What no 2.x model takes (seedance-2.md §3): `frames`, `camera_fixed`, `service_tier`; `draft` on the 2.0 family; `tools` without
    /// web search (BytePlus, seedance-2.md §9); `omni_reference_task_type` and `output_format` outside 2.5 (seedance-2.md §3, seedance-2.md §8: "not documented
    /// for 2.0"). `ignoreUnsupportedDefaults` lets through the value Ark would use anyway (`false`, `default`, `auto`,
    /// `mp4`); `seedance2AcceptsDefaultServiceTier` lets through `service_tier: default`.
    private static func checkSeedance2Unsupported(
        _ body: ArkCreateTaskBody, rules: ArkModelRules, seedance2: ArkSeedance2Rules, options: ArkEmulatorOptions
    ) throws(ArkAPIError) {
        let lenient = options.ignoreUnsupportedDefaults
        func refuse<Value: Equatable>(_ field: String, _ value: Value?, default fallback: Value?, _ why: String) throws(ArkAPIError) {
            guard let value else { return }
            if lenient, let fallback, value == fallback { return }
            throw .unsupportedParameter(field, why)
        }
        // seedance-2.md §3: "暂不支持" (frames), "seedance 2.0 & 2.0 fast 暂不支持" (camera_fixed).
        try refuse("frames", body.frames, default: nil, "\(rules.id) does not take frames; use duration")
        try refuse("camera_fixed", body.cameraFixed, default: false, "\(rules.id) does not take camera_fixed")
        if !seedance2.isSeedance25 { try refuse("draft", body.draft, default: false, "\(rules.id) has no draft mode") }
        // EMULATOR ASSUMPTION (seedance-2.md §3): "Seedance 2.0 系列仅支持在线推理模式，不支持配置该参数" is read strictly: any tier is
        // refused, unless `seedance2AcceptsDefaultServiceTier` (then `default` only).
        if body.serviceTier != "default" || !options.seedance2AcceptsDefaultServiceTier {
            try refuse("service_tier", body.serviceTier, default: "default", "Seedance 2.x runs online only and the tier cannot be set")
        }
        if !seedance2.webSearch { try refuse("tools", body.tools, default: nil, "\(rules.id) has no tools (no web search)") }
        if !seedance2.isSeedance25 {
            // EMULATOR ASSUMPTION (seedance-2.md §8, seedance-2.md §18): what 2.0 does with these is not found; the strict reading refuses them.
            try refuse("omni_reference_task_type", body.omniReferenceTaskType, default: "auto", "only Seedance 2.5 declares a task type")
            try refuse("output_format", body.outputFormat, default: "mp4", "only Seedance 2.5 chooses an output format")
        }
    }

    /// `priority`, `safety_identifier`, `tools`, `omni_reference_task_type`, `output_format` (seedance-2.md §3, seedance-2.md §3.1, seedance-2.md §8, seedance-2.md §9).
    private static func checkSeedance2Fields(
        _ body: ArkCreateTaskBody, seedance2: ArkSeedance2Rules, into spec: inout ArkTaskSpec
    ) throws(ArkAPIError) {
        spec.priority = 0
        if let priority = body.priority {
            guard priority.rounded() == priority, (0...9).contains(priority) else {
                throw .invalidParameter("priority", "must be an integer between 0 and 9")
            }
            spec.priority = Int(priority)
        }
        if let identifier = body.safetyIdentifier {
            // EMULATOR ASSUMPTION (seedance-2.md §3): "≤ 64 chars" counts characters; an empty identifier is refused (strict reading).
            guard !identifier.isEmpty, identifier.count <= 64 else {
                throw .invalidParameter("safety_identifier", "must be a string of 1 to 64 characters")
            }
            spec.safetyIdentifier = identifier
        }
        if let tools = body.tools {
            // EMULATOR ASSUMPTION (seedance-2.md §9): an empty list is refused; `web_search` is the only tool type.
            guard !tools.isEmpty, tools.allSatisfy({ $0.type == "web_search" }) else {
                throw .invalidParameter("tools", "must be [{\"type\":\"web_search\"}]")
            }
            spec.webSearch = true
        }
        guard seedance2.isSeedance25 else { return }
        if let type = body.omniReferenceTaskType {
            guard omniReferenceTaskTypes.contains(type) else {
                throw .invalidParameter("omni_reference_task_type", "must be one of \(omniReferenceTaskTypes.joined(separator: ", "))")
            }
            spec.omniReferenceTaskType = type
        }
        let format = body.outputFormat ?? "mp4"
        guard outputFormats.contains(format) else { throw .invalidParameter("output_format", "must be mp4 or mov") }
        spec.outputFormat = format
    }

    /// Resolution, ratio and duration for the model, scenario and declared task type (seedance-2.md §3, seedance-2.md §8).
    private static func checkSeedance2Output(
        _ body: ArkCreateTaskBody, rules: ArkModelRules, seedance2: ArkSeedance2Rules, scenario: ArkSeedance2Content.Scenario,
        into spec: inout ArkTaskSpec
    ) throws(ArkAPIError) {
        let resolution = body.draft == true ? "480p" : (body.resolution ?? rules.defaultResolution)
        guard seedance2.resolutions.contains(resolution) else {
            throw .invalidParameter("resolution", "must be one of \(seedance2.resolutions.joined(separator: ", ")) for \(rules.id)")
        }
        spec.resolution = resolution

        let ratio = body.ratio ?? "adaptive"
        guard ratios.contains(ratio) else { throw .invalidParameter("ratio", "must be one of \(ratios.joined(separator: ", "))") }
        let requested = body.duration ?? seedance2.defaultDuration
        if seedance2.isSeedance25 {
            if scenario == .firstFrame || scenario == .firstLastFrame, ratio != "adaptive" {
                throw .invalidParameter("ratio", "\(rules.id) takes only adaptive with a first (and last) frame")
            }
            try checkTaskType(spec.omniReferenceTaskType, scenario: scenario, videos: spec.videos.count, ratio: ratio, duration: requested)
        }
        // EMULATOR ASSUMPTION: the emulator has no media to measure, so `adaptive` always comes out as 16:9.
        spec.ratio = ratio == "adaptive" ? "16:9" : ratio
        // EMULATOR ASSUMPTION (seedance-2.md §3): `-1` becomes a whole-second length the "model chose" in the model's range.
        spec.duration = try duration(requested, rules: rules)
    }

    /// 2.5's declared task type, checked at create (seedance-2.md §8: "Explicit values are validated synchronously").
    private static func checkTaskType(
        _ type: String?, scenario: ArkSeedance2Content.Scenario, videos: Int, ratio: String, duration: Int
    ) throws(ArkAPIError) {
        switch type {
        case "edit", "extend":
            guard videos > 0 else { throw .taskTypeConstraint("content", "\(type ?? "") needs at least one reference_video") }
            guard ratio == "adaptive" else { throw .taskTypeConstraint("ratio", "\(type ?? "") takes only adaptive") }
            if type == "edit", duration != -1 { throw .taskTypeConstraint("duration", "edit takes only -1 (the source's length)") }
        case "reference":
            // EMULATOR ASSUMPTION (seedance-2.md §8): "new video from reference image/video/audio" needs a reference item.
            guard scenario == .references else { throw .taskTypeConstraint("content", "reference needs a reference_* item") }
        default: break
        }
    }

    /// The seed used; 2.x takes `[-1, 2147483647]` (seedance-2.md §3, seedance-2.md §17 (conflict 1): the stricter of the two ranges).
    static func seedance2Seed(_ requested: Int64?) throws(ArkAPIError) -> Int64 {
        guard let requested, requested != -1 else { return Int64.random(in: 0...seedance2SeedRange.upperBound) }
        guard seedance2SeedRange.contains(requested) else { throw .invalidParameter("seed", "must be between -1 and 2147483647") }
        return requested
    }
}
