/// What a provider can do with a model. Declared per provider and model in `Providers/<id>/manifest.yaml`.
public enum Capability: String, Sendable, Codable, CaseIterable, Comparable {
    case textToVideo = "text_to_video"
    case firstFrame = "first_frame"
    case firstLastFrame = "first_last_frame"
    case referenceImages = "reference_images"
    /// Reference videos and/or audio beside reference images (Seedance 2.x); the limits are the offering's
    /// `reference_videos` / `reference_audios`.
    case multimodalReference = "multimodal_reference"
    case audio
    case draft
    case lastFrame = "last_frame"
    case flex
    case frames
    case seed
    case cameraFixed = "camera_fixed"
    case watermark
    /// `tools: [{type: web_search}]`.
    case webSearch = "web_search"
    case priority
    case safetyIdentifier = "safety_identifier"
    /// `task_type` (Seedance 2.5's `omni_reference_task_type`).
    case taskType = "task_type"
    case outputFormat = "output_format"

    public init(_ scenario: Scenario) {
        switch scenario {
        case .textToVideo: self = .textToVideo
        case .firstFrame: self = .firstFrame
        case .firstLastFrame: self = .firstLastFrame
        case .referenceImages: self = .referenceImages
        case .multimodalReference: self = .multimodalReference
        }
    }

    public static func < (lhs: Capability, rhs: Capability) -> Bool { lhs.rawValue < rhs.rawValue }
}
