import Foundation
import SeedGateCore

/// A job as Ark's task object (get, list). The id is the SeedGate job id; statuses are SeedGate's, which are Ark's
/// own words (queued, running, succeeded, failed, cancelled, expired). `model` is the canonical model name: the job
/// may run on any provider, each with its own model id. `error` is always present (`null` unless the task failed);
/// `content` and `usage` appear once the task has succeeded.
///
/// `error.code`: the provider's own code when an Ark-family provider (Volcengine Ark, BytePlus ModelArk) ran the
/// task, so Ark clients see the codes they know (`OutputVideoSensitiveContentDetected`, …); otherwise SeedGate's
/// stable code (`content_moderated`, `generation_failed`, `submit_outcome_unknown`, …).
struct ArkTaskObject: Encodable, Sendable {
    var id: String
    var model: String
    var status: String
    var error: TaskError?
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
    // Seedance 2.x (seedance-2.md §11): echoed as Ark echoes them.
    var priority: Int?
    var safetyIdentifier: String?
    /// Only the tools the model actually used.
    var tools: [Tool]?
    var outputFormat: String?

    struct Tool: Encodable, Sendable {
        var type: String
    }

    struct TaskError: Encodable, Sendable, Equatable {
        var code: String
        var message: String
    }

    struct Content: Encodable, Sendable {
        var videoURL: String?
        var lastFrameURL: String?
        enum CodingKeys: String, CodingKey {
            case videoURL = "video_url"
            case lastFrameURL = "last_frame_url"
        }
    }

    struct Usage: Encodable, Sendable {
        var completionTokens: Int?
        var totalTokens: Int?
        var toolUsage: ToolUsage?
        enum CodingKeys: String, CodingKey {
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
            case toolUsage = "tool_usage"
        }
    }

    struct ToolUsage: Encodable, Sendable {
        var webSearch: Int
        enum CodingKeys: String, CodingKey {
            case webSearch = "web_search"
        }
    }

    /// Providers whose error codes are Ark's own.
    static let arkFamily: Set<ProviderID> = ["volcengine-ark", "byteplus-modelark"]

    init(_ job: Job) {
        let spec = job.spec
        let output = job.output
        id = job.id.rawValue
        model = job.model
        status = job.status.rawValue
        error = Self.error(job)
        if job.status == .succeeded, let output {
            content = Content(videoURL: output.videoURL, lastFrameURL: output.lastFrameURL)
            usage = job.usage.map {
                Usage(completionTokens: $0.completionTokens, totalTokens: $0.totalTokens, toolUsage: $0.webSearchCalls.map(ToolUsage.init))
            }
        }
        createdAt = job.createdAt.unixSeconds
        updatedAt = job.updatedAt.unixSeconds
        seed = output?.seed ?? spec.seed
        resolution = output?.resolution ?? spec.resolution
        ratio = output?.ratio ?? spec.ratio
        if spec.frames != nil { frames = output?.frames ?? spec.frames } else { duration = output?.duration ?? spec.duration }
        framesPerSecond = output?.fps ?? 24
        generateAudio = spec.generateAudio
        draft = spec.draft
        draftTaskID = spec.draftJobID
        serviceTier = (spec.serviceTier ?? .default).rawValue
        executionExpiresAfter = spec.expiresAfter ?? RequestLimits.defaultExpiresAfter
        priority = output?.priority ?? spec.priority
        safetyIdentifier = output?.safetyIdentifier ?? spec.safetyIdentifier
        tools = output?.toolsUsed.map { $0.map(Tool.init) }
        outputFormat = output?.outputFormat ?? spec.outputFormat?.rawValue
    }

    static func error(_ job: Job) -> TaskError? {
        guard job.status == .failed || job.status == .expired, let error = job.error else { return nil }
        let providerCode = job.provider.flatMap { arkFamily.contains($0) ? error.providerCode : nil }
        let providerMessage = providerCode == nil ? nil : error.providerMessage
        return TaskError(code: providerCode ?? error.code.rawValue, message: providerMessage ?? error.message)
    }

    enum CodingKeys: String, CodingKey {
        case id, model, status, error, content, usage, seed, resolution, ratio, duration, frames, draft, priority, tools
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

/// `GET …/tasks`: one page and how many tasks match.
struct ArkTaskList: Encodable, Sendable {
    var items: [ArkTaskObject]
    var total: Int
}

/// `POST …/tasks`: the new task's id.
struct ArkCreatedTask: Encodable, Sendable {
    var id: String
}

/// `DELETE …/tasks/{id}` answers `{}` (the SDK parses the reply as JSON, so an empty body would not do).
struct ArkEmptyObject: Encodable, Sendable {}
