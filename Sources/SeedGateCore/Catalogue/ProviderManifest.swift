import Foundation

/// The declarative description of one provider, read from `Providers/<id>/manifest.yaml`:
/// which models it serves under which upstream ids, what it can do with each, its limits and polling cadence.
public struct ProviderManifest: Sendable, Codable, Equatable {
    public var id: ProviderID
    public var displayName: String
    /// The provider's production base URL (configuration may override it).
    public var baseURL: String
    /// Credential name → environment variable SeedGate reads it from by default.
    public var credentials: [String: String]
    /// Whether the provider POSTs status changes to a `callback_url`.
    public var callbacks: Bool
    /// Which upstream states a task can be cancelled in.
    public var cancellableStatuses: [JobStatus]
    public var polling: PollingPolicy
    public var limits: Limits
    /// Inclusive seed range the provider accepts.
    public var seedRange: ClosedRangeValue
    public var models: [ModelOffering]
    /// Every status word the provider documents, and the job status SeedGate makes of it (its adapter must agree).
    public var statusWords: [String: JobStatus]?
    /// How the provider answers errors, and its documented error codes.
    public var errors: ErrorDialect?
    /// Wire choices the adapter reads (`ProviderContext.options`) where the documents allow two readings, e.g.
    /// Chanjing's `image_field`. The default is the stricter reading; a manifest (or a deployment's copy) can switch.
    public var options: [String: String]?

    public init(
        id: ProviderID, displayName: String, baseURL: String, credentials: [String: String], callbacks: Bool,
        cancellableStatuses: [JobStatus], polling: PollingPolicy, limits: Limits, seedRange: ClosedRangeValue, models: [ModelOffering],
        statusWords: [String: JobStatus]? = nil, errors: ErrorDialect? = nil, options: [String: String]? = nil
    ) {
        self.id = id
        self.displayName = displayName
        self.baseURL = baseURL
        self.credentials = credentials
        self.callbacks = callbacks
        self.cancellableStatuses = cancellableStatuses
        self.polling = polling
        self.limits = limits
        self.seedRange = seedRange
        self.models = models
        self.statusWords = statusWords
        self.errors = errors
        self.options = options
    }

    enum CodingKeys: String, CodingKey {
        case id, credentials, callbacks, polling, limits, models, errors, options
        case statusWords = "status_words"
        case displayName = "display_name"
        case baseURL = "base_url"
        case cancellableStatuses = "cancellable_statuses"
        case seedRange = "seed_range"
    }

    public func offering(for model: String) -> ModelOffering? { models.first { $0.name == model } }
}

/// How often to ask a provider about a task: soon for young tasks, slower as they age, never faster than `minInterval`.
public struct PollingPolicy: Sendable, Codable, Equatable {
    /// Seconds after acceptance before the first check.
    public var firstCheckAfter: Double
    public var minInterval: Double
    public var maxInterval: Double
    /// The interval grows as this fraction of the job's age, between the two bounds.
    public var ageFactor: Double
    /// Upstream status calls per minute this provider may receive from SeedGate.
    public var maxRequestsPerMinute: Int

    enum CodingKeys: String, CodingKey {
        case firstCheckAfter = "first_check_after"
        case minInterval = "min_interval"
        case maxInterval = "max_interval"
        case ageFactor = "age_factor"
        case maxRequestsPerMinute = "max_requests_per_minute"
    }

    public init(firstCheckAfter: Double, minInterval: Double, maxInterval: Double, ageFactor: Double, maxRequestsPerMinute: Int) {
        self.firstCheckAfter = firstCheckAfter
        self.minInterval = minInterval
        self.maxInterval = maxInterval
        self.ageFactor = ageFactor
        self.maxRequestsPerMinute = maxRequestsPerMinute
    }

    /// Seconds until the next check of a task that has been upstream for `age` seconds.
    public func interval(forAge age: Double) -> Double {
        min(maxInterval, max(minInterval, age * ageFactor))
    }
}

public struct Limits: Sendable, Codable, Equatable {
    /// Tasks created per minute.
    public var rpm: Int?
    /// Tasks in flight at once.
    public var concurrency: Int?

    public init(rpm: Int? = nil, concurrency: Int? = nil) {
        self.rpm = rpm
        self.concurrency = concurrency
    }
}

public struct ClosedRangeValue: Sendable, Codable, Equatable {
    public var min: Int64
    public var max: Int64

    public init(min: Int64, max: Int64) {
        self.min = min
        self.max = max
    }

    public func contains(_ value: Int64) -> Bool { value >= min && value <= max }
}

