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
            try require(Capability(scenario), "images", scenarioPhrase(scenario))
        }
        if offering.promptRequired == true, (spec.prompt ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .unsupported("prompt", "\(manifest.id) needs a prompt for \(model)")
        }
        if let sources = offering.imageSources {
            for image in spec.images {
                let source = ModelOffering.imageSource(of: image.url)
                guard sources.contains(source) else {
                    let allowed = sources.map { $0 == "data" ? "data:" : "\($0)://" }.joined(separator: " or ")
                    throw .unsupported(
                        "images", "\(manifest.id) takes \(allowed) image URLs for \(model), not \(source == "data" ? "data:" : source) URLs")
                }
            }
        }
        if scenario == .referenceImages, let limit = offering.referenceImages, spec.images.count > limit {
            throw .invalid("images", "\(model) takes at most \(limit) reference images")
        }

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
        if scenario == .referenceImages, resolution == "1080p" { throw .invalid("resolution", "1080p is not available with reference images") }
        spec.resolution = resolution

        if !fromDraft {
            let ratio = spec.ratio ?? offering.defaultRatio.value(for: scenario)
            guard offering.ratios.contains(ratio) else {
                throw .invalid("ratio", "must be one of \(offering.ratios.joined(separator: ", ")) for \(model)")
            }
            if ratio == "adaptive", scenario == .textToVideo, !offering.adaptiveTextToVideo {
                throw .invalid("ratio", "adaptive needs an image on \(model); pick a fixed ratio for text-to-video")
            }
            if ratio == "adaptive", scenario == .referenceImages { throw .invalid("ratio", "adaptive is not available with reference images") }
            spec.ratio = ratio
        }

        if spec.frames != nil {
            try require(.frames, "frames", "frames (instead of duration)")
        } else if !fromDraft {
            let duration = spec.duration ?? offering.durations.default
            guard offering.durations.allows(duration) else {
                throw .invalid("duration", "must be \(offering.durations.summary) seconds for \(model)")
            }
            spec.duration = duration
        }

        if spec.seed == -1, manifest.seedRange.min >= 0 {
            // -1 means "random"; a provider without that sentinel picks a random seed when none is sent.
            spec.seed = nil
        }
        if let seed = spec.seed {
            try require(.seed, "seed", "seed")
            guard manifest.seedRange.contains(seed) else {
                throw .invalid("seed", "must be between \(manifest.seedRange.min) and \(manifest.seedRange.max) on \(manifest.id)")
            }
        }
        if spec.cameraFixed == true {
            try require(.cameraFixed, "camera_fixed", "camera_fixed")
            if scenario == .referenceImages { throw .invalid("camera_fixed", "is not available with reference images") }
        }
        if spec.watermark == true { try require(.watermark, "watermark", "watermark") }
        if spec.generateAudio == true { try require(.audio, "generate_audio", "audio generation") }
        if spec.returnLastFrame == true { try require(.lastFrame, "return_last_frame", "returning the last frame") }
        if spec.serviceTier == .flex { try require(.flex, "service_tier", "the flex tier") }

        if !fromDraft, offering.supports(.audio), spec.generateAudio == nil {
            spec.generateAudio = offering.defaultGenerateAudio ?? true
        }
        // Defaults are written only where the model documents the parameter for this scenario: the documents say an
        // unsupported parameter is "ignored or triggers an error", so none is sent where it does not apply.
        // camera_fixed is not supported with reference images, and a video made from a draft inherits the draft's.
        if offering.supports(.cameraFixed), spec.cameraFixed == nil, !fromDraft, scenario != .referenceImages { spec.cameraFixed = false }
        if offering.supports(.watermark), spec.watermark == nil { spec.watermark = false }
        // return_last_frame is not available in draft mode.
        if offering.supports(.lastFrame), spec.returnLastFrame == nil, spec.draft != true { spec.returnLastFrame = false }
        if offering.supports(.draft), spec.draft == nil, !fromDraft { spec.draft = false }
        // service_tier is not a draft-mode parameter; the default tier is what a draft runs on.
        if spec.draft != true { spec.serviceTier = spec.serviceTier ?? .default }
        spec.expiresAfter = spec.expiresAfter ?? RequestLimits.defaultExpiresAfter
        return spec
    }

    static func scenarioPhrase(_ scenario: Scenario) -> String {
        switch scenario {
        case .textToVideo: "text-to-video (a prompt without images)"
        case .firstFrame: "image-to-video from a first frame"
        case .firstLastFrame: "first + last frame"
        case .referenceImages: "reference images"
        }
    }
}
