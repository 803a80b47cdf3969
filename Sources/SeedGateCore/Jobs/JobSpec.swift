/// What the client asked for, in SeedGate's own vocabulary. After validation it is normalised: the
/// defaults SeedGate applies are written in, so the job shows exactly what was sent upstream and a
/// change of provider cannot silently change the output.
public struct JobSpec: Sendable, Codable, Equatable {
    public var model: String
    public var prompt: String?
    public var images: [ImageInput]
    /// Reference videos and audio (Seedance 2.x multimodal reference). The prompt names media by type and position
    /// ("[Image 1]", "[Video 1]", "[Audio 1]"); SeedGate passes it through untouched.
    public var videos: [MediaInput]
    public var audios: [MediaInput]
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
    /// Queue priority among the account's queued tasks, 0–9 (Seedance 2.x).
    public var priority: Int?
    /// A stable, non-identifying id of the end user (≤ 64 characters), for the provider's abuse checks.
    public var safetyIdentifier: String?
    public var tools: [ToolType]?
    /// Seedance 2.5's declared task (`auto`, `reference`, `edit`, `extend`).
    public var taskType: TaskType?
    public var outputFormat: OutputFormat?
    /// The provider the client asked for by name, when the configuration allows that.
    public var provider: String?

    public init(
        model: String, prompt: String? = nil, images: [ImageInput] = [], resolution: String? = nil,
        ratio: String? = nil, duration: Int? = nil, frames: Int? = nil, seed: Int64? = nil,
        cameraFixed: Bool? = nil, watermark: Bool? = nil, generateAudio: Bool? = nil,
        returnLastFrame: Bool? = nil, draft: Bool? = nil, draftJobID: String? = nil,
        serviceTier: ServiceTier? = nil, expiresAfter: Int? = nil, provider: String? = nil,
        videos: [MediaInput] = [], audios: [MediaInput] = [], priority: Int? = nil, safetyIdentifier: String? = nil,
        tools: [ToolType]? = nil, taskType: TaskType? = nil, outputFormat: OutputFormat? = nil
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
        self.videos = videos
        self.audios = audios
        self.priority = priority
        self.safetyIdentifier = safetyIdentifier
        self.tools = tools
        self.taskType = taskType
        self.outputFormat = outputFormat
    }

    /// Jobs stored before a field existed decode with it absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            model: try c.decode(String.self, forKey: .model), prompt: try c.decodeIfPresent(String.self, forKey: .prompt),
            images: try c.decodeIfPresent([ImageInput].self, forKey: .images) ?? [],
            resolution: try c.decodeIfPresent(String.self, forKey: .resolution), ratio: try c.decodeIfPresent(String.self, forKey: .ratio),
            duration: try c.decodeIfPresent(Int.self, forKey: .duration), frames: try c.decodeIfPresent(Int.self, forKey: .frames),
            seed: try c.decodeIfPresent(Int64.self, forKey: .seed), cameraFixed: try c.decodeIfPresent(Bool.self, forKey: .cameraFixed),
            watermark: try c.decodeIfPresent(Bool.self, forKey: .watermark),
            generateAudio: try c.decodeIfPresent(Bool.self, forKey: .generateAudio),
            returnLastFrame: try c.decodeIfPresent(Bool.self, forKey: .returnLastFrame), draft: try c.decodeIfPresent(Bool.self, forKey: .draft),
            draftJobID: try c.decodeIfPresent(String.self, forKey: .draftJobID),
            serviceTier: try c.decodeIfPresent(ServiceTier.self, forKey: .serviceTier),
            expiresAfter: try c.decodeIfPresent(Int.self, forKey: .expiresAfter), provider: try c.decodeIfPresent(String.self, forKey: .provider),
            videos: try c.decodeIfPresent([MediaInput].self, forKey: .videos) ?? [],
            audios: try c.decodeIfPresent([MediaInput].self, forKey: .audios) ?? [],
            priority: try c.decodeIfPresent(Int.self, forKey: .priority),
            safetyIdentifier: try c.decodeIfPresent(String.self, forKey: .safetyIdentifier),
            tools: try c.decodeIfPresent([ToolType].self, forKey: .tools), taskType: try c.decodeIfPresent(TaskType.self, forKey: .taskType),
            outputFormat: try c.decodeIfPresent(OutputFormat.self, forKey: .outputFormat)
        )
    }

    /// The kind of generation the media imply; validation has already rejected mixed or malformed sets.
    public var scenario: Scenario {
        if !videos.isEmpty || !audios.isEmpty { return .multimodalReference }
        if images.isEmpty { return .textToVideo }
        if images.contains(where: { $0.role == .reference }) { return .referenceImages }
        return images.count == 2 ? .firstLastFrame : .firstFrame
    }

    /// Whether any reference video or audio is given (only Seedance 2.x takes them).
    public var hasReferenceMedia: Bool { !videos.isEmpty || !audios.isEmpty }

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

/// The generation modes a request can be in, decided by its media.
public enum Scenario: String, Sendable, Codable {
    case textToVideo = "text_to_video"
    case firstFrame = "first_frame"
    case firstLastFrame = "first_last_frame"
    /// Reference images only.
    case referenceImages = "reference_images"
    /// Reference videos and/or audio, with or without reference images (Seedance 2.x).
    case multimodalReference = "multimodal_reference"
}
