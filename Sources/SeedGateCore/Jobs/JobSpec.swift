/// What the client asked for, in SeedGate's own vocabulary. After validation it is normalised: the
/// defaults SeedGate applies are written in, so the job shows exactly what was sent upstream and a
/// change of provider cannot silently change the output.
public struct JobSpec: Sendable, Codable, Equatable {
    public var model: String
    public var prompt: String?
    public var images: [ImageInput]
    public var resolution: String?
    public var ratio: String?
    public var duration: Int?
    public var frames: Int?
    public var seed: Int64?
    public var cameraFixed: Bool?
    public var watermark: Bool?
    public var generateAudio: Bool?
    public var returnLastFrame: Bool?
    public var draft: Bool?
    public var draftJobID: String?
    public var serviceTier: ServiceTier?
    public var expiresAfter: Int?
    /// The provider the client asked for by name, when the configuration allows that.
    public var provider: String?

    public init(
        model: String, prompt: String? = nil, images: [ImageInput] = [], resolution: String? = nil,
        ratio: String? = nil, duration: Int? = nil, frames: Int? = nil, seed: Int64? = nil,
        cameraFixed: Bool? = nil, watermark: Bool? = nil, generateAudio: Bool? = nil,
        returnLastFrame: Bool? = nil, draft: Bool? = nil, draftJobID: String? = nil,
        serviceTier: ServiceTier? = nil, expiresAfter: Int? = nil, provider: String? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.images = images
        self.resolution = resolution
        self.ratio = ratio
        self.duration = duration
        self.frames = frames
        self.seed = seed
        self.cameraFixed = cameraFixed
        self.watermark = watermark
        self.generateAudio = generateAudio
        self.returnLastFrame = returnLastFrame
        self.draft = draft
        self.draftJobID = draftJobID
        self.serviceTier = serviceTier
        self.expiresAfter = expiresAfter
        self.provider = provider
    }

    /// The kind of generation the images imply; validation has already rejected mixed or malformed sets.
    public var scenario: Scenario {
        if images.isEmpty { return .textToVideo }
        if images.contains(where: { $0.role == .reference }) { return .referenceImages }
        return images.count == 2 ? .firstLastFrame : .firstFrame
    }

    public func image(_ role: ImageRole) -> ImageInput? { images.first { $0.role == role } }
}

public struct ImageInput: Sendable, Codable, Equatable {
    public var url: String
    public var role: ImageRole

    public init(url: String, role: ImageRole) {
        self.url = url
        self.role = role
    }
}

public enum ImageRole: String, Sendable, Codable, CaseIterable {
    case firstFrame = "first_frame"
    case lastFrame = "last_frame"
    case reference
}

public enum ServiceTier: String, Sendable, Codable, CaseIterable {
    case `default`
    case flex
}

/// The generation modes a request can be in, decided by its images.
public enum Scenario: String, Sendable, Codable {
    case textToVideo = "text_to_video"
    case firstFrame = "first_frame"
    case firstLastFrame = "first_last_frame"
    case referenceImages = "reference_images"
}
