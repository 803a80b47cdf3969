extension JobValidator {
    /// Checks a shape-checked spec against one provider's offering of its model and returns it normalised:
    /// every default SeedGate applies is written in, so adapters send explicit values to every provider.
    public static func normalise(
        _ spec: JobSpec, offering: ModelOffering, manifest: ProviderManifest
    ) throws(ValidationFailure) -> JobSpec {
        var spec = spec
        let model = offering.name
        let fromDraft = spec.draftJobID != nil
        let scenario = spec.scenario

        func require(_ capability: Capability, _ field: String, _ what: String) throws(ValidationFailure) {
            guard offering.supports(capability) else {
                throw .unsupported(field, "\(what) is not offered for \(model) by \(manifest.id)")
            }
        }

        if fromDraft {
            try require(.draft, "draft_job_id", "making a video from a draft")
            // The final video reuses the draft's choices; the documents say these are not sent again.
            let reused: [(String, Bool)] = [
                ("seed", spec.seed != nil), ("ratio", spec.ratio != nil), ("duration", spec.duration != nil), ("frames", spec.frames != nil),
                ("generate_audio", spec.generateAudio != nil), ("camera_fixed", spec.cameraFixed != nil),
            ]
            if let field = reused.first(where: { $0.1 })?.0 {
                throw .invalid(field, "a video made from a draft reuses the draft's \(field); leave it out")
            }
        } else {
            let field = scenario != .multimodalReference ? "images" : spec.videos.isEmpty ? "audios" : "videos"
            try require(Capability(scenario), field, scenarioPhrase(scenario))
        }
        if offering.promptRequired == true, (spec.prompt ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .unsupported("prompt", "\(manifest.id) needs a prompt for \(model)")
        }
        try checkMedia(spec, offering: offering, manifest: manifest)
        try checkNewFields(spec, offering: offering, manifest: manifest)

        if spec.draft == true {
            try require(.draft, "draft", "draft mode")
            if let resolution = spec.resolution, resolution != "480p" { throw .invalid("resolution", "draft mode is 480p only") }
            if spec.returnLastFrame == true { throw .invalid("return_last_frame", "is not available in draft mode") }
            if spec.serviceTier == .flex { throw .invalid("service_tier", "flex is not available in draft mode") }
            spec.resolution = "480p"
        }

        let resolution = spec.resolution ?? offering.defaultResolution
        guard offering.resolutions.contains(resolution) else {
            throw .invalid("resolution", "must be one of \(offering.resolutions.joined(separator: ", ")) for \(model)")
        }
        let references = scenario == .referenceImages || scenario == .multimodalReference
        if references, let allowed = offering.referenceResolutions, !allowed.contains(resolution) {
            throw .invalid("resolution", "must be one of \(allowed.joined(separator: ", ")) with reference media on \(model)")
        }
        spec.resolution = resolution

        if !fromDraft {
            let ratio = spec.ratio ?? offering.defaultRatio.value(for: scenario)
            guard offering.ratios.contains(ratio) else {
                throw .invalid("ratio", "must be one of \(offering.ratios.joined(separator: ", ")) for \(model)")
            }
            if ratio == "adaptive", scenario == .textToVideo, !offering.adaptiveTextToVideo {
                throw .invalid("ratio", "adaptive needs an image on \(model); pick a fixed ratio for text-to-video")
            }
            if references, let allowed = offering.referenceRatios, !allowed.contains(ratio) {
                throw .invalid("ratio", "must be one of \(allowed.joined(separator: ", ")) with reference media on \(model)")
            }
            if scenario == .firstFrame || scenario == .firstLastFrame, let allowed = offering.frameRatios, !allowed.contains(ratio) {
                throw .invalid("ratio", "must be one of \(allowed.joined(separator: ", ")) with a first frame on \(model)")
            }
            if let taskType = spec.taskType, taskType == .edit || taskType == .extend, ratio != "adaptive" {
                throw .invalid("ratio", "must be adaptive for task_type \(taskType.rawValue)")
            }
            spec.ratio = ratio
        }

        if spec.frames != nil {
            try require(.frames, "frames", "frames (instead of duration)")
        } else if !fromDraft {
            let duration = spec.duration ?? offering.durations.default
            guard offering.durations.allows(duration) else {
                throw .invalid("duration", "must be \(offering.durations.summary) seconds for \(model)")
            }
            if spec.taskType == .edit, duration != -1 {
                throw .invalid("duration", "must be -1 for task_type edit (the edited video keeps its source's length)")
            }
            spec.duration = duration
        }

        let seedRange = offering.seedRange ?? manifest.seedRange
        if spec.seed == -1, seedRange.min >= 0 {
            // -1 means "random"; a provider without that sentinel picks a random seed when none is sent.
            spec.seed = nil
        }
        if let seed = spec.seed {
            try require(.seed, "seed", "seed")
            guard seedRange.contains(seed) else {
                throw .invalid("seed", "must be between \(seedRange.min) and \(seedRange.max) for \(model) on \(manifest.id)")
            }
        }
        if spec.cameraFixed == true {
            try require(.cameraFixed, "camera_fixed", "camera_fixed")
            if references { throw .invalid("camera_fixed", "is not available with reference media") }
        }
        if spec.watermark == true { try require(.watermark, "watermark", "watermark") }
        if spec.generateAudio == true { try require(.audio, "generate_audio", "audio generation") }
        if spec.returnLastFrame == true { try require(.lastFrame, "return_last_frame", "returning the last frame") }
        if spec.serviceTier == .flex { try require(.flex, "service_tier", "the flex tier") }
        if spec.serviceTier != nil, offering.takesServiceTier == false {
            throw .unsupported("service_tier", "\(model) runs on the online tier only and takes no service_tier on \(manifest.id); leave it out")
        }

        if !fromDraft, offering.supports(.audio), spec.generateAudio == nil {
            spec.generateAudio = offering.defaultGenerateAudio ?? true
        }
        // Defaults are written only where the model documents the parameter for this scenario: the documents say an
        // unsupported parameter is "ignored or triggers an error", so none is sent where it does not apply.
        // camera_fixed is not supported with reference images, and a video made from a draft inherits the draft's.
        if offering.supports(.cameraFixed), spec.cameraFixed == nil, !fromDraft, !references { spec.cameraFixed = false }
        if offering.supports(.watermark), spec.watermark == nil { spec.watermark = false }
        // return_last_frame is not available in draft mode.
        if offering.supports(.lastFrame), spec.returnLastFrame == nil, spec.draft != true { spec.returnLastFrame = false }
        if offering.supports(.draft), spec.draft == nil, !fromDraft { spec.draft = false }
        // service_tier is not a draft-mode parameter; the default tier is what a draft runs on. A model that cannot be
        // given a tier at all (Seedance 2.x: "不支持配置该参数") is sent none.
        if spec.draft != true, offering.takesServiceTier != false { spec.serviceTier = spec.serviceTier ?? .default }
        if offering.takesServiceTier == false { spec.serviceTier = nil }
        // A value that asks for nothing is dropped where the model does not take the parameter, so it is never sent.
        if !offering.supports(.cameraFixed), spec.cameraFixed == false { spec.cameraFixed = nil }
        if !offering.supports(.draft), spec.draft == false { spec.draft = nil }
        if !offering.supports(.lastFrame), spec.returnLastFrame == false { spec.returnLastFrame = nil }
        if !offering.supports(.watermark), spec.watermark == false { spec.watermark = nil }
        if !offering.supports(.audio), spec.generateAudio == false { spec.generateAudio = nil }
        if !offering.supports(.webSearch), spec.tools?.isEmpty == true { spec.tools = nil }
        if !offering.supports(.priority) { spec.priority = nil }
        if !offering.supports(.outputFormat) { spec.outputFormat = nil }
        spec.expiresAfter = spec.expiresAfter ?? RequestLimits.defaultExpiresAfter
        return spec
    }

    /// `priority`, `safety_identifier`, `tools`, `task_type` and `output_format`, each where the offering takes it.
    static func checkNewFields(_ spec: JobSpec, offering: ModelOffering, manifest: ProviderManifest) throws(ValidationFailure) {
        let checks: [(Bool, Capability, String, String)] = [
            (spec.priority != nil && spec.priority != 0, .priority, "priority", "priority"),
            (spec.safetyIdentifier != nil, .safetyIdentifier, "safety_identifier", "safety_identifier"),
            (spec.tools?.isEmpty == false, .webSearch, "tools", "web search"),
            (spec.taskType != nil, .taskType, "task_type", "task_type"),
            (spec.outputFormat != nil && spec.outputFormat != .mp4, .outputFormat, "output_format", "output_format mov"),
        ]
        for (given, capability, field, what) in checks where given && !offering.supports(capability) {
            throw .unsupported(field, "\(what) is not offered for \(offering.name) by \(manifest.id)")
        }
        if let taskType = spec.taskType, taskType == .edit || taskType == .extend, spec.videos.isEmpty {
            throw .invalid("task_type", "\(taskType.rawValue) needs at least one reference video (the video to \(taskType.rawValue))")
        }
    }

    static func scenarioPhrase(_ scenario: Scenario) -> String {
        switch scenario {
        case .textToVideo: "text-to-video (a prompt without images)"
        case .firstFrame: "image-to-video from a first frame"
        case .firstLastFrame: "first + last frame"
        case .referenceImages: "reference images"
        case .multimodalReference: "reference videos or audio"
        }
    }
}
