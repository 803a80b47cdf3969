import Foundation

/// Markers only the Ark-dialect emulators (Volcengine Ark, BytePlus ModelArk) read, beside the neutral `FailureMarker`s
/// and `AnswerMarker`s (`Shared/`). Case-sensitive, anywhere in the text or URL, never removed; other emulators ignore them.
///
/// | Marker | Where | Effect |
/// |---|---|---|
/// | `[[ark:quota-exhausted]]` | a prompt | the create is refused: 429 `QuotaExceeded` "Your account [%s] has exhausted its free trial quota for the [%s] model." |
/// | `[[ark:queue-full]]` | a prompt | the create is refused: 429 `QuotaExceeded` "The request has exceeded the quota." (too many queued tasks) |
/// | `real-face` | the URL of an `image_url` item (any role; http(s) or `data:`) of a Seedance 2.x request | the create is refused: 400 `InputImageSensitiveContentDetected.PrivacyInformation` "…the input image 'content[i]' may contain real person." |
/// | `real-face` | the URL of a `video_url` item of a Seedance 2.x request | the create is refused: 400 `InputVideoSensitiveContentDetected.PrivacyInformation` |
/// | `[[ark:fail-audio-moderation]]` | a prompt of a task that generates audio (`generate_audio` on: 1.5 pro, 2.x) | the task is accepted, then ends `failed` with `OutputAudioSensitiveContentDetected` (output moderation, e.g. copyrighted music) |
///
/// The checks run after the body is validated and the quota checked, in this order: quota markers, `[[reject:moderation]]`,
/// `real-face` (first marked item in `content` order). `asset://…` URLs never carry the `real-face` refusal: preset
/// virtual portraits and authorised real-person assets are the documented way to use faces (seedance-2.md §10).
/// The real-person rule is a 2.x rule ("Seedance 2.0 系列模型不支持直接上传含有真人人脸的参考图/视频"), so 1.x requests
/// ignore `real-face`. EMULATOR ASSUMPTION (seedance-2.md §10, seedance-2.md §12): the refusal is synchronous (HTTP 400 at create), and the output-audio
/// failure is asynchronous, as seedance-2.md §12 says output moderation "usually" is.
extension ArkEmulator {
    static let quotaExhaustedMarker = "[[ark:quota-exhausted]]"
    static let queueFullMarker = "[[ark:queue-full]]"
    static let realFaceMarker = "real-face"
    static let outputAudioModeratedMarker = "[[ark:fail-audio-moderation]]"

    /// The real-person refusal a marked image or video URL of a 2.x request asks for, if any.
    static func realPersonRefusal(_ spec: ArkTaskSpec, items: [ArkContentItem]) -> ArkAPIError? {
        guard spec.generation == .seedance20 || spec.generation == .seedance25 else { return nil }
        func marked(_ url: String?) -> Bool {
            guard let url, !url.hasPrefix("asset://") else { return false }
            return url.contains(realFaceMarker)
        }
        for (index, item) in items.enumerated() {
            if item.type == "image_url", marked(item.imageURL?.url) { return .realPerson("image", index: index) }
            if item.type == "video_url", marked(item.videoURL?.url) { return .realPerson("video", index: index) }
        }
        return nil
    }

    /// Ark's output-audio moderation failure of a task (seedance-2.md §12; message after the video one Ark documents).
    static func outputAudioModerated(requestID: String) -> PlannedOutcome {
        .fail(
            code: "OutputAudioSensitiveContentDetected",
            message: "The request failed because the output audio may contain sensitive information. Request ID: \(requestID)")
    }
}
