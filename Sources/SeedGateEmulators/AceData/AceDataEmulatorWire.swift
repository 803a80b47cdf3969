import Foundation
import SeedGateCore

/// `POST /seedance/videos` as AceData reads it. Every field is optional so that validation decides what is
/// required; fields AceData does not document are refused (`AceDataValidation.checkFields`).
struct AceDataVideoRequest: Decodable {
    var model: String?
    var content: [AceDataRequestItem]?
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
    var asyncMode: Bool?
    var framesPerSecond: Int?
    var priority: Int?
    var safetyIdentifier: String?
    /// 2.5 only. [DOCS-VIDEOS]
    var omniReferenceTaskType: String?
    var outputFormat: String?
    var tools: [AceDataRequestTool]?

    enum CodingKeys: String, CodingKey {
        case model, content, resolution, ratio, duration, frames, seed, watermark, priority, tools
        case omniReferenceTaskType = "omni_reference_task_type"
        case outputFormat = "output_format"
        case framesPerSecond = "framespersecond"
        case safetyIdentifier = "safety_identifier"
        case cameraFixed = "camerafixed"
        case generateAudio = "generate_audio"
        case returnLastFrame = "return_last_frame"
        case serviceTier = "service_tier"
        case executionExpiresAfter = "execution_expires_after"
        case callbackURL = "callback_url"
        case asyncMode = "async"
    }
}

struct AceDataRequestItem: Decodable {
    var type: String?
    var text: String?
    var imageURL: AceDataRequestMedia?
    /// 2.x only, like `audioURL`. [DOCS-VIDEOS]
    var videoURL: AceDataRequestMedia?
    var audioURL: AceDataRequestMedia?
    var role: String?

    enum CodingKeys: String, CodingKey {
        case type, text, role
        case imageURL = "image_url"
        case videoURL = "video_url"
        case audioURL = "audio_url"
    }
}

/// One `tools[]` entry: `{"type": "web_search", …}` (2.5 only). [DOCS-VIDEOS] EMULATOR ASSUMPTION: the search
/// limits AceData mentions ("the number of results, number of keywords, and search sources") are not named in its
/// documents, so the other keys of a tool are not checked.
struct AceDataRequestTool: Decodable {
    var type: String?
}

/// `image_url` (and the 2.x `video_url`, `audio_url`): the object form `{"url"}` AceData requires, or the bare
/// string it refuses.
enum AceDataRequestMedia: Decodable {
    case object(url: String?)
    case bareString(String)

    private struct Object: Decodable { var url: String? }

    init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self = .bareString(text)
        } else {
            self = .object(url: try Object(from: decoder).url)
        }
    }
}

/// `POST /seedance/tasks`.
struct AceDataTasksRequest: Decodable {
    var action: String?
    var id: String?
    var ids: [String]?
    var limit: Int?
    var offset: Int?
}

/// The generate response: the synchronous answer, a callback body, and a finished record's `response`. `data` holds
/// what AceData's 1.x examples show (`task_id`, `status`, `video_url`, `last_frame_url`, `model` [S003] [DOCS-TASKS]);
/// `duration`, `resolution` and `ratio` appear only in its 2.x examples [DOCS-VIDEOS], so only 2.x tasks carry them.
struct AceDataGenerateBody: Encodable {
    var success: Bool
    var taskID: String
    var traceID: String
    var data: Video?
    var error: AceDataErrorBody.Detail?

    struct Video: Encodable {
        var taskID: String
        var status: String
        var videoURL: String?
        /// Encoded as `null` when not asked for, as in [DOCS-TASKS]; absent on failures.
        var lastFrameURL: String??
        var model: String
        /// A succeeded 2.x task's output: AceData's 2.x examples show them. [DOCS-VIDEOS]
        var duration: Int?
        var resolution: String?
        var ratio: String?

        enum CodingKeys: String, CodingKey {
            case status, model, duration, resolution, ratio
            case taskID = "task_id"
            case videoURL = "video_url"
            case lastFrameURL = "last_frame_url"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(taskID, forKey: .taskID)
            try container.encode(status, forKey: .status)
            try container.encodeIfPresent(videoURL, forKey: .videoURL)
            if let lastFrameURL { try container.encode(lastFrameURL, forKey: .lastFrameURL) }
            try container.encode(model, forKey: .model)
            try container.encodeIfPresent(duration, forKey: .duration)
            try container.encodeIfPresent(resolution, forKey: .resolution)
            try container.encodeIfPresent(ratio, forKey: .ratio)
        }
    }

    enum CodingKeys: String, CodingKey {
        case success, data, error
        case taskID = "task_id"
        case traceID = "trace_id"
    }
}

/// The immediate answer of async and callback mode: `{"task_id"}`. [S003]
struct AceDataAcceptedBody: Encodable {
    var taskID: String

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
    }
}

/// A task record of `/seedance/tasks`; `finished_at`, `elapsed` and `response` only once the task has ended.
struct AceDataRecordBody: Encodable {
    var mongoID: String
    var id: String
    var apiID: String
    var applicationID: String
    var createdAt: Double
    var startedAt: Double?
    var finishedAt: Double?
    var elapsed: Double?
    var credentialID: String
    var request: JSONValue
    var traceID: String
    var type: String
    var userID: String
    var response: AceDataGenerateBody?

    enum CodingKeys: String, CodingKey {
        case id, elapsed, request, type, response
        case mongoID = "_id"
        case apiID = "api_id"
        case applicationID = "application_id"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case credentialID = "credential_id"
        case traceID = "trace_id"
        case userID = "user_id"
    }
}

/// `retrieve_batch`: `{"items", "count"}`.
struct AceDataBatchBody: Encodable {
    var items: [AceDataRecordBody]
    var count: Int
}

/// AceData's error envelope: `{"success": false, "error": {"code", "message"}, "trace_id"}`.
struct AceDataErrorBody: Encodable {
    var success = false
    var error: Detail
    var traceID: String

    struct Detail: Encodable {
        var code: String
        var message: String
    }

    enum CodingKeys: String, CodingKey {
        case success, error
        case traceID = "trace_id"
    }
}
