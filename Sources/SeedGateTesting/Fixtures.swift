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
            ]
        )
    }

    public static let image = "https://example.invalid/cat.png"
}
