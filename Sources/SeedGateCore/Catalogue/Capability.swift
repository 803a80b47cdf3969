/// What a provider can do with a model. Declared per provider and model in `Providers/<id>/manifest.yaml`.
public enum Capability: String, Sendable, Codable, CaseIterable, Comparable {
    case textToVideo = "text_to_video"
    case firstFrame = "first_frame"
    case firstLastFrame = "first_last_frame"
    case referenceImages = "reference_images"
    case audio
    case draft
    case lastFrame = "last_frame"
    case flex
    case frames
    case seed
    case cameraFixed = "camera_fixed"
    case watermark

    public init(_ scenario: Scenario) {
        switch scenario {
        case .textToVideo: self = .textToVideo
        case .firstFrame: self = .firstFrame
        case .firstLastFrame: self = .firstLastFrame
        case .referenceImages: self = .referenceImages
        }
    }

    public static func < (lhs: Capability, rhs: Capability) -> Bool { lhs.rawValue < rhs.rawValue }
}
