import Foundation

/// What a 2.x `content[]` holds, counted by role.
struct AceDataSeedance2Content: Sendable {
    enum Scenario: Sendable, Equatable {
        /// Text only.
        case text
        /// One `first_frame` (or an image without a role), optionally with a `last_frame`.
        case frames
        /// `reference_image` / `reference_video` / `reference_audio` items.
        case reference
    }

    var texts: [String] = []
    var firstFrames = 0
    /// Images without a role, read as first frames (as in AceData's first-frame example [S003]).
    var implicitFirstFrames = 0
    var lastFrames = 0
    var referenceImages = 0
    var videos = 0
    var audios = 0
    /// The image and video URLs, for the real-person check.
    var visualURLs: [String] = []

    var images: Int { firstFrames + lastFrames + referenceImages }
    var references: Int { referenceImages + videos + audios }
    var scenario: Scenario { references > 0 ? .reference : (images > 0 ? .frames : .text) }
}

/// Reading a 2.x `content[]`: item shapes and roles (seedance-2.md §4), URL forms and the reference limits
/// (acedata.md Limits; seedance-2.md §5, seedance-2.md §16 "AceData").
extension AceDataValidation {
    /// EMULATOR ASSUMPTION (seedance-2.md §4; acedata.md Generate): AceData documents http(s) URLs and base64 data
    /// URLs; Ark's `asset://` ids belong to an Ark account and are refused.
    static func readSeedance2Content(
        _ items: [AceDataRequestItem], rules: AceDataSeedance2Rules, options: AceDataSeedance2Options
    ) throws(AceDataAPIError) -> AceDataSeedance2Content {
        var content = AceDataSeedance2Content()
        for item in items {
            switch item.type {
            case "text":
                guard let text = item.text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw .badRequest("content.text must not be empty")
                }
                // No length limit: the sheets document none for AceData (Ark recommends ≤ 500 Chinese characters or
                // ≤ 1000 English words, seedance-2.md §6, a recommendation rather than a refusal).
                content.texts.append(text)
            case "image_url":
                let url = try mediaURL(item.imageURL, member: "image_url")
                guard isWebURL(url) || isDataURL(url, kind: "image", formats: rules.imageFormats) else {
                    let formats = rules.imageFormats.sorted().joined(separator: ", ")
                    throw .badRequest("content.image_url.url must be an http(s) URL or a data:image/<\(formats)>;base64 URL")
                }
                try checkDataSize(url, member: "image_url", limitMB: 30)
                switch item.role {
                case nil: (content.firstFrames, content.implicitFirstFrames) = (content.firstFrames + 1, content.implicitFirstFrames + 1)
                case "first_frame": content.firstFrames += 1
                case "last_frame": content.lastFrames += 1
                case "reference_image": content.referenceImages += 1
                case let role?:
                    throw .badRequest("content.role \(role) is not supported for image_url; use first_frame, last_frame or reference_image")
                }
                content.visualURLs.append(url)
            case "video_url":
                let url = try mediaURL(item.videoURL, member: "video_url")
                // Video is URL-only: "data: URLs are for images and audio only" (seedance-2.md §4, seedance-2.md §5 "Videos — transport").
                guard isWebURL(url) else { throw .badRequest("content.video_url.url must be an http(s) URL (no data: URL for video)") }
                try checkRole(item.role, expected: "reference_video", member: "video_url", options: options)
                content.videos += 1
                content.visualURLs.append(url)
            case "audio_url":
                let url = try mediaURL(item.audioURL, member: "audio_url")
                guard isWebURL(url) || isDataURL(url, kind: "audio", formats: AceDataSeedance2Rules.audioFormats) else {
                    throw .badRequest("content.audio_url.url must be an http(s) URL or a data:audio/<mp3, wav>;base64 URL")
                }
                // "each item must not exceed 15 MB" [DOCS-VIDEOS]: checkable only for a data URL.
                try checkDataSize(url, member: "audio_url", limitMB: 15)
                try checkRole(item.role, expected: "reference_audio", member: "audio_url", options: options)
                content.audios += 1
            case let other:
                throw .badRequest("content.type \(other ?? "null") is not supported; use text, image_url, video_url or audio_url")
            }
        }
        try checkSeedance2Combination(content, rules: rules)
        return content
    }

    /// The combinations and counts of seedance-2.md §4/§5 and [DOCS-VIDEOS].
    private static func checkSeedance2Combination(_ content: AceDataSeedance2Content, rules: AceDataSeedance2Rules) throws(AceDataAPIError) {
        // EMULATOR ASSUMPTION: one text item at most, as on Ark (and the 1.x emulator).
        if content.texts.count > 1 { throw .badRequest("content takes at most one text item") }
        let frames = content.firstFrames + content.lastFrames
        // "first_frame / last_frame cannot be used together with reference_image / reference_video / reference_audio"
        if frames > 0, content.references > 0 {
            throw .badRequest("first_frame/last_frame cannot be mixed with reference_image, reference_video or reference_audio")
        }
        switch content.scenario {
        case .text:
            guard !content.texts.isEmpty else { throw .badRequest("content needs a text item or reference media") }
        case .frames:
            guard content.firstFrames == 1, content.lastFrames <= 1 else {
                throw .badRequest("a first-frame video takes one first_frame and at most one last_frame")
            }
            // First+last frame: "role required on both" (seedance-2.md §4).
            if content.lastFrames == 1, content.implicitFirstFrames > 0 {
                throw .badRequest("with a last_frame, the first image needs role first_frame")
            }
        case .reference:
            if content.referenceImages > rules.maxImages {
                throw .badRequest("\(rules.id) takes at most \(rules.maxImages) reference images")
            }
            if content.videos > rules.maxVideos { throw .badRequest("\(rules.id) takes at most \(rules.maxVideos) reference videos") }
            if content.audios > rules.maxAudios { throw .badRequest("\(rules.id) takes at most \(rules.maxAudios) reference audios") }
            if content.references > rules.maxReferences {
                throw .badRequest("\(rules.id) takes at most \(rules.maxReferences) reference items in all")
            }
            // "不可单独输入音频，应至少包含 1 个参考视频或图片" (2.0; seedance-2.md §4); 2.5 takes audio alone [DOCS-VIDEOS].
            if content.audios > 0, content.referenceImages + content.videos == 0, !rules.audioOnly {
                throw .badRequest("\(rules.id) needs a reference image or video beside reference audio")
            }
        }
    }

    /// The `url` of a media member, which must be the object form.
    private static func mediaURL(_ media: AceDataRequestMedia?, member: String) throws(AceDataAPIError) -> String {
        switch media {
        case .bareString?:
            // Documented for image_url [S003]; EMULATOR ASSUMPTION: the same for video_url and audio_url.
            throw .badRequest("content.\(member) must be an object {\"url\": \"...\"}, not a string")
        case .object(let url?)? where !url.isEmpty:
            return url
        default:
            throw .badRequest("content.\(member).url is required")
        }
    }

    private static func checkRole(
        _ role: String?, expected: String, member: String, options: AceDataSeedance2Options
    ) throws(AceDataAPIError) {
        if role == expected || (role == nil && options.allowsRolelessReferenceMedia) { return }
        throw .badRequest("content.role must be \(expected) for \(member)")
    }

    /// `data:<kind>/<format>;base64,<data>` with a lower-case format of `formats` (seedance-2.md §4).
    static func isDataURL(_ string: String, kind: String, formats: Set<String>) -> Bool {
        let prefix = "data:\(kind)/"
        guard string.hasPrefix(prefix), let marker = string.range(of: ";base64,") else { return false }
        let format = String(string[string.index(string.startIndex, offsetBy: prefix.count)..<marker.lowerBound])
        return formats.contains(format) && marker.upperBound < string.endIndex
    }

    /// A data URL's decoded size (base64: 3 bytes per 4 characters) must stay under the limit.
    private static func checkDataSize(_ url: String, member: String, limitMB: Int) throws(AceDataAPIError) {
        guard url.hasPrefix("data:"), let marker = url.range(of: ";base64,") else { return }
        let bytes = url.utf8.count - url[..<marker.upperBound].utf8.count
        if bytes / 4 * 3 > limitMB << 20 { throw .badRequest("content.\(member) must be at most \(limitMB) MB") }
    }
}
