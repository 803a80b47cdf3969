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
