import Foundation

/// Checks a request before any money is spent: first its shape (provider-independent), then against one
/// provider's offering of the model, which also fills in the defaults SeedGate applies.
public enum JobValidator {
    /// Checks that hold whatever the provider.
    public static func checkShape(_ spec: JobSpec, callbackURL: String?, metadata: [String: String]) throws(ValidationFailure) {
        if spec.model.isEmpty { throw .invalid("model", "is required") }
        if spec.model.count > RequestLimits.modelCharacters { throw .invalid("model", "is longer than \(RequestLimits.modelCharacters) characters") }
        if let provider = spec.provider, provider.isEmpty || provider.count > RequestLimits.providerCharacters {
            throw .invalid("provider", "must be a provider id of 1 to \(RequestLimits.providerCharacters) characters")
        }
        try checkPrompt(spec)
        try checkImages(spec.images)
        try checkReferenceMedia(spec)
        try checkDraftReference(spec)
        if spec.duration != nil, spec.frames != nil { throw .invalid("frames", "set duration or frames, not both") }
        if let frames = spec.frames, !RequestLimits.frames.contains(frames) || (frames - 25) % 4 != 0 {
            throw .invalid("frames", "must be 25 + 4n between 29 and 289 (29, 33, 37, …, 289)")
        }
        if let seed = spec.seed, seed < -1 { throw .invalid("seed", "must be -1 (random) or a non-negative integer") }
        if let priority = spec.priority, !RequestLimits.priority.contains(priority) {
            throw .invalid("priority", "must be an integer from 0 to 9")
        }
        if let identifier = spec.safetyIdentifier, identifier.isEmpty || identifier.count > RequestLimits.safetyIdentifierCharacters {
            throw .invalid(
                "safety_identifier", "must be 1 to \(RequestLimits.safetyIdentifierCharacters) characters (a hash of your user id is best)")
        }
        if let tools = spec.tools, !tools.isEmpty, !spec.images.isEmpty || spec.hasReferenceMedia || spec.draftJobID != nil {
            throw .invalid("tools", "web_search works with text-only input (no images, videos or audio)")
        }
        if let expiresAfter = spec.expiresAfter, !RequestLimits.expiresAfter.contains(expiresAfter) {
            throw .invalid("expires_after", "must be between 3600 and 259200 seconds")
        }
        if let callbackURL { try checkURL(callbackURL, field: "callback_url", data: nil) }
        try checkMetadata(metadata)
    }

