/// A reference video or audio clip of a multimodal (Seedance 2.x) request.
public struct MediaInput: Sendable, Codable, Equatable {
    public var url: String
    public var role: MediaRole
    /// The clip's length, when the client knows it: the per-clip and total limits are then checked before sending.
    public var seconds: Double?

    public init(url: String, role: MediaRole = .reference, seconds: Double? = nil) {
        self.url = url
        self.role = role
        self.seconds = seconds
    }
}

/// Reference media have one role today; the field exists so that a future role is not a breaking change.
public enum MediaRole: String, Sendable, Codable, CaseIterable {
    case reference
}

/// Tools the model may use while generating.
public enum ToolType: String, Sendable, Codable, CaseIterable {
    /// The model may search the web to ground the prompt (Volcengine Ark, Seedance 2.x, text-only input).
    case webSearch = "web_search"
}

/// Seedance 2.5's declared kind of multimodal task.
public enum TaskType: String, Sendable, Codable, CaseIterable {
    case auto
    case reference
    case edit
    case extend
}

public enum OutputFormat: String, Sendable, Codable, CaseIterable {
    case mp4
    case mov
}
