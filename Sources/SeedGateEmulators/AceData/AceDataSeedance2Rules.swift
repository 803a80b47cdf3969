import Foundation

/// What one Seedance 2.x model accepts on AceData (facts: acedata.md, Generate and Limits; seedance-2.md §3, seedance-2.md §4, seedance-2.md §5,
/// seedance-2.md §16 "AceData"). The 1.x models keep `AceDataModelRules`.
struct AceDataSeedance2Rules: Sendable {
    enum Generation: Sendable {
        /// 2.0, 2.0 fast, 2.0 mini.
        case seedance20
        case seedance25
    }

    var id: String
    var generation: Generation
    /// In the order the refusal names them.
    var resolutions: [String]
    var durations: ClosedRange<Int>
    var maxImages: Int
    var maxVideos: Int
    var maxAudios: Int
    /// All reference items together (images, videos, audios).
    var maxReferences: Int
    /// Whether reference audio may come without an image or a video.
    var audioOnly: Bool
    /// Formats a `data:image/<format>;base64,` URL may name.
    var imageFormats: Set<String>

    var isSeedance25: Bool { generation == .seedance25 }

    /// Ark's image formats for 2.x (seedance-2.md §5). EMULATOR ASSUMPTION (seedance-2.md §5, seedance-2.md §17 (conflict 4)): heic/heif appear for 2.0
    /// only on later pages; the stricter launch reading refuses them on the 2.0 family, and 2.5 takes them.
    static let baseImageFormats: Set<String> = ["jpeg", "png", "webp", "bmp", "tiff", "gif"]
    /// Ark's audio formats for 2.x (`wav`, `mp3`; seedance-2.md §5, acedata.md Limits).
    static let audioFormats: Set<String> = ["wav", "mp3"]

    /// 2.0 standard: 480p–4k; fast and mini: 480p/720p; all 4–15 s or -1; 9 images, 3 videos, 3 audios, audio
    /// never alone. [DOCS-VIDEOS] (acedata.md Generate, Limits; seedance-2.md §16 "AceData")
    /// 2.5: 480p–1080p, 4–30 s or -1; 30 images, 10 videos, 10 audios, 50 in all, audio alone allowed. [DOCS-VIDEOS]
    static let all: [AceDataSeedance2Rules] = [
        seedance20("doubao-seedance-2-0-260128", resolutions: ["480p", "720p", "1080p", "4k"]),
        seedance20("doubao-seedance-2-0-fast-260128", resolutions: ["480p", "720p"]),
        seedance20("doubao-seedance-2-0-mini-260615", resolutions: ["480p", "720p"]),
        AceDataSeedance2Rules(
            id: "doubao-seedance-2-5-260628", generation: .seedance25, resolutions: ["480p", "720p", "1080p"],
            durations: 4...30, maxImages: 30, maxVideos: 10, maxAudios: 10, maxReferences: 50, audioOnly: true,
            imageFormats: baseImageFormats.union(["heic", "heif"])),
    ]

    /// EMULATOR ASSUMPTION (seedance-2.md §5 "Total reference files"): no overall cap on 2.0 beyond 9 + 3 + 3; the
    /// "≤ 12" cap appears only in third-party material.
    private static func seedance20(_ id: String, resolutions: [String]) -> AceDataSeedance2Rules {
        AceDataSeedance2Rules(
            id: id, generation: .seedance20, resolutions: resolutions, durations: 4...15, maxImages: 9, maxVideos: 3,
            maxAudios: 3, maxReferences: 15, audioOnly: false, imageFormats: baseImageFormats)
    }

    static func rules(for model: String) -> AceDataSeedance2Rules? { all.first { $0.id == model } }
}

/// How the AceData emulator reads what the 2.x documents leave open. The defaults are the strict readings; each
/// option switches to the other reading.
public struct AceDataSeedance2Options: Sendable, Equatable {
    /// AceData documents `priority` (0–9) for 2.5 only [DOCS-VIDEOS]; Ark takes it on the whole 2.0 series
    /// (seedance-2.md §3, seedance-2.md §16 "AceData", seedance-2.md §17 (conflict 5)). Off (strict): a non-zero `priority` on the 2.0 family is refused;
    /// `priority: 0`, which AceData's SDK always sends, is accepted on every model. On: 0–9 on the 2.0 family.
    public var allowsPriorityOnSeedance20: Bool
    /// AceData lists `camerafixed` without naming models [DOCS-VIDEOS]; Ark says 2.0 does not support it
    /// (seedance-2.md §3 `camera_fixed`, seedance-2.md §16 "AceData": "2.x camera-fixed support: not stated"). Off (strict): any
    /// `camerafixed` on a 2.x model is refused. On: accepted (and ignored).
    public var allowsCameraFixedOnSeedance2: Bool
    /// AceData's older guide shows `audio_url`/`video_url` items without `role` [DOCS-VIDEOS-GUIDE]; the newer one
    /// gives them `reference_audio`/`reference_video` [DOCS-VIDEOS] (seedance-2.md §16 "AceData"). Off (strict): the
    /// role is required. On: a missing role reads as the only role the item can have.
    public var allowsRolelessReferenceMedia: Bool

    public init(
        allowsPriorityOnSeedance20: Bool = false, allowsCameraFixedOnSeedance2: Bool = false,
        allowsRolelessReferenceMedia: Bool = false
    ) {
        self.allowsPriorityOnSeedance20 = allowsPriorityOnSeedance20
        self.allowsCameraFixedOnSeedance2 = allowsCameraFixedOnSeedance2
        self.allowsRolelessReferenceMedia = allowsRolelessReferenceMedia
    }
}