/// One model as one provider serves it.
public struct ModelOffering: Sendable, Codable, Equatable {
    /// SeedGate's canonical model name, e.g. `seedance-1.5-pro`.
    public var name: String
    /// The provider's id for the model.
    public var upstream: String
    public var capabilities: [Capability]
    public var resolutions: [String]
    public var defaultResolution: String
    public var ratios: [String]
    public var defaultRatio: DefaultRatio
    /// Whether `adaptive` is allowed without images.
    public var adaptiveTextToVideo: Bool
    public var durations: DurationRule
    public var referenceImages: Int?
    /// The value SeedGate sends for `generate_audio` when the client says nothing (audio-capable models only).
    public var defaultGenerateAudio: Bool?
    public var limits: Limits?
    /// Whether this provider needs a prompt for the model even where Seedance itself would take images alone.
    public var promptRequired: Bool?
    /// Which kinds of image URL this provider takes for the model (`https`, `http`, `data`); nil: all three.
    public var imageSources: [String]?
    /// The day (`YYYY-MM-DD`, UTC) from which the provider no longer serves the model: routing skips it from then on,
    /// `/v1/models` still shows it with this date, and a job that names it is refused with the alternatives.
    public var retiredFrom: String?
    /// Resolutions allowed with reference images; nil: all of `resolutions`.
    public var referenceResolutions: [String]?
    /// Ratios allowed with reference media; nil: all of `ratios`.
    public var referenceRatios: [String]?
    /// Ratios allowed with a first frame (or first + last frame); nil: all of `ratios` (2.5: adaptive only).
    public var frameRatios: [String]?
    /// Reference videos and audio the model takes (`multimodal_reference`), with their limits.
    public var referenceVideos: MediaRule?
    public var referenceAudios: MediaRule?
    /// Whether reference audio needs at least one image or video beside it (Seedance 2.0: "不可单独输入音频").
    public var audioNeedsVisual: Bool?
    /// false: the model takes no `service_tier` at all (Seedance 2.x runs online only and the documents say the
    /// parameter cannot be set), so none is written in or sent. nil: the tier is sent (`default` unless asked).
    public var takesServiceTier: Bool?
    /// Image formats the provider takes for the model, checked from a data: URL's media type or the URL's extension.
    public var imageFormats: [String]?
    /// Inclusive seed range for this model when it differs from the provider's `seed_range`.
    public var seedRange: ClosedRangeValue?
    /// Limits of their own at a resolution, applied besides the model's (Seedance 2.0 at 4k: RPM 15, concurrency 1).
    public var resolutionLimits: [String: Limits]?

    public init(
        name: String, upstream: String, capabilities: [Capability], resolutions: [String], defaultResolution: String, ratios: [String],
        defaultRatio: DefaultRatio, adaptiveTextToVideo: Bool, durations: DurationRule, referenceImages: Int?, defaultGenerateAudio: Bool?,
        limits: Limits?, promptRequired: Bool? = nil, imageSources: [String]? = nil, retiredFrom: String? = nil,
        referenceResolutions: [String]? = nil, referenceRatios: [String]? = nil, frameRatios: [String]? = nil,
        referenceVideos: MediaRule? = nil, referenceAudios: MediaRule? = nil, audioNeedsVisual: Bool? = nil, takesServiceTier: Bool? = nil,
        imageFormats: [String]? = nil,
        seedRange: ClosedRangeValue? = nil, resolutionLimits: [String: Limits]? = nil
    ) {
        self.name = name
        self.upstream = upstream
        self.capabilities = capabilities
        self.resolutions = resolutions
        self.defaultResolution = defaultResolution
        self.ratios = ratios
        self.defaultRatio = defaultRatio
        self.adaptiveTextToVideo = adaptiveTextToVideo
        self.durations = durations
        self.referenceImages = referenceImages
        self.defaultGenerateAudio = defaultGenerateAudio
        self.limits = limits
        self.promptRequired = promptRequired
        self.imageSources = imageSources
        self.retiredFrom = retiredFrom
        self.referenceResolutions = referenceResolutions
        self.referenceRatios = referenceRatios
        self.frameRatios = frameRatios
        self.referenceVideos = referenceVideos
        self.referenceAudios = referenceAudios
        self.audioNeedsVisual = audioNeedsVisual
        self.takesServiceTier = takesServiceTier
        self.imageFormats = imageFormats
        self.seedRange = seedRange
        self.resolutionLimits = resolutionLimits
    }

