/// What a Seedance 2.x model takes beyond `ArkModelRules`, from the 2.x fact sheet (seedance-2.md §3/§4/§5, seedance-2.md §8, seedance-2.md §9).
public struct ArkSeedance2Rules: Sendable, Equatable {
    public enum Family: Sendable, Equatable {
        /// Seedance 2.0, 2.0 fast and 2.0 mini.
        case seedance20
        case seedance25
    }

    public var family: Family
    /// `resolution` values (seedance-2.md §3): 2.0 480p–4k, fast and mini 480p/720p, 2.5 480p–1080p.
    public var resolutions: [String]
    /// Most `reference_image`, `reference_video` and `reference_audio` items (seedance-2.md §5): 9/3/3 on 2.0, 30/10/10 on 2.5.
    public var maxImages: Int
    public var maxVideos: Int
    public var maxAudios: Int
    /// Whether audio may be sent without an image or a video (2.5 only, seedance-2.md §4).
    public var audioOnly: Bool
    /// Whether `tools: [{"type":"web_search"}]` is taken (Volcengine Ark; BytePlus has no tools, seedance-2.md §9).
    public var webSearch: Bool
    /// The `duration` used when none is sent: 5 on 2.0, `-1` (the model chooses) on 2.5 (seedance-2.md §3, seedance-2.md §17 (conflict 6)).
    public var defaultDuration: Int

    /// Whether the model takes `omni_reference_task_type`, `output_format` and `draft` (2.5 only, seedance-2.md §3, seedance-2.md §8).
    public var isSeedance25: Bool { family == .seedance25 }

    public init(
        family: Family, resolutions: [String], maxImages: Int, maxVideos: Int, maxAudios: Int, audioOnly: Bool, webSearch: Bool,
        defaultDuration: Int
    ) {
        self.family = family
        self.resolutions = resolutions
        self.maxImages = maxImages
        self.maxVideos = maxVideos
        self.maxAudios = maxAudios
        self.audioOnly = audioOnly
        self.webSearch = webSearch
        self.defaultDuration = defaultDuration
    }
}

extension ArkModelRules {
    /// A Seedance 2.0-family model (seedance-2.md §3/§4/§5): text, first frame, first+last frame or multimodal references (1–9 images,
    /// ≤ 3 videos, ≤ 3 audios, audio never alone); 4–15 s or -1, default 5; audio (default on); no `frames`, no draft.
    public static func seedance20(id: String, resolutions: [String]) -> ArkModelRules {
        ArkModelRules(
            id: id, generation: .seedance20, textToVideo: true, firstFrame: true, firstLastFrame: true, referenceImages: 1...9,
            durations: 4...15, autoDuration: true, frames: false, audio: true, draft: false, adaptiveTextToVideo: true,
            defaultResolution: "720p",
            seedance2: ArkSeedance2Rules(
                family: .seedance20, resolutions: resolutions, maxImages: 9, maxVideos: 3, maxAudios: 3, audioOnly: false, webSearch: true,
                defaultDuration: 5)
        )
    }

    /// Seedance 2.5 (seedance-2.md §3/§4/§5, seedance-2.md §8): up to 30 images, 10 videos, 10 audios (audio alone allowed); 4–30 s or -1, default -1;
    /// 480p–1080p; draft mode; `omni_reference_task_type` and `output_format`.
    public static func seedance25(id: String) -> ArkModelRules {
        ArkModelRules(
            id: id, generation: .seedance25, textToVideo: true, firstFrame: true, firstLastFrame: true, referenceImages: 1...30,
            durations: 4...30, autoDuration: true, frames: false, audio: true, draft: true, adaptiveTextToVideo: true,
            defaultResolution: "720p",
            seedance2: ArkSeedance2Rules(
                family: .seedance25, resolutions: ["480p", "720p", "1080p"], maxImages: 30, maxVideos: 10, maxAudios: 10, audioOnly: true,
                webSearch: true, defaultDuration: -1)
        )
    }
}

extension ArkModelSet {
    /// Volcengine Ark's Seedance 2.x ids (seedance-2.md §1). EMULATOR ASSUMPTION (seedance-2.md §1, seedance-2.md §18): `doubao-seedance-2-5-260628` is named only by
    /// third parties and AceData; the official pages say "Seedance 2.5".
    public static let volcengineSeedance2 = ArkModelSet([
        .seedance20(id: "doubao-seedance-2-0-260128", resolutions: ["480p", "720p", "1080p", "4k"]),
        .seedance20(id: "doubao-seedance-2-0-fast-260128", resolutions: ["480p", "720p"]),
        .seedance20(id: "doubao-seedance-2-0-mini-260615", resolutions: ["480p", "720p"]),
        .seedance25(id: "doubao-seedance-2-5-260628"),
    ])

    /// BytePlus ModelArk's Seedance 2.x ids: `doubao-` becomes `dreamina-` (seedance-2.md §1; unlike 1.x, where it is dropped), and
    /// there is no `tools`/web search (seedance-2.md §9, seedance-2.md §16).
    public static let byteplusSeedance2 = ArkModelSet(
        volcengineSeedance2.renamed { $0.hasPrefix("doubao-") ? "dreamina-" + $0.dropFirst(7) : $0 }.models.map {
            var rules = $0
            rules.seedance2?.webSearch = false
            return rules
        })
}
