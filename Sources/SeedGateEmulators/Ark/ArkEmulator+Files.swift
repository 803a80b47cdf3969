import Foundation

/// The result files of an Ark-dialect task (Volcengine Ark, BytePlus ModelArk, and ModelVerse, which relays Ark's
/// model), served by the shared file server (`EmulatorFileRoutes`): the video is an MP4 (volcengine-ark.md §2), or a
/// QuickTime file when Seedance 2.5 was asked for `output_format: mov` (seedance-2.md §6); the last frame, only with
/// `return_last_frame`, is a PNG "same pixel size as the video" (volcengine-ark.md §1), and a JPEG on 2.5, as the newest
/// Ark page says (seedance-2.md §3, seedance-2.md §17 (conflict 2)). Both are drawn at the ratio the task reports
/// (`adaptive` is reported as 16:9).
extension ArkTaskSpec: EmulatorResultSpec {
    public var resultFiles: EmulatorResultFiles {
        EmulatorResultFiles(
            ratio: ratio, video: outputFormat == "mov" ? .mov : .mp4,
            lastFrame: returnLastFrame ? (generation == .seedance25 ? .jpeg : .png) : nil, prompt: prompt)
    }
}