    enum CodingKeys: String, CodingKey {
        case name, upstream, capabilities, resolutions, ratios, durations, limits
        case defaultResolution = "default_resolution"
        case defaultRatio = "default_ratio"
        case adaptiveTextToVideo = "adaptive_text_to_video"
        case referenceImages = "reference_images"
        case defaultGenerateAudio = "default_generate_audio"
        case promptRequired = "prompt_required"
        case imageSources = "image_sources"
        case retiredFrom = "retired_from"
        case referenceResolutions = "reference_resolutions"
        case referenceRatios = "reference_ratios"
        case frameRatios = "frame_ratios"
        case referenceVideos = "reference_videos"
        case referenceAudios = "reference_audios"
        case audioNeedsVisual = "audio_needs_visual"
        case takesServiceTier = "service_tier"
        case imageFormats = "image_formats"
        case seedRange = "seed_range"
        case resolutionLimits = "resolution_limits"
    }

    /// The start (00:00 UTC) of `retired_from`; nil when the offering is not retired or the date does not parse.
    public var retirementDate: Date? {
        guard let retiredFrom else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.date(from: retiredFrom)
    }

    /// Whether the provider no longer serves the model at `date`.
    public func isRetired(at date: Date) -> Bool {
        retirementDate.map { date >= $0 } ?? false
    }

    /// The kind of a media URL as `image_sources` / `sources` name it: `data`, or the URL's scheme (`https`, `http`,
    /// `asset`).
    public static func imageSource(of url: String) -> String {
        if url.lowercased().hasPrefix("data:") { return "data" }
        return url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
    }

    public func supports(_ capability: Capability) -> Bool { capabilities.contains(capability) }
}

public struct DefaultRatio: Sendable, Codable, Equatable {
    public var textToVideo: String
    public var image: String
    public var referenceImages: String?

    enum CodingKeys: String, CodingKey {
        case textToVideo = "text_to_video"
        case image
        case referenceImages = "reference_images"
    }

    public init(textToVideo: String, image: String, referenceImages: String? = nil) {
        self.textToVideo = textToVideo
        self.image = image
        self.referenceImages = referenceImages
    }

    public func value(for scenario: Scenario) -> String {
        switch scenario {
        case .textToVideo: textToVideo
        case .firstFrame, .firstLastFrame: image
        case .referenceImages, .multimodalReference: referenceImages ?? textToVideo
        }
    }
}

/// Allowed durations in seconds: a range, or a list of values; `auto` allows `-1` (the model chooses).
public struct DurationRule: Sendable, Codable, Equatable {
    public var min: Int?
    public var max: Int?
    public var values: [Int]?
    public var auto: Bool?
    public var `default`: Int

    public init(min: Int? = nil, max: Int? = nil, values: [Int]? = nil, auto: Bool? = nil, default: Int) {
        self.min = min
        self.max = max
        self.values = values
        self.auto = auto
        self.default = `default`
    }

    public func allows(_ duration: Int) -> Bool {
        if duration == -1 { return auto ?? false }
        if let values { return values.contains(duration) }
        return duration >= (min ?? Int.min) && duration <= (max ?? Int.max)
    }

    public var summary: String {
        var text = values.map { "one of \($0.map(String.init).joined(separator: ", "))" } ?? "\(min ?? 0)–\(max ?? 0)"
        if auto == true { text += ", or -1 (the model chooses)" }
        return text
    }
}

/// What a model takes of one kind of reference media (videos or audio).
public struct MediaRule: Sendable, Codable, Equatable {
    /// How many items at most.
    public var max: Int
    /// Each clip's length in seconds, and all clips' together (checked where the client gives `seconds`).
    public var minSeconds: Double?
    public var maxSeconds: Double?
    public var totalSeconds: Double?
    /// File formats, checked from the URL's extension or a data: URL's media type where either names one.
    public var formats: [String]?
    /// URL kinds taken: `https`, `http`, `data`, `asset`.
    public var sources: [String]?

    public init(
        max: Int, minSeconds: Double? = nil, maxSeconds: Double? = nil, totalSeconds: Double? = nil, formats: [String]? = nil,
        sources: [String]? = nil
    ) {
        self.max = max
        self.minSeconds = minSeconds
        self.maxSeconds = maxSeconds
        self.totalSeconds = totalSeconds
        self.formats = formats
        self.sources = sources
    }

    enum CodingKeys: String, CodingKey {
        case max, formats, sources
        case minSeconds = "min_seconds"
        case maxSeconds = "max_seconds"
        case totalSeconds = "total_seconds"
    }
}
