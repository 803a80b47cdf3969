import Foundation

// ModelVerse's generic async-task JSON, field for field as on the wire (facts: docs/providers/modelverse.md,
// [S002]). Requests encode an optional only when it is set, so an explicit `false` (ModelVerse's own default for
// `generate_audio` is false, Ark's is true) reaches the provider. Responses are read tolerantly: only a task's
// `output.task_id` (and on a status answer `output.task_status`) is required; anything else that is missing, null
// or of an unexpected type reads as absent, and unknown fields are ignored.

/// Body of `POST /v1/tasks/submit`: `{"model", "input": {"content": […]}, "parameters": {…}}`. Generation settings
/// sit under `parameters`, not at the top level as on Ark (a flat body is refused, modelverse.md Quirks 1).
struct ModelVerseSubmitBody: Encodable, Equatable, Sendable {
    var model: String
    var input: ModelVerseInput
    var parameters: ModelVerseParameters
}

/// `input`: the content items, in Ark's own item shapes (`text`, `image_url` with `role`, `draft_task`). [S002]
struct ModelVerseInput: Encodable, Equatable, Sendable {
    var content: [ArkContentItem]
}

/// `parameters`: every documented generation setting. No `callback_url`, `return_last_frame` or `frames` exist here.
struct ModelVerseParameters: Encodable, Equatable, Sendable {
    var executionExpiresAfter: Int?
    var generateAudio: Bool?
    var draft: Bool?
    var resolution: String?
    var ratio: String?
    var duration: Int?
    var seed: Int64?
    var cameraFixed: Bool?
    var watermark: Bool?
    var serviceTier: String?

    enum CodingKeys: String, CodingKey {
        case draft, resolution, ratio, duration, seed, watermark
        case executionExpiresAfter = "execution_expires_after"
        case generateAudio = "generate_audio"
        case cameraFixed = "camera_fixed"
        case serviceTier = "service_tier"
    }
}

/// The submit answer: `{"output": {"task_id"}, "request_id"}`.
struct ModelVerseSubmitResponse: Decodable, Equatable, Sendable {
    var output: Reference

    struct Reference: Decodable, Equatable, Sendable {
        var taskID: String

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id"
        }
    }
}

/// The status answer: `{"output": {…}, "usage": {…}, "request_id"}`.
struct ModelVerseStatusResponse: Decodable, Equatable, Sendable {
    var output: ModelVerseTask
    var usage: ModelVerseUsage?
    var requestID: String?

    enum CodingKeys: String, CodingKey {
        case output, usage
        case requestID = "request_id"
    }

    init(output: ModelVerseTask, usage: ModelVerseUsage? = nil) {
        self.output = output
        self.usage = usage
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        output = try container.decode(ModelVerseTask.self, forKey: .output)
        usage = container.lenient(.usage)
        requestID = container.lenient(.requestID)
    }
}

/// `output` of a status answer. Statuses are capitalised: `Pending`, `Running`, `Success`, `Failure`, `Expired`.
struct ModelVerseTask: Decodable, Equatable, Sendable {
    var taskID: String
    var taskStatus: String
    /// Video URLs; one MP4 expected, present on success.
    var urls: [String]?
    /// Unix seconds.
    var submitTime: Int64?
    /// Unix seconds.
    var finishTime: Int64?
    /// On failure; ModelVerse gives no error code beside it.
    var errorMessage: String?

    enum CodingKeys: String, CodingKey {
        case urls
        case taskID = "task_id"
        case taskStatus = "task_status"
        case submitTime = "submit_time"
        case finishTime = "finish_time"
        case errorMessage = "error_message"
    }

    init(taskID: String, taskStatus: String) {
        self.taskID = taskID
        self.taskStatus = taskStatus
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        taskID = try container.decode(String.self, forKey: .taskID)
        taskStatus = try container.decode(String.self, forKey: .taskStatus)
        urls = container.lenient(.urls)
        submitTime = container.lenient(.submitTime)
        finishTime = container.lenient(.finishTime)
        errorMessage = container.lenient(.errorMessage)
    }
}

/// `usage`: tokens (0 on failure) and the video length in seconds (echoed even on failure).
struct ModelVerseUsage: Decodable, Equatable, Sendable {
    var completionTokens: Int?
    var totalTokens: Int?
    var duration: Int?

    enum CodingKeys: String, CodingKey {
        case duration
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
    }

    init(completionTokens: Int? = nil, totalTokens: Int? = nil, duration: Int? = nil) {
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
        self.duration = duration
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        completionTokens = container.lenient(.completionTokens)
        totalTokens = container.lenient(.totalTokens)
        duration = container.lenient(.duration)
    }
}

/// The platform-wide HTTP error body: `{"error": {"message", "type", "param", "code"}}` (`param` carries a request id
/// in the documented examples). [MV-REPO common/error-code.md]
struct ModelVerseErrorEnvelope: Decodable, Equatable, Sendable {
    var error: Detail?

    enum CodingKeys: String, CodingKey {
        case error
    }

    struct Detail: Decodable, Equatable, Sendable {
        var message: String?
        var type: String?
        var param: String?
        var code: String?

        enum CodingKeys: String, CodingKey {
            case message, type, param, code
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = container.lenient(.message)
            type = container.lenient(.type)
            param = container.lenient(.param)
            code = container.lenient(.code)
        }
    }

    init(from decoder: any Decoder) throws {
        error = try decoder.container(keyedBy: CodingKeys.self).lenient(.error)
    }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or nil when it is missing, null or not of the expected type.
    fileprivate func lenient<Value: Decodable>(_ key: Key) -> Value? {
        (try? decodeIfPresent(Value.self, forKey: key)) ?? nil
    }
}
