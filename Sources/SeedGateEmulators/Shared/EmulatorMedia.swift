import Foundation

/// One embedded file as `scripts/make-emulator-media.sh` wrote it into `EmulatorMediaData.swift`.
struct EmulatorMediaFile: Sendable {
    /// `<ratio with x for :>.<kind>`, e.g. `9x16.mp4`.
    var name: String
    var width: Int
    var height: Int
    var byteCount: Int
    var md5: String
    var sha256: String
    /// The bytes, base64 in lines (the line breaks are skipped when decoding).
    var base64: String
}

/// A real, playable media file the emulators hand out as a task's result: an H.264 video (MP4, or QuickTime for
/// Seedance 2.5's `output_format: mov`) or the video's last frame (PNG, or JPEG for Seedance 2.5), one per aspect ratio
/// the Seedance models draw at, a few KB each. Made by `scripts/make-emulator-media.sh` (ffmpeg's testsrc2 pattern,
/// 2 s at 12 fps) and embedded in the binary (`EmulatorMediaData.swift`), decoded once; served by `EmulatorFileRoutes`.
public struct EmulatorMedia: Sendable, Equatable {
    /// The output ratios of the Seedance models (seedance-2.md §3; the 1.x ones are the same, models.md §4). A task's
    /// files follow the ratio it reports: `adaptive` is resolved before a task ends (the emulators report it as 16:9).
    public enum Ratio: String, Sendable, CaseIterable {
        case landscape16x9 = "16:9"
        case portrait9x16 = "9:16"
        case square1x1 = "1:1"
        case landscape4x3 = "4:3"
        case portrait3x4 = "3:4"
        case wide21x9 = "21:9"

        /// The ratio a task reports; `adaptive` and anything unknown are served as 16:9.
        public init(reported: String) {
            self = Ratio(rawValue: reported) ?? .landscape16x9
        }

        /// The stem of the embedded file names (`16x9`).
        var fileStem: String { rawValue.replacingOccurrences(of: ":", with: "x") }
    }

    /// What a file is: two video containers and two last-frame image formats, named by their URL extension.
    public enum Kind: String, Sendable, CaseIterable {
        case mp4
        case mov
        case png
        case jpeg

        /// The `Content-Type` the file is served with.
        public var contentType: String {
            switch self {
            case .mp4: "video/mp4"
            case .mov: "video/quicktime"
            case .png: "image/png"
            case .jpeg: "image/jpeg"
            }
        }

        public var isVideo: Bool { self == .mp4 || self == .mov }
    }

    public let ratio: Ratio
    public let kind: Kind
    /// Pixel size (even sides, roughly the ratio: 64×36, 36×64, 48×48, 64×48, 48×64, 84×36).
    public let width: Int
    public let height: Int
    public let bytes: [UInt8]
    /// Lower-case hex digests of `bytes`, computed by the generator.
    public let md5: String
    public let sha256: String

    public var contentType: String { kind.contentType }

    /// The entity tag an object store gives a file uploaded in one part: the quoted MD5 of its bytes.
    public var etag: String { "\"\(md5)\"" }

    /// The file of `kind` drawn at `ratio`.
    public static func file(_ kind: Kind, _ ratio: Ratio) -> EmulatorMedia {
        // Every file is embedded (the tests check it); an empty file stands in should one be missing.
        table["\(ratio.fileStem).\(kind.rawValue)"]
            ?? EmulatorMedia(ratio: ratio, kind: kind, width: 0, height: 0, bytes: [], md5: "", sha256: "")
    }

    /// Every embedded file, in the generator's order (ratio by ratio: mp4, mov, png, jpeg).
    public static let all: [EmulatorMedia] = EmulatorMediaData.files.compactMap(EmulatorMedia.init(embedded:))

    private static let table: [String: EmulatorMedia] = Dictionary(
        all.map { ("\($0.ratio.fileStem).\($0.kind.rawValue)", $0) }, uniquingKeysWith: { first, _ in first })

    private init(ratio: Ratio, kind: Kind, width: Int, height: Int, bytes: [UInt8], md5: String, sha256: String) {
        self.ratio = ratio
        self.kind = kind
        self.width = width
        self.height = height
        self.bytes = bytes
        self.md5 = md5
        self.sha256 = sha256
    }

    /// Decodes one embedded file; nil if its name or bytes do not match what the generator promised.
    private init?(embedded file: EmulatorMediaFile) {
        let parts = file.name.split(separator: ".")
        guard parts.count == 2, let kind = Kind(rawValue: String(parts[1])),
            let ratio = Ratio.allCases.first(where: { $0.fileStem == parts[0] }),
            let data = Data(base64Encoded: file.base64, options: .ignoreUnknownCharacters), data.count == file.byteCount
        else { return nil }
        self.init(
            ratio: ratio, kind: kind, width: file.width, height: file.height, bytes: Array(data), md5: file.md5, sha256: file.sha256)
    }
}
