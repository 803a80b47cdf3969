import SeedGateCore

extension ArkValidation {
    static let seedRange: ClosedRange<Int64> = -1...4_294_967_295

    /// Resolution, ratio, and duration or frames, checked for the model and scenario and resolved.
    static func checkOutput(
        _ body: ArkCreateTaskBody, rules: ArkModelRules, scenario: Scenario, into spec: inout ArkTaskSpec
    ) throws(ArkAPIError) {
        let resolution = body.draft == true ? "480p" : (body.resolution ?? rules.defaultResolution)
        guard ArkPixelSizes.resolutions.contains(resolution) else {
            throw .invalidParameter("resolution", "must be one of \(ArkPixelSizes.resolutions.joined(separator: ", "))")
        }
        if scenario == .referenceImages, resolution == "1080p" {
            throw .invalidParameter("resolution", "1080p is not supported with reference images")
        }
        spec.resolution = resolution

        let ratio = body.ratio ?? defaultRatio(scenario, rules: rules)
        guard ratios.contains(ratio) else { throw .invalidParameter("ratio", "must be one of \(ratios.joined(separator: ", "))") }
        if ratio == "adaptive", scenario == .textToVideo, !rules.adaptiveTextToVideo {
            throw .invalidParameter("ratio", "adaptive needs an image on \(rules.id)")
        }
        if ratio == "adaptive", scenario == .referenceImages {
            throw .invalidParameter("ratio", "adaptive is not supported with reference images")
        }
        // EMULATOR ASSUMPTION: the emulator has no image to measure, so `adaptive` always comes out as 16:9.
        spec.ratio = ratio == "adaptive" ? "16:9" : ratio

        if let frames = body.frames {
            guard rules.frames else { throw .invalidParameter("frames", "is not supported by \(rules.id); use duration") }
            guard (29...289).contains(frames), (frames - 25) % 4 == 0 else {
                throw .invalidParameter("frames", "must be 25 + 4n between 29 and 289")
            }
            // `frames` takes priority over `duration`; the task then reports frames only.
            spec.frames = frames
            spec.duration = nil
        } else {
            spec.duration = try duration(body.duration ?? 5, rules: rules)
        }
    }

    /// Ark's default ratio: text-to-video 16:9 (1.5 pro: adaptive), first/last frame adaptive, references 16:9.
    static func defaultRatio(_ scenario: Scenario, rules: ArkModelRules) -> String {
        if scenario == .textToVideo { return rules.adaptiveTextToVideo ? "adaptive" : "16:9" }
        return scenario == .referenceImages ? "16:9" : "adaptive"
    }

    /// A duration in the model's range; `-1` (1.5 pro) becomes a length the "model chose".
    static func duration(_ requested: Int, rules: ArkModelRules) throws(ArkAPIError) -> Int {
        if requested == -1, rules.autoDuration { return Int.random(in: rules.durations) }
        guard rules.durations.contains(requested) else {
            let range = "\(rules.durations.lowerBound) to \(rules.durations.upperBound)"
            throw .invalidParameter("duration", "must be \(range) seconds\(rules.autoDuration ? " or -1" : "") for \(rules.id)")
        }
        return requested
    }

    /// The seed used: the requested one, or a random one for `-1`/absent.
    static func seed(_ requested: Int64?) throws(ArkAPIError) -> Int64 {
        guard let requested, requested != -1 else { return Int64.random(in: 0...seedRange.upperBound) }
        guard seedRange.contains(requested) else { throw .invalidParameter("seed", "must be between -1 and 4294967295") }
        return requested
    }

    /// A final video made from a draft: the draft's prompt, images, ratio, duration, seed, audio and camera
    /// setting are reused; resolution, tier, last frame, watermark and callback come from this request.
    static func applyDraft(
        _ id: String, source: EmulatedTaskState<ArkTaskSpec>?, body: ArkCreateTaskBody, rules: ArkModelRules,
        itemCount: Int, into spec: inout ArkTaskSpec
    ) throws(ArkAPIError) {
        guard itemCount == 1 else { throw .invalidParameter("content", "a draft_task item must be the only item") }
        guard rules.draft else { throw .invalidParameter("content.draft_task", "\(rules.id) does not make videos from drafts") }
        if body.draft == true { throw .invalidParameter("draft", "a video made from a draft cannot itself be a draft") }
        if body.frames != nil { throw .invalidParameter("frames", "is not supported by \(rules.id)") }
        // EMULATOR ASSUMPTION: the error for a draft id that is unknown, not a draft or not finished is not documented.
        guard let source, source.task.spec.draft == true, source.task.spec.model == rules.id, source.status == .succeeded else {
            throw .invalidParameter("content.draft_task.id", "is not a succeeded draft task of \(rules.id)")
        }
        let resolution = body.resolution ?? rules.defaultResolution
        guard ArkPixelSizes.resolutions.contains(resolution) else {
            throw .invalidParameter("resolution", "must be one of \(ArkPixelSizes.resolutions.joined(separator: ", "))")
        }
        let draft = source.task.spec
        spec.resolution = resolution
        spec.prompt = draft.prompt
        spec.images = draft.images
        spec.ratio = draft.ratio
        spec.duration = draft.duration
        spec.seed = draft.seed
        spec.generateAudio = draft.generateAudio
        spec.cameraFixed = draft.cameraFixed
        spec.draft = false
        spec.draftTaskID = id
    }
}
