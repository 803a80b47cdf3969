import Foundation

// The Ark task API's JSON, field for field as on the wire (facts: docs/providers/volcengine-ark.md,
// [REF-CREATE] [REF-GET] [REF-LIST] [REF-ERR]). Requests encode an optional only when it is set, so an
// explicit `false` or `0` reaches Ark while an absent field stays absent. Responses are read tolerantly:
// only a task's `id` and `status` are required; any other field that is missing, null or of an unexpected
// type reads as absent, and unknown fields are ignored.

/// Body of `POST /api/v3/contents/generations/tasks`.
struct ArkCreateTaskBody: Codable, Equatable, Sendable {
    var model: String
    var content: [ArkContentItem]
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
    // Seedance 2.x. [ARK-REF-A] [ARK-REF-25] (seedance-2.md §3)
    var priority: Int?
    var safetyIdentifier: String?
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

/// `{"type": "web_search"}`, the one tool Ark documents. [ARK-REF-A] (seedance-2.md §9)
struct ArkTool: Codable, Equatable, Sendable {
    var type: String
}

/// One `content[]` item: `text`, `image_url` (with a `role`), `video_url` / `audio_url` (2.x, roles
/// `reference_video` / `reference_audio`) or `draft_task`. [SDK-VOLC create_task_content_param.py] (seedance-2.md §4)
struct ArkContentItem: Codable, Equatable, Sendable {
    var type: String
    var text: String?
    var imageURL: ArkURL?
    var videoURL: ArkURL?
    var audioURL: ArkURL?
    var role: String?
    var draftTask: ArkTaskReference?

    enum CodingKeys: String, CodingKey {
        case type, text, role
        case imageURL = "image_url"
        case videoURL = "video_url"
        case audioURL = "audio_url"
        case draftTask = "draft_task"
    }

    static func video(url: String) -> ArkContentItem {
        ArkContentItem(type: "video_url", videoURL: ArkURL(url: url), role: "reference_video")
    }

    static func audio(url: String) -> ArkContentItem {
        ArkContentItem(type: "audio_url", audioURL: ArkURL(url: url), role: "reference_audio")
    }

    static func text(_ text: String) -> ArkContentItem { ArkContentItem(type: "text", text: text) }

    static func image(url: String, role: String) -> ArkContentItem {
        ArkContentItem(type: "image_url", imageURL: ArkURL(url: url), role: role)
    }

    static func draftTask(id: String) -> ArkContentItem {
        ArkContentItem(type: "draft_task", draftTask: ArkTaskReference(id: id))
    }
}

struct ArkURL: Codable, Equatable, Sendable {
    var url: String
}

/// `{"id": "cgt-…"}`: the create response, and the `draft_task` reference.
struct ArkTaskReference: Codable, Equatable, Sendable {
    var id: String
}

/// A task as `GET …/tasks/{id}` returns it, as list items carry it, and as callbacks deliver it.
struct ArkTask: Codable, Equatable, Sendable {
    var id: String
    var status: String
    var model: String?
    var error: ArkTaskError?
    var content: ArkTaskContent?
    var usage: ArkUsage?
    var createdAt: Int64?
    var updatedAt: Int64?
    var seed: Int64?
    var resolution: String?
    var ratio: String?
    var duration: Int?
    var frames: Int?
    var framesPerSecond: Int?
    var generateAudio: Bool?
    var draft: Bool?
    var draftTaskID: String?
    var serviceTier: String?
    var executionExpiresAfter: Int?
    var priority: Int?
    var safetyIdentifier: String?
    /// Only the tools the model actually used. [ARK-REF-A] (seedance-2.md §9)
    var tools: [ArkTool]?
    var outputFormat: String?

    enum CodingKeys: String, CodingKey {
        case id, status, model, error, content, usage, seed, resolution, ratio, duration, frames, draft, priority, tools
        case safetyIdentifier = "safety_identifier"
        case outputFormat = "output_format"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case framesPerSecond = "framespersecond"
        case generateAudio = "generate_audio"
        case draftTaskID = "draft_task_id"
        case serviceTier = "service_tier"
        case executionExpiresAfter = "execution_expires_after"
    }

