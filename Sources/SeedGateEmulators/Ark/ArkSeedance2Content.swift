import Foundation

/// The `content[]` of a Seedance 2.x request (seedance-2.md §4, seedance-2.md §5): one text, images with a role, reference videos
/// and audios, or a draft task, sorted into one of the three scenarios that "不可混用" (cannot be mixed).
struct ArkSeedance2Content {
    enum Scenario: Equatable {
        case textToVideo
        case firstFrame
        case firstLastFrame
        /// Any `reference_image`, `reference_video` or `reference_audio` item.
        case references
    }

    var text: String?
    var images: [ArkTaskSpec.Image] = []
    var videos: [String] = []
    var audios: [String] = []
    var draftTaskID: String?

    static let imageRoles: Set<String> = ["first_frame", "last_frame", "reference_image"]
    /// EMULATOR ASSUMPTION (seedance-2.md §4, seedance-2.md §5): `data:audio/<fmt>;base64,…` takes the documented file formats, lower-case.
    static let audioFormats: Set<String> = ["wav", "mp3"]

    /// Reads the items; each refusal names the field as Ark's `param` does.
    init(_ items: [ArkContentItem]) throws(ArkAPIError) {
        var texts: [String] = []
        for item in items {
            switch item.type {
            case nil: throw .missingParameter("content.type")
            case "text":
                guard let text = item.text else { throw .missingParameter("content.text") }
                texts.append(text)
            case "image_url":
                guard let url = item.imageURL?.url else { throw .missingParameter("content.image_url.url") }
                if !Self.isAsset(url) { try ArkValidation.checkImageURL(url) }
                // EMULATOR ASSUMPTION (seedance-2.md §5, seedance-2.md §17 (conflict 4)): heic/heif came to 2.0 only in later pages; the strict reading refuses them
                // (checkable for inline images only).
                if url.hasPrefix("data:image/heic") || url.hasPrefix("data:image/heif") {
                    throw .invalidImageURL("InvalidFormat", "heic and heif images are not supported by the Seedance 2.x models")
                }
                if let role = item.role, !Self.imageRoles.contains(role) {
                    throw .invalidParameter("content.role", "an image_url item takes first_frame, last_frame or reference_image")
                }
                images.append(.init(url: url, role: item.role))
            case "video_url":
                let url = try Self.mediaURL(item.videoURL, role: item.role, kind: "video")
                // seedance-2.md §4, seedance-2.md §5: "video is URL or asset only" — no base64.
                if url.hasPrefix("data:") {
                    throw .invalidParameter("content.video_url.url", "a video cannot be sent inline (data:); use an http(s) or asset:// URL")
                }
                guard ArkValidation.isWebURL(url) || Self.isAsset(url) else {
                    throw .invalidParameter("content.video_url.url", "must be an http(s) URL or asset://<ASSET_ID>")
                }
                videos.append(url)
            case "audio_url":
                let url = try Self.mediaURL(item.audioURL, role: item.role, kind: "audio")
                guard ArkValidation.isWebURL(url) || Self.isAsset(url) || Self.isDataAudio(url) else {
                    throw .invalidParameter(
                        "content.audio_url.url", "must be an http(s) URL, asset://<ASSET_ID> or data:audio/<wav|mp3>;base64,<data>")
                }
                audios.append(url)
            case "draft_task":
                guard let id = item.draftTask?.id, !id.isEmpty else { throw .missingParameter("content.draft_task.id") }
                draftTaskID = id
            case let other?:
                throw .invalidParameter("content.type", "\(other) is not supported; use text, image_url, video_url, audio_url or draft_task")
            }
        }
        if texts.count > 1 { throw .invalidParameter("content", "at most one text item is allowed") }
        if let text = texts.first, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .invalidParameter("content.text", "must not be empty")
        }
        text = texts.first
    }

    /// The URL of a `video_url`/`audio_url` item, whose role must be `reference_<kind>` (seedance-2.md §4: the only role).
    private static func mediaURL(_ object: ArkContentItem.URLObject?, role: String?, kind: String) throws(ArkAPIError) -> String {
        guard let url = object?.url else { throw .missingParameter("content.\(kind)_url.url") }
        if url.isEmpty { throw .invalidParameter("content.\(kind)_url.url", "must not be empty") }
        guard let role else { throw .missingParameter("content.role") }
        guard role == "reference_\(kind)" else { throw .invalidParameter("content.role", "a \(kind)_url item takes the role reference_\(kind)") }
        return url
    }

    /// `asset://<ASSET_ID>`: a preset or authorised asset (seedance-2.md §4, seedance-2.md §10).
    static func isAsset(_ url: String) -> Bool { url.hasPrefix("asset://") && url.count > "asset://".count }

    private static func isDataAudio(_ url: String) -> Bool {
        let header = url.prefix { $0 != "," }
        let format = header.dropFirst("data:audio/".count).prefix { $0 != ";" }
        return header.hasPrefix("data:audio/") && header.hasSuffix(";base64") && audioFormats.contains(String(format))
            && url.count > header.count + 1
    }

    /// The scenario, checked against the model's counts (seedance-2.md §4, seedance-2.md §5).
    func scenario(_ rules: ArkModelRules, _ seedance2: ArkSeedance2Rules) throws(ArkAPIError) -> Scenario {
        let frames = images.filter { $0.role != "reference_image" }
        let references = images.count - frames.count
        if references > 0 || !videos.isEmpty || !audios.isEmpty {
            guard frames.isEmpty else {
                throw .invalidParameter(
                    "content.role", "first_frame and last_frame cannot be mixed with reference_image, reference_video or reference_audio")
            }
            guard references <= seedance2.maxImages else {
                throw .invalidParameter("content", "\(rules.id) takes 1 to \(seedance2.maxImages) reference images")
            }
            guard videos.count <= seedance2.maxVideos else {
                throw .invalidParameter("content", "\(rules.id) takes at most \(seedance2.maxVideos) reference videos")
            }
            guard audios.count <= seedance2.maxAudios else {
                throw .invalidParameter("content", "\(rules.id) takes at most \(seedance2.maxAudios) reference audios")
            }
            if references == 0, videos.isEmpty, !seedance2.audioOnly {
                throw .invalidParameter("content", "\(rules.id) cannot take audio alone; add a reference image or video")
            }
            return .references
        }
        switch frames.count {
        case 0:
            guard text != nil else { throw .invalidParameter("content", "text-to-video needs a text item") }
            return .textToVideo
        case 1:
            guard frames[0].role != "last_frame" else { throw .invalidParameter("content.role", "a last_frame needs a first_frame") }
            return .firstFrame
        case 2:
            guard frames[0].role != nil, frames[1].role != nil, Set(frames.map(\.role)) == ["first_frame", "last_frame"] else {
                throw .invalidParameter("content.role", "two images need the roles first_frame and last_frame")
            }
            return .firstLastFrame
        default:
            throw .invalidParameter("content", "more than two images are only accepted as reference_image")
        }
    }
}
