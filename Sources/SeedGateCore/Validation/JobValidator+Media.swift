/// The offering-level checks of a request's media: which kinds a provider takes for the model, how many, how long,
/// in which formats and from which kinds of URL.
extension JobValidator {
    /// URL kinds an offering takes for images when its manifest names none: an `asset://` id is a provider's own
    /// asset library, so it must be listed explicitly.
    static let defaultImageSources = ["https", "http", "data"]

    static func checkMedia(_ spec: JobSpec, offering: ModelOffering, manifest: ProviderManifest) throws(ValidationFailure) {
        let model = offering.name
        let sources = offering.imageSources ?? defaultImageSources
        for (index, image) in spec.images.enumerated() {
            try checkSource(image.url, field: "images[\(index)].url", sources: sources, what: "image", model: model, provider: manifest.id)
            if let formats = offering.imageFormats, let format = DataURL.format(of: image.url), !formats.contains(format) {
                throw .invalid("images[\(index)].url", "\(format) images are not taken by \(model); use \(formats.joined(separator: ", "))")
            }
        }
        let references = spec.images.filter { $0.role == .reference }.count
        if let limit = offering.referenceImages, references > limit {
            throw .invalid("images", "\(model) takes at most \(limit) reference images")
        }
        try checkClips(spec.videos, field: "videos", rule: offering.referenceVideos, what: "reference videos", offering: offering, manifest: manifest)
        try checkClips(spec.audios, field: "audios", rule: offering.referenceAudios, what: "reference audio", offering: offering, manifest: manifest)
        if offering.audioNeedsVisual == true, !spec.audios.isEmpty, spec.images.isEmpty, spec.videos.isEmpty {
            throw .invalid("audios", "\(model) takes reference audio only together with at least one reference image or video")
        }
    }

    private static func checkClips(
        _ clips: [MediaInput], field: String, rule: MediaRule?, what: String, offering: ModelOffering, manifest: ProviderManifest
    ) throws(ValidationFailure) {
        guard !clips.isEmpty else { return }
        guard let rule, offering.supports(.multimodalReference) else {
            throw .unsupported(field, "\(what) are not offered for \(offering.name) by \(manifest.id)")
        }
        if clips.count > rule.max { throw .invalid(field, "\(offering.name) takes at most \(rule.max) \(what)") }
        var total = 0.0
        for (index, clip) in clips.enumerated() {
            let path = "\(field)[\(index)]"
            try checkSource(
                clip.url, field: "\(path).url", sources: rule.sources ?? ["https", "http"], what: String(what.dropFirst("reference ".count)),
                model: offering.name, provider: manifest.id)
            if let formats = rule.formats, let format = DataURL.format(of: clip.url), !formats.contains(format) {
                throw .invalid("\(path).url", "\(format) is not a format \(offering.name) takes for \(what); use \(formats.joined(separator: ", "))")
            }
            guard let seconds = clip.seconds else { continue }
            total += seconds
            if let min = rule.minSeconds, seconds < min {
                throw .invalid("\(path).seconds", "each clip must be at least \(secondsText(min)) s on \(offering.name)")
            }
            if let max = rule.maxSeconds, seconds > max {
                throw .invalid("\(path).seconds", "each clip must be at most \(secondsText(max)) s on \(offering.name)")
            }
        }
        if let limit = rule.totalSeconds, total > limit {
            throw .invalid(field, "\(what) add up to \(secondsText(total)) s; \(offering.name) takes at most \(secondsText(limit)) s in all")
        }
    }

    private static func checkSource(
        _ url: String, field: String, sources: [String], what: String, model: String, provider: ProviderID
    ) throws(ValidationFailure) {
        let source = ModelOffering.imageSource(of: url)
        guard sources.contains(source) else {
            let allowed = sources.map { $0 == "data" ? "data:" : "\($0)://" }.joined(separator: " or ")
            throw .unsupported(
                field, "\(provider) takes \(allowed) \(what) URLs for \(model), not \(source == "data" ? "data:" : "\(source)://") URLs")
        }
    }

    private static func secondsText(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
