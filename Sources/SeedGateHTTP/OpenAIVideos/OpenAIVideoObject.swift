import Foundation
import SeedGateCore

/// A job as OpenAI's video object. The id is the SeedGate job id, so `/v1/jobs/{id}` shows the same job.
///
/// - `status`: queued → `queued`, running → `in_progress`, succeeded → `completed`; failed, cancelled and expired
///   → `failed` (with an `error` saying which).
/// - `progress`: 0 while queued, 50 while running, 100 once completed, 0 for a failed video (SeedGate's providers
///   report no percentage).
/// - `created_at`, `completed_at` (when the job ended, whatever the outcome), `expires_at` (when the provider's
///   files expire, if the provider said): Unix seconds.
/// - `seconds` and `size`: what the job produces (the normalised request, the provider's report once finished).
struct OpenAIVideo: Encodable, Sendable, Equatable {
    var id: String
    var object = "video"
    var model: String
    var status: String
    var progress: Int
    var createdAt: Int
    var completedAt: Int?
    var expiresAt: Int?
    var prompt: String?
    var remixedFromVideoID: String?
    var seconds: String
    var size: String
    var error: ErrorObject?

    struct ErrorObject: Encodable, Sendable, Equatable {
        var code: String
        var message: String
    }

    init(_ job: Job) {
        id = job.id.rawValue
        model = job.model
        status = Self.status(job.status)
        progress = Self.progress(job.status)
        createdAt = job.createdAt.unixSeconds
        completedAt = job.status.isTerminal ? job.finishedAt?.unixSeconds : nil
        expiresAt = job.output?.expiresAt?.unixSeconds
        prompt = job.spec.prompt
        seconds = Self.seconds(job)
        size = OpenAIVideoSizes.render(
            model: job.model, resolution: job.output?.resolution ?? job.spec.resolution,
            ratio: job.output?.ratio ?? job.spec.ratio
        )
        error = Self.error(job)
    }

    static func status(_ status: JobStatus) -> String {
        switch status {
        case .queued: "queued"
        case .running: "in_progress"
        case .succeeded: "completed"
        case .failed, .cancelled, .expired: "failed"
        }
    }

    static func progress(_ status: JobStatus) -> Int {
        switch status {
        case .queued: 0
        case .running: 50
        case .succeeded: 100
        case .failed, .cancelled, .expired: 0
        }
    }

    /// Whole seconds as a string; for a job made with `frames`, frames / 24 fps.
    static func seconds(_ job: Job) -> String {
        if let duration = job.output?.duration ?? job.spec.duration, duration > 0 { return String(duration) }
        if let frames = job.output?.frames ?? job.spec.frames {
            let value = Double(frames) / Double(job.output?.fps ?? 24)
            return value == value.rounded() ? String(Int(value)) : String(value)
        }
        return ""
    }

    /// OpenAI-style error codes: `moderation_blocked` for moderated content, `cancelled` and `expired` for jobs
    /// that ended that way, otherwise SeedGate's own stable code (`generation_failed`, `provider_unavailable`, …).
    static func error(_ job: Job) -> ErrorObject? {
        switch job.status {
        case .queued, .running, .succeeded:
            return nil
        case .cancelled:
            return ErrorObject(code: "cancelled", message: job.error?.message ?? "The video was cancelled before it finished.")
        case .expired:
            return ErrorObject(code: "expired", message: job.error?.message ?? "The video did not finish before its deadline.")
        case .failed:
            guard let error = job.error else { return ErrorObject(code: "generation_failed", message: "The video failed.") }
            return ErrorObject(code: error.code == .contentModerated ? "moderation_blocked" : error.code.rawValue, message: error.message)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, object, model, status, progress, prompt, seconds, size, error
        case createdAt = "created_at"
        case completedAt = "completed_at"
        case expiresAt = "expires_at"
        case remixedFromVideoID = "remixed_from_video_id"
    }

    /// Every key is written, absent values as `null`, as OpenAI answers.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(object, forKey: .object)
        try container.encode(model, forKey: .model)
        try container.encode(status, forKey: .status)
        try container.encode(progress, forKey: .progress)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(completedAt, forKey: .completedAt)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(remixedFromVideoID, forKey: .remixedFromVideoID)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(size, forKey: .size)
        try container.encode(error, forKey: .error)
    }
}

/// `GET /v1/videos`: a page of videos with OpenAI's cursor fields.
struct OpenAIVideoList: Encodable, Sendable {
    var object = "list"
    var data: [OpenAIVideo]
    var firstID: String?
    var lastID: String?
    var hasMore: Bool

    enum CodingKeys: String, CodingKey {
        case object, data
        case firstID = "first_id"
        case lastID = "last_id"
        case hasMore = "has_more"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(object, forKey: .object)
        try container.encode(data, forKey: .data)
        try container.encode(firstID, forKey: .firstID)
        try container.encode(lastID, forKey: .lastID)
        try container.encode(hasMore, forKey: .hasMore)
    }
}

/// `DELETE /v1/videos/{id}`: OpenAI's deleted-object shape. `deleted` is true when this call ended the video
/// (cancelled it); a video that had already ended is kept by SeedGate, so `deleted` is false.
struct OpenAIVideoDeleted: Encodable, Sendable {
    var id: String
    var object = "video.deleted"
    var deleted: Bool
}