    private static func checkPrompt(_ spec: JobSpec) throws(ValidationFailure) {
        if let prompt = spec.prompt {
            if prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw .invalid("prompt", "must not be empty") }
            if prompt.count > RequestLimits.promptCharacters {
                throw .invalid("prompt", "is longer than \(RequestLimits.promptCharacters) characters")
            }
        } else if spec.images.isEmpty, !spec.hasReferenceMedia, spec.draftJobID == nil {
            throw .invalid("prompt", "is required for text-to-video (no images given)")
        }
    }

    private static func checkImages(_ images: [ImageInput]) throws(ValidationFailure) {
        if images.count > RequestLimits.maxImages { throw .invalid("images", "at most \(RequestLimits.maxImages) images") }
        for (index, image) in images.enumerated() {
            try checkURL(image.url, field: "images[\(index)].url", data: .image, asset: true)
        }
        let roles = images.map(\.role)
        if roles.contains(.reference) {
            if let index = roles.firstIndex(where: { $0 != .reference }) {
                throw .invalid("images[\(index)].role", "reference images cannot be mixed with first_frame or last_frame")
            }
            return
        }
        switch roles.count {
        case 0: return
        case 1 where roles[0] == .firstFrame: return
        case 1: throw .invalid("images[0].role", "a last_frame needs a first_frame beside it")
        case 2 where Set(roles) == [.firstFrame, .lastFrame]: return
        case 2: throw .invalid("images", "two images must be one first_frame and one last_frame")
        default: throw .invalid("images", "first/last frame mode takes one or two images; use role reference for more")
        }
    }

    private static func checkDraftReference(_ spec: JobSpec) throws(ValidationFailure) {
        guard let draftJobID = spec.draftJobID else { return }
        if JobID(draftJobID) == nil { throw .invalid("draft_job_id", "is not a job id") }
        if spec.draft == true { throw .invalid("draft", "a job made from a draft cannot itself be a draft") }
        let reused: [(String, Bool)] = [
            ("prompt", spec.prompt != nil), ("images", !spec.images.isEmpty), ("ratio", spec.ratio != nil),
            ("duration", spec.duration != nil), ("frames", spec.frames != nil), ("seed", spec.seed != nil),
            ("generate_audio", spec.generateAudio != nil), ("camera_fixed", spec.cameraFixed != nil),
            ("videos", !spec.videos.isEmpty), ("audios", !spec.audios.isEmpty),
        ]
        if let field = reused.first(where: { $0.1 })?.0 {
            throw .invalid(field, "is taken from the draft when draft_job_id is set; leave it out")
        }
    }

    /// Reference videos and audio: counts, URLs (never inline video), lengths where given, no mix with exact frames,
    /// and all inline data together within `RequestLimits.inlineDataBytes`.
    private static func checkReferenceMedia(_ spec: JobSpec) throws(ValidationFailure) {
        if spec.videos.count > RequestLimits.maxVideos { throw .invalid("videos", "at most \(RequestLimits.maxVideos) reference videos") }
        if spec.audios.count > RequestLimits.maxAudios { throw .invalid("audios", "at most \(RequestLimits.maxAudios) reference audio clips") }
        var inline = spec.images.reduce(0) { $0 + DataURL.estimatedBytes(of: $1.url) }
        for (field, items) in [("videos", spec.videos), ("audios", spec.audios)] {
            for (index, item) in items.enumerated() {
                let path = "\(field)[\(index)]"
                if field == "videos", item.url.lowercased().hasPrefix("data:") {
                    throw .invalid("\(path).url", "a reference video must be an http(s) or asset:// URL; videos cannot be sent inline as data: URLs")
                }
                try checkURL(item.url, field: "\(path).url", data: field == "audios" ? .audio : nil, asset: true)
                inline += DataURL.estimatedBytes(of: item.url)
                if let seconds = item.seconds, !(seconds > 0 && seconds <= RequestLimits.mediaSeconds) {
                    throw .invalid("\(path).seconds", "must be the clip's length in seconds, above 0 and at most \(Int(RequestLimits.mediaSeconds))")
                }
            }
        }
        if inline > RequestLimits.inlineDataBytes {
            throw .invalid(
                "images", "inline data: URLs add up to more than \(RequestLimits.inlineDataBytes / 1024 / 1024) MiB; send large media by URL")
        }
        if spec.hasReferenceMedia, let index = spec.images.firstIndex(where: { $0.role != .reference }) {
            throw .invalid(
                "images[\(index)].role",
                "first_frame and last_frame cannot be combined with reference videos or audio; give the image role reference and say in the prompt that it is the first frame"
            )
        }
    }

    /// An http(s) URL; where `asset`, also an `asset://` id (a provider's preset or authorised asset); where `data` is
    /// given, also an inline data: URL of that kind.
    static func checkURL(_ url: String, field: String, data: DataURL.Kind?, asset: Bool = false) throws(ValidationFailure) {
        if url.isEmpty { throw .invalid(field, "must not be empty") }
        if let data, url.hasPrefix("data:") {
            try DataURL.check(url, field: field, kind: data)
            return
        }
        if url.count > RequestLimits.urlCharacters { throw .invalid(field, "is longer than \(RequestLimits.urlCharacters) characters") }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw .invalid(field, urlShape(data, asset: asset))
        }
        if scheme == "asset", asset, let host = components.host, !host.isEmpty { return }
        guard scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw .invalid(field, urlShape(data, asset: asset))
        }
    }

    private static func urlShape(_ data: DataURL.Kind?, asset: Bool) -> String {
        var kinds = ["an http(s) URL"]
        if asset { kinds.append("an asset:// id") }
        if let data { kinds.append("a data:\(data.rawValue)/…;base64 URL") }
        return "must be " + (kinds.count == 1 ? kinds[0] : kinds.dropLast().joined(separator: ", ") + " or " + kinds.last!)
    }

    private static func checkMetadata(_ metadata: [String: String]) throws(ValidationFailure) {
        if metadata.count > RequestLimits.metadataPairs { throw .invalid("metadata", "at most \(RequestLimits.metadataPairs) keys") }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            if key.isEmpty || key.count > RequestLimits.metadataKeyCharacters {
                throw .invalid("metadata", "keys must be 1 to \(RequestLimits.metadataKeyCharacters) characters")
            }
            if value.count > RequestLimits.metadataValueCharacters {
                throw .invalid("metadata.\(key)", "is longer than \(RequestLimits.metadataValueCharacters) characters")
            }
        }
    }
}
