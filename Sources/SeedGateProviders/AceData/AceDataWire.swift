import Foundation

// AceData's Seedance JSON, field for field as on the wire (facts: docs/providers/acedata.md, [S003]
// [DOCS-VIDEOS] [DOCS-TASKS]). Requests encode an optional only when it is set, so an explicit `false` reaches
// AceData while an absent field stays absent. Responses are read tolerantly: only a task record's `id` is
// required; any other field that is missing, null or of an unexpected type reads as absent, and unknown fields
// (`_id`, `api_id`, `credential_id`, `request`, …) are ignored.

/// Body of `POST /seedance/videos`: Ark's fields flattened at the top level, with AceData's spellings
/// (`camerafixed`, no underscore) and its two async switches (`callback_url`, `async`).
struct AceDataCreateBody: Encodable, Equatable, Sendable {
    var model: String
    var content: [AceDataContentItem]
    var resolution: String?
    var ratio: String?
    var duration: Int?
    var frames: Int?
    var seed: Int64?
    var cameraFixed: Bool?
    var watermark: Bool?
    var generateAudio: Bool?
    var returnLastFrame: Bool?
    var serviceTier: String?
    var executionExpiresAfter: Int?
    var callbackURL: String?
    /// `true`: answer with the task id at once instead of holding the connection until the video exists.
    var asyncMode: Bool?
    // Seedance 2.x fields, flattened as on Ark. [ACE-DOCS seedance_videos.md] (seedance-2.md §16 AceData)
    var priority: Int?
    var safetyIdentifier: String?
    var tools: [AceDataTool]?
    var omniReferenceTaskType: String?
    var outputFormat: String?

    enum CodingKeys: String, CodingKey {
        case model, content, resolution, ratio, duration, frames, seed, watermark, priority, tools
        case safetyIdentifier = "safety_identifier"
        case omniReferenceTaskType = "omni_reference_task_type"
        case outputFormat = "output_format"
        case cameraFixed = "camerafixed"
        case generateAudio = "generate_audio"
        case returnLastFrame = "return_last_frame"
        case serviceTier = "service_tier"
        case executionExpiresAfter = "execution_expires_after"
        case callbackURL = "callback_url"
        case asyncMode = "async"
    }
}

struct AceDataTool: Encodable, Equatable, Sendable {
    var type: String
}

/// One `content[]` item: `{"type":"text","text"}`, `{"type":"image_url","image_url":{"url"},"role"}`, or on 2.x
/// `video_url` / `audio_url` with roles `reference_video` / `reference_audio` (the newer guide sends the roles; the
/// older one omits them, so SeedGate always sends them). `image_url` must be an object: the bare-string form is refused
/// with HTTP 400. [S003] [ACE-DOCS]
struct AceDataContentItem: Encodable, Equatable, Sendable {
    var type: String
    var text: String?
    var imageURL: AceDataURL?
    var videoURL: AceDataURL?
    var audioURL: AceDataURL?
    var role: String?

    enum CodingKeys: String, CodingKey {
        case type, text, role
        case imageURL = "image_url"
        case videoURL = "video_url"
        case audioURL = "audio_url"
    }

    static func video(url: String) -> AceDataContentItem {
        AceDataContentItem(type: "video_url", videoURL: AceDataURL(url: url), role: "reference_video")
    }

    static func audio(url: String) -> AceDataContentItem {
        AceDataContentItem(type: "audio_url", audioURL: AceDataURL(url: url), role: "reference_audio")
    }

    static func text(_ text: String) -> AceDataContentItem { AceDataContentItem(type: "text", text: text) }

    static func image(url: String, role: String) -> AceDataContentItem {
        AceDataContentItem(type: "image_url", imageURL: AceDataURL(url: url), role: role)
    }
}

struct AceDataURL: Encodable, Equatable, Sendable {
    var url: String
}

/// Body of `POST /seedance/tasks`: `{"action":"retrieve","id"}` or `{"action":"retrieve_batch","ids":[…]}`.
struct AceDataTasksQuery: Encodable, Equatable, Sendable {
    var action: String
    var id: String?
    var ids: [String]?

    static func retrieve(_ id: String) -> AceDataTasksQuery { AceDataTasksQuery(action: "retrieve", id: id) }
    static func retrieveBatch(_ ids: [String]) -> AceDataTasksQuery { AceDataTasksQuery(action: "retrieve_batch", ids: ids) }
}