    init(id: String, status: String) {
        self.id = id
        self.status = status
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        status = try container.decode(String.self, forKey: .status)
        model = container.lenient(.model)
        error = container.lenient(.error)
        content = container.lenient(.content)
        usage = container.lenient(.usage)
        createdAt = container.lenient(.createdAt)
        updatedAt = container.lenient(.updatedAt)
        seed = container.lenient(.seed)
        resolution = container.lenient(.resolution)
        ratio = container.lenient(.ratio)
        duration = container.lenient(.duration)
        frames = container.lenient(.frames)
        framesPerSecond = container.lenient(.framesPerSecond)
        generateAudio = container.lenient(.generateAudio)
        draft = container.lenient(.draft)
        draftTaskID = container.lenient(.draftTaskID)
        serviceTier = container.lenient(.serviceTier)
        executionExpiresAfter = container.lenient(.executionExpiresAfter)
        priority = container.lenient(.priority)
        safetyIdentifier = container.lenient(.safetyIdentifier)
        tools = container.lenient(.tools)
        outputFormat = container.lenient(.outputFormat)
    }
}

/// A task's `content`: the result files (signed URLs, kept 24 h).
struct ArkTaskContent: Codable, Equatable, Sendable {
    var videoURL: String?
    var lastFrameURL: String?

    enum CodingKeys: String, CodingKey {
        case videoURL = "video_url"
        case lastFrameURL = "last_frame_url"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        videoURL = container.lenient(.videoURL)
        lastFrameURL = container.lenient(.lastFrameURL)
    }
}

/// `usage`: `completion_tokens` is the billing basis (2.0 bills at least its minimum), `total_tokens` equals it, and
/// `tool_usage.web_search` counts searches where web search was enabled. [ARK-REF-A] (seedance-2.md §11)
struct ArkUsage: Codable, Equatable, Sendable {
    var completionTokens: Int?
    var totalTokens: Int?
    var toolUsage: ArkToolUsage?

    enum CodingKeys: String, CodingKey {
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
        case toolUsage = "tool_usage"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        completionTokens = container.lenient(.completionTokens)
        totalTokens = container.lenient(.totalTokens)
        toolUsage = container.lenient(.toolUsage)
    }
}

struct ArkToolUsage: Codable, Equatable, Sendable {
    var webSearch: Int?

    enum CodingKeys: String, CodingKey {
        case webSearch = "web_search"
    }

    init(from decoder: any Decoder) throws {
        webSearch = try decoder.container(keyedBy: CodingKeys.self).lenient(.webSearch)
    }
}

/// A failed task's `error`; `null` otherwise.
struct ArkTaskError: Codable, Equatable, Sendable {
    var code: String?
    var message: String?

    init(code: String? = nil, message: String? = nil) {
        self.code = code
        self.message = message
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = container.lenient(.code)
        message = container.lenient(.message)
    }
}

/// `GET …/tasks?…`: `{"items": [task…], "total": n}`.
struct ArkTaskList: Codable, Equatable, Sendable {
    var items: [ArkTask]?
    var total: Int?
}

/// An HTTP error body: `{"error": {"code", "message", "param", "type"}}`.
struct ArkErrorEnvelope: Codable, Equatable, Sendable {
    var error: ArkErrorDetail?

    init(from decoder: any Decoder) throws {
        error = try decoder.container(keyedBy: CodingKeys.self).lenient(.error)
    }
}

struct ArkErrorDetail: Codable, Equatable, Sendable {
    var code: String?
    var message: String?
    var param: String?
    var type: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = container.lenient(.code)
        message = container.lenient(.message)
        param = container.lenient(.param)
        type = container.lenient(.type)
    }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or nil when it is missing, null or not of the expected type.
    fileprivate func lenient<Value: Decodable>(_ key: Key) -> Value? {
        (try? decodeIfPresent(Value.self, forKey: key)) ?? nil
    }
}
