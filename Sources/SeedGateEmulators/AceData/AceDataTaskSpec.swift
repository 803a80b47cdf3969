import Foundation
import SeedGateCore

/// How the create call answers: at once (`async: true`, or a `callback_url`), or only when the video exists.
enum AceDataResponseMode: String, Sendable {
    /// Neither switch: AceData's default. The HTTP request is held until the task has ended. [S003]
    case blocking
    case async
    case callback
}

/// A create request as the emulator resolved it.
struct AceDataTaskSpec: Sendable {
    var model: String
    var prompt: String?
    var imageCount: Int
    var resolution: String
    /// The ratio reported back. EMULATOR ASSUMPTION: `adaptive` is reported as 16:9, like Ark reports the ratio
    /// it chose; AceData reports `duration`, `resolution` and `ratio` for 1.x too (its examples show them for 2.x).
    var ratio: String
    /// The duration reported back; nil when `frames` set the length.
    var duration: Int?
    var frames: Int?
    var seed: Int64
    var cameraFixed: Bool
    var watermark: Bool
    var generateAudio: Bool?
    var returnLastFrame: Bool
    var serviceTier: String
    var executionExpiresAfter: Int
    var callbackURL: String?
    var mode: AceDataResponseMode
    /// The body as sent, echoed as the record's `request`.
    var request: JSONValue
    var traceID: String
    var upstreamTaskID: String
    /// Whether a succeeded task's `data` reports `duration`, `resolution` and `ratio`: AceData's 2.x examples
    /// show them, its 1.x examples do not. [DOCS-VIDEOS] [S003]
    var reportsOutput = false
}

/// AceData's result files, served by the shared file server (`EmulatorFileRoutes`): an MP4 video, re-hosted on AceData's
/// CDN as `…/seedance/<uuid>.mp4` (acedata.md, Results), and with `return_last_frame` a last frame (acedata.md, Results).
/// EMULATOR ASSUMPTION: the last frame is a PNG for 2.x too (Ark's pages say PNG, then JPEG: seedance-2.md §17
/// (conflict 2)), and a 2.5 `output_format: mov` video is still served from an `.mp4` file URL, as AceData's CDN names
/// its files; both are drawn at the ratio the task reports (`adaptive` is reported as 16:9).
extension AceDataTaskSpec: EmulatorResultSpec {
    var resultFiles: EmulatorResultFiles {
        EmulatorResultFiles(ratio: ratio, video: .mp4, lastFrame: returnLastFrame ? .png : nil, prompt: prompt)
    }
}