/// What `/seedance/videos` answers (at once in async mode: `{"task_id"}` only; when finished: everything), what a
/// callback delivers, and a task record's `response`. `task_id` is AceData's own id; `data.task_id` the upstream one.
struct AceDataGenerateResponse: Decodable, Equatable, Sendable {
    var success: Bool?
    var taskID: String?
    var traceID: String?
    var data: AceDataVideo?
    var error: AceDataErrorDetail?

    enum CodingKeys: String, CodingKey {
        case success, data, error
        case taskID = "task_id"
        case traceID = "trace_id"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        success = container.aceLenient(.success)
        taskID = container.aceLenient(.taskID)
        traceID = container.aceLenient(.traceID)
        data = container.aceLenient(.data)
        error = container.aceLenient(.error)
    }
}

/// `data`: the generation as the upstream reports it, with the video re-hosted on AceData's CDN.
struct AceDataVideo: Decodable, Equatable, Sendable {
    var taskID: String?
    var status: String?
    var videoURL: String?
    var lastFrameURL: String?
    var model: String?
    var duration: Int?
    var resolution: String?
    var ratio: String?
    var framesPerSecond: Int?
    /// Not documented inside `data`; read in case a failure is reported there rather than at the top level.
    var error: AceDataErrorDetail?

    enum CodingKeys: String, CodingKey {
        case status, model, duration, resolution, ratio, error
        case taskID = "task_id"
        case videoURL = "video_url"
        case lastFrameURL = "last_frame_url"
        case framesPerSecond = "framespersecond"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        taskID = container.aceLenient(.taskID)
        status = container.aceLenient(.status)
        videoURL = container.aceLenient(.videoURL)
        lastFrameURL = container.aceLenient(.lastFrameURL)
        model = container.aceLenient(.model)
        duration = container.aceLenient(.duration)
        resolution = container.aceLenient(.resolution)
        ratio = container.aceLenient(.ratio)
        framesPerSecond = container.aceLenient(.framesPerSecond)
        error = container.aceLenient(.error)
    }
}

/// `error`: `{"code","message"}`; a bare string is read as the message (AceData's SDK tolerates both).
struct AceDataErrorDetail: Decodable, Equatable, Sendable {
    var code: String?
    var message: String?

    enum CodingKeys: String, CodingKey {
        case code, message
    }

    init(code: String?, message: String?) {
        self.code = code
        self.message = message
    }

    init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self.init(code: nil, message: text)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(code: container.aceLenient(.code), message: container.aceLenient(.message))
    }
}

/// An HTTP error body: `{"success": false, "error": {"code","message"}, "trace_id"}`.
struct AceDataErrorEnvelope: Decodable, Equatable, Sendable {
    var success: Bool?
    var error: AceDataErrorDetail?
    var traceID: String?

    enum CodingKeys: String, CodingKey {
        case success, error
        case traceID = "trace_id"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        success = container.aceLenient(.success)
        error = container.aceLenient(.error)
        traceID = container.aceLenient(.traceID)
    }
}

/// A task record of `/seedance/tasks`. `finished_at`, `elapsed` and (INFERRED) `response` are absent until the
/// task completes. Times are Unix seconds as floats. [DOCS-TASKS]
struct AceDataTaskRecord: Decodable, Equatable, Sendable {
    var id: String
    var createdAt: Double?
    var startedAt: Double?
    var finishedAt: Double?
    var response: AceDataGenerateResponse?

    enum CodingKeys: String, CodingKey {
        case id, response
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        createdAt = container.aceLenient(.createdAt)
        startedAt = container.aceLenient(.startedAt)
        finishedAt = container.aceLenient(.finishedAt)
        response = container.aceLenient(.response)
    }
}

/// `retrieve_batch`: `{"items": [record…], "count": n}`. An item that is not a readable record is skipped
/// (its id, if asked for, is then looked up on its own).
struct AceDataTaskBatch: Decodable, Equatable, Sendable {
    var items: [AceDataTaskRecord]
    var count: Int?

    enum CodingKeys: String, CodingKey {
        case items, count
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let slots: [AceDataLenientSlot<AceDataTaskRecord>] = container.aceLenient(.items) ?? []
        items = slots.compactMap(\.value)
        count = container.aceLenient(.count)
    }
}

/// Decodes a value when it can and nil otherwise, so one odd array element does not spoil the rest.
struct AceDataLenientSlot<Value: Decodable & Sendable>: Decodable, Sendable {
    var value: Value?

    init(from decoder: any Decoder) throws {
        value = try? Value(from: decoder)
    }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or nil when it is missing, null or not of the expected type.
    fileprivate func aceLenient<Value: Decodable>(_ key: Key) -> Value? {
        (try? decodeIfPresent(Value.self, forKey: key)) ?? nil
    }
}
