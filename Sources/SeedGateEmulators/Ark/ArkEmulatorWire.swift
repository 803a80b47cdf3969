import Foundation

/// `POST /contents/generations/tasks` body as Ark reads it. Every field is optional here so that missing and
/// `null` fields (the official SDK sends `null` for anything unset) read alike; validation decides what is
/// required. Unknown fields are ignored. Encoding it (sorted keys) gives a canonical form of the request.
struct ArkCreateTaskBody: Codable {
    var model: String?
    var content: [ArkContentItem]?
    var callbackURL: String?
    var returnLastFrame: Bool?
    var serviceTier: String?
    var executionExpiresAfter: Int?
    var generateAudio: Bool?
    var draft: Bool?
    var resolution: String?
    var ratio: String?
    var duration: Int?
    var frames: Int?
    var seed: Int64?
    var cameraFixed: Bool?
    var watermark: Bool?
    // Seedance 2.x (seedance-2.md §3). `priority` is read as a number so that a fraction is refused naming the field.
    var safetyIdentifier: String?
    var priority: Double?
    var tools: [ArkTool]?
    var omniReferenceTaskType: String?
    var outputFormat: String?

    enum CodingKeys: String, CodingKey {
        case model, content, draft, resolution, ratio, duration, frames, seed, watermark, priority, tools
        case safetyIdentifier = "safety_identifier"
        case omniReferenceTaskType = "omni_reference_task_type"
        case outputFormat = "output_format"
        case callbackURL = "callback_url"
        case returnLastFrame = "return_last_frame"
        case serviceTier = "service_tier"
        case executionExpiresAfter = "execution_expires_after"
        case generateAudio = "generate_audio"
        case cameraFixed = "camera_fixed"
    }
}

struct ArkContentItem: Codable {
    var type: String?
    var text: String?
    var imageURL: URLObject?
    var role: String?
    var draftTask: DraftReference?
    /// Seedance 2.x reference media (seedance-2.md §4).
    var videoURL: URLObject?
    var audioURL: URLObject?

    struct URLObject: Codable { var url: String? }
    struct DraftReference: Codable { var id: String? }

    enum CodingKeys: String, CodingKey {
        case type, text, role
        case imageURL = "image_url"
        case draftTask = "draft_task"
        case videoURL = "video_url"
        case audioURL = "audio_url"
    }
}

/// One `tools[]` entry: `{"type":"web_search"}` is the only one (seedance-2.md §9).
struct ArkTool: Codable, Equatable {
    var type: String?
}

/// The task object of get, list and callbacks. `error` is always present (`null` unless failed); the output
/// fields appear only once the task has succeeded.
struct ArkTaskObject: Encodable {
    var id: String
    var model: String
    var status: String
    var error: ArkTaskError?
    var content: Content?
    var usage: Usage?
    var createdAt: Int
    var updatedAt: Int
    var seed: Int64?
    var resolution: String?
    var ratio: String?
    var duration: Int?
    var frames: Int?
    var framesPerSecond: Int?
    var generateAudio: Bool?
    var draft: Bool?
    var draftTaskID: String?
    var serviceTier: String
    var executionExpiresAfter: Int
    // Seedance 2.x (seedance-2.md §11).
    var priority: Int?
    var safetyIdentifier: String?
    var tools: [ArkTool]?
    var outputFormat: String?

    struct Content: Encodable {
        var videoURL: String
        var lastFrameURL: String?
        enum CodingKeys: String, CodingKey {
            case videoURL = "video_url"
            case lastFrameURL = "last_frame_url"
        }
    }

    struct Usage: Encodable {
        var completionTokens: Int
        var totalTokens: Int
        /// Only when web search was enabled (seedance-2.md §9).
        var toolUsage: ToolUsage?
        enum CodingKeys: String, CodingKey {
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
            case toolUsage = "tool_usage"
        }
    }

    struct ToolUsage: Encodable {
        var webSearch: Int
        enum CodingKeys: String, CodingKey { case webSearch = "web_search" }
    }

    enum CodingKeys: String, CodingKey {
        case id, model, status, error, content, usage, seed, resolution, ratio, duration, frames, draft, priority, tools
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case framesPerSecond = "framespersecond"
        case generateAudio = "generate_audio"
        case draftTaskID = "draft_task_id"
        case serviceTier = "service_tier"
        case executionExpiresAfter = "execution_expires_after"
        case safetyIdentifier = "safety_identifier"
        case outputFormat = "output_format"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(model, forKey: .model)
        try container.encode(status, forKey: .status)
        try container.encode(error, forKey: .error)
        try container.encodeIfPresent(content, forKey: .content)
        try container.encodeIfPresent(usage, forKey: .usage)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encodeIfPresent(seed, forKey: .seed)
        try container.encodeIfPresent(resolution, forKey: .resolution)
        try container.encodeIfPresent(ratio, forKey: .ratio)
        try container.encodeIfPresent(duration, forKey: .duration)
        try container.encodeIfPresent(frames, forKey: .frames)
        try container.encodeIfPresent(framesPerSecond, forKey: .framesPerSecond)
        try container.encodeIfPresent(generateAudio, forKey: .generateAudio)
        try container.encodeIfPresent(draft, forKey: .draft)
        try container.encodeIfPresent(draftTaskID, forKey: .draftTaskID)
        try container.encode(serviceTier, forKey: .serviceTier)
        try container.encode(executionExpiresAfter, forKey: .executionExpiresAfter)
        try container.encodeIfPresent(priority, forKey: .priority)
        try container.encodeIfPresent(safetyIdentifier, forKey: .safetyIdentifier)
        try container.encodeIfPresent(tools, forKey: .tools)
        try container.encodeIfPresent(outputFormat, forKey: .outputFormat)
    }
}

struct ArkTaskError: Encodable {
    var code: String
    var message: String
}

struct ArkCreatedTask: Encodable {
    var id: String
}

struct ArkTaskList: Encodable {
    var items: [ArkTaskObject]
    var total: Int
}

/// Ark's error envelope: `{"error":{"code","message","param","type"}}`.
struct ArkErrorBody: Encodable {
    var error: Detail

    struct Detail: Encodable {
        var code: String
        var message: String
        var param: String
        var type: String
    }
}
