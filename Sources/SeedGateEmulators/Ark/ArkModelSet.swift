/// What one Ark model accepts, from the Ark API reference (see `docs/providers/models.md`).
public struct ArkModelRules: Sendable, Equatable {
    /// Which pixel table and defaults apply.
    public enum Generation: Sendable, Equatable {
        case seedance10
        case seedance15
        /// Seedance 2.0, 2.0 fast and 2.0 mini (the 1.5 pro pixel table plus 4k).
        case seedance20
        /// Seedance 2.5 (its own 480p table; 720p and 1080p as 2.0).
        case seedance25
    }

    public var id: String
    public var generation: Generation
    public var textToVideo: Bool
    public var firstFrame: Bool
    public var firstLastFrame: Bool
    /// How many `reference_image` items the model takes, if any.
    public var referenceImages: ClosedRange<Int>?
    public var durations: ClosedRange<Int>
    /// Whether `duration: -1` (the model chooses) is accepted.
    public var autoDuration: Bool
    public var frames: Bool
    /// Whether `generate_audio` applies (and is echoed in the task).
    public var audio: Bool
    public var draft: Bool
    /// Whether `ratio: adaptive` is allowed without an image.
    public var adaptiveTextToVideo: Bool
    public var defaultResolution: String
    /// The Seedance 2.x rules (video and audio references, priority, tools, …); nil for the 1.x models.
    public var seedance2: ArkSeedance2Rules?

    public init(
        id: String, generation: Generation, textToVideo: Bool, firstFrame: Bool, firstLastFrame: Bool,
        referenceImages: ClosedRange<Int>?, durations: ClosedRange<Int>, autoDuration: Bool, frames: Bool,
        audio: Bool, draft: Bool, adaptiveTextToVideo: Bool, defaultResolution: String, seedance2: ArkSeedance2Rules? = nil
    ) {
        self.id = id
        self.generation = generation
        self.textToVideo = textToVideo
        self.firstFrame = firstFrame
        self.firstLastFrame = firstLastFrame
        self.referenceImages = referenceImages
        self.durations = durations
        self.autoDuration = autoDuration
        self.frames = frames
        self.audio = audio
        self.draft = draft
        self.adaptiveTextToVideo = adaptiveTextToVideo
        self.defaultResolution = defaultResolution
        self.seedance2 = seedance2
    }

    /// Seedance 1.5 pro: text or images (first, first+last), 4–12 s or -1, audio, draft, no `frames`.
    public static func seedance15Pro(id: String) -> ArkModelRules {
        ArkModelRules(
            id: id, generation: .seedance15, textToVideo: true, firstFrame: true, firstLastFrame: true,
            referenceImages: nil, durations: 4...12, autoDuration: true, frames: false, audio: true, draft: true,
            adaptiveTextToVideo: true, defaultResolution: "720p"
        )
    }

    /// A Seedance 1.0 model: 2–12 s, `frames` allowed, no audio, no draft, no adaptive ratio for text-to-video.
    public static func seedance10(
        id: String, textToVideo: Bool, firstFrame: Bool, firstLastFrame: Bool,
        referenceImages: ClosedRange<Int>? = nil, defaultResolution: String
    ) -> ArkModelRules {
        ArkModelRules(
            id: id, generation: .seedance10, textToVideo: textToVideo, firstFrame: firstFrame,
            firstLastFrame: firstLastFrame, referenceImages: referenceImages, durations: 2...12, autoDuration: false,
            frames: true, audio: false, draft: false, adaptiveTextToVideo: false, defaultResolution: defaultResolution
        )
    }
}

/// The models an Ark-dialect emulator knows. Volcengine and BytePlus share the rules and differ in ids. `volcengine`
/// and `byteplus` are the whole catalogues, in the provider manifests' order (2.x, then 1.x); the 2.x models are in
/// `ArkSeedance2Rules.swift`.
public struct ArkModelSet: Sendable {
    public var models: [ArkModelRules]

    public init(_ models: [ArkModelRules]) { self.models = models }

    public func rules(for id: String) -> ArkModelRules? { models.first { $0.id == id } }

    /// The same rules under other ids (e.g. BytePlus drops the `doubao-` prefix).
    public func renamed(_ rename: (String) -> String) -> ArkModelSet {
        ArkModelSet(
            models.map {
                var rules = $0
                rules.id = rename($0.id)
                return rules
            })
    }

    /// Volcengine Ark's models: Seedance 2.x, then 1.x.
    public static let volcengine = ArkModelSet(volcengineSeedance2.models + volcengineSeedance1.models)

    /// BytePlus ModelArk's models: Seedance 2.x (`dreamina-…`), then 1.x (`seedance-1-5-pro-251215`, …).
    public static let byteplus = ArkModelSet(byteplusSeedance2.models + byteplusSeedance1.models)

    /// Volcengine Ark's Seedance 1.x model ids.
    public static let volcengineSeedance1 = ArkModelSet([
        .seedance15Pro(id: "doubao-seedance-1-5-pro-251215"),
        .seedance10(id: "doubao-seedance-1-0-pro-250528", textToVideo: true, firstFrame: true, firstLastFrame: true, defaultResolution: "1080p"),
        .seedance10(
            id: "doubao-seedance-1-0-pro-fast-251015", textToVideo: true, firstFrame: true, firstLastFrame: false, defaultResolution: "1080p"),
        .seedance10(
            id: "doubao-seedance-1-0-lite-t2v-250428", textToVideo: true, firstFrame: false, firstLastFrame: false, defaultResolution: "720p"),
        .seedance10(
            id: "doubao-seedance-1-0-lite-i2v-250428", textToVideo: false, firstFrame: true, firstLastFrame: true, referenceImages: 1...4,
            defaultResolution: "720p"),
    ])

    /// BytePlus ModelArk's ids for the same 1.x models: `doubao-` dropped (`seedance-1-5-pro-251215`, …).
    public static let byteplusSeedance1 = volcengineSeedance1.renamed { $0.hasPrefix("doubao-") ? String($0.dropFirst(7)) : $0 }
}
