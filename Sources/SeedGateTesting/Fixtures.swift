import Foundation
import SeedGateCore

/// A manifest shaped like Volcengine Ark's, built in code so core tests need no YAML.
public enum Fixtures {
    public static let allRatios = ["16:9", "4:3", "1:1", "3:4", "9:16", "21:9", "adaptive"]

    public static func offering(
        _ name: String, upstream: String, capabilities: [Capability], durations: DurationRule, defaultResolution: String = "720p",
        textRatio: String = "16:9", adaptiveTextToVideo: Bool = false, referenceImages: Int? = nil, audioDefault: Bool? = nil
    ) -> ModelOffering {
        ModelOffering(
            name: name, upstream: upstream, capabilities: capabilities, resolutions: ["480p", "720p", "1080p"],
            defaultResolution: defaultResolution, ratios: allRatios,
            defaultRatio: DefaultRatio(textToVideo: textRatio, image: "adaptive", referenceImages: "16:9"),
            adaptiveTextToVideo: adaptiveTextToVideo, durations: durations, referenceImages: referenceImages,
            defaultGenerateAudio: audioDefault, limits: nil
        )
    }

    public static let common: [Capability] = [.lastFrame, .flex, .seed, .cameraFixed, .watermark]

    public static func manifest(_ id: ProviderID = "volcengine-ark", seedRange: ClosedRangeValue = .init(min: -1, max: 4_294_967_295))
        -> ProviderManifest
    {
        ProviderManifest(
            id: id, displayName: "Test \(id)", baseURL: "https://example.invalid", credentials: ["api_key": "X"], callbacks: true,
            cancellableStatuses: [.queued],
            polling: PollingPolicy(firstCheckAfter: 2, minInterval: 2, maxInterval: 30, ageFactor: 0.2, maxRequestsPerMinute: 600),
            limits: Limits(rpm: 600, concurrency: 10), seedRange: seedRange,
            models: [
                offering(
                    "seedance-1.5-pro", upstream: "doubao-seedance-1-5-pro-251215",
                    capabilities: [.textToVideo, .firstFrame, .firstLastFrame, .audio, .draft] + common,
                    durations: DurationRule(min: 4, max: 12, auto: true, default: 5), textRatio: "adaptive",
                    adaptiveTextToVideo: true, audioDefault: true),
                offering(
                    "seedance-1.0-pro", upstream: "doubao-seedance-1-0-pro-250528",
                    capabilities: [.textToVideo, .firstFrame, .firstLastFrame, .frames] + common,
                    durations: DurationRule(min: 2, max: 12, default: 5), defaultResolution: "1080p"),
                offering(
                    "seedance-1.0-lite-i2v", upstream: "doubao-seedance-1-0-lite-i2v-250428",
                    capabilities: [.firstFrame, .firstLastFrame, .referenceImages, .frames] + common,
                    durations: DurationRule(min: 2, max: 12, default: 5), referenceImages: 4),
            ].map(restrictLiteReferences) + seedance2
        )
    }

    /// 1.0 lite i2v takes no 1080p and no adaptive ratio with reference images.
    static func restrictLiteReferences(_ offering: ModelOffering) -> ModelOffering {
        guard offering.name == "seedance-1.0-lite-i2v" else { return offering }
        var offering = offering
        offering.referenceResolutions = ["480p", "720p"]
        offering.referenceRatios = allRatios.filter { $0 != "adaptive" }
        return offering
    }

    /// Seedance 2.0, 2.0 fast and 2.5 as the Volcengine Ark manifest offers them (seedance-2.md §3/§4/§5).
    public static var seedance2: [ModelOffering] {
        func model(_ name: String, resolutions: [String], durations: DurationRule, media: (images: Int, clips: Int, seconds: Double))
            -> ModelOffering
        {
            let twoFive = name == "seedance-2.5"
            var capabilities: [Capability] = [
                .textToVideo, .firstFrame, .firstLastFrame, .referenceImages, .multimodalReference, .audio, .lastFrame, .seed, .watermark,
                .priority, .safetyIdentifier, .webSearch,
            ]
            if twoFive { capabilities += [.taskType, .outputFormat] }
            let clip = { (formats: [String], sources: [String]) in
                MediaRule(max: media.clips, minSeconds: 2, maxSeconds: media.seconds, totalSeconds: media.seconds, formats: formats, sources: sources)
            }
            return ModelOffering(
                name: name, upstream: "doubao-\(name.replacingOccurrences(of: ".", with: "-"))-260128", capabilities: capabilities,
                resolutions: resolutions, defaultResolution: "720p", ratios: allRatios,
                defaultRatio: DefaultRatio(textToVideo: "adaptive", image: "adaptive", referenceImages: "adaptive"), adaptiveTextToVideo: true,
                durations: durations, referenceImages: media.images, defaultGenerateAudio: true, limits: nil,
                imageSources: ["https", "http", "data", "asset"], frameRatios: twoFive ? ["adaptive"] : nil,
                referenceVideos: clip(["mp4", "mov"], ["https", "http", "asset"]),
                referenceAudios: clip(["wav", "mp3"], ["https", "http", "data", "asset"]), audioNeedsVisual: twoFive ? nil : true,
                takesServiceTier: false, imageFormats: ["jpeg", "png", "webp", "bmp", "tiff", "gif"],
                seedRange: ClosedRangeValue(min: -1, max: 2_147_483_647)
            )
        }
        let twoOh = DurationRule(min: 4, max: 15, auto: true, default: 5)
        var twoZero = model("seedance-2.0", resolutions: ["480p", "720p", "1080p", "4k"], durations: twoOh, media: (9, 3, 15))
        twoZero.resolutionLimits = ["4k": Limits(rpm: 15, concurrency: 1)]
        return [
            twoZero,
            model("seedance-2.0-fast", resolutions: ["480p", "720p"], durations: twoOh, media: (9, 3, 15)),
            model(
                "seedance-2.5", resolutions: ["480p", "720p", "1080p"], durations: DurationRule(min: 4, max: 30, auto: true, default: -1),
                media: (30, 10, 30)),
        ]
    }

    public static let image = "https://example.invalid/cat.png"
}
