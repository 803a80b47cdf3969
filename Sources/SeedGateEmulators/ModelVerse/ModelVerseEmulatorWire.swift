import Foundation
import SeedGateCore

/// `POST /v1/tasks/submit` body as ModelVerse reads it: `{"model", "input": {"content": […]}, "parameters": {…}}`.
/// Every field is optional here so that missing and `null` read alike; validation decides what is required.
/// Duplicate keys are tolerated (the doc's own example repeats `generate_audio`). Fields the schema does not list
/// are refused before this is read (`ModelVerseEmulator.checkFields`).
struct ModelVerseSubmitRequest: Codable {
    var model: String?
    var input: Input?
    var parameters: Parameters?

    struct Input: Codable {
        /// The content items are Ark's (`text`, `image_url` + `role`, `draft_task`). [S002]
        var content: [ArkContentItem]?
    }

    /// The documented parameters. [S002]
    struct Parameters: Codable {
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

    /// The same request in Ark's flat form, for the Ark rules the model obeys upstream. `generate_audio` defaults to
    /// ModelVerse's `false` (Ark's own default is `true`), except on a video made from a draft, which reuses the
    /// draft's setting (Ark refuses it there), so only what was sent is passed on.
    var arkBody: ArkCreateTaskBody {
        let parameters = parameters ?? Parameters()
        let fromDraft = input?.content?.contains { $0.type == "draft_task" } == true
        return ArkCreateTaskBody(
            model: model, content: input?.content, callbackURL: nil, returnLastFrame: nil,
            serviceTier: parameters.serviceTier, executionExpiresAfter: parameters.executionExpiresAfter,
            generateAudio: parameters.generateAudio ?? (fromDraft ? nil : false), draft: parameters.draft, resolution: parameters.resolution,
            ratio: parameters.ratio, duration: parameters.duration, frames: nil, seed: parameters.seed,
            cameraFixed: parameters.cameraFixed, watermark: parameters.watermark
        )
    }
}

/// The submit answer: `{"output": {"task_id"}, "request_id"}`.
struct ModelVerseSubmitted: Encodable {
    var output: Output
    var requestID: String

    struct Output: Encodable {
        var taskID: String
        enum CodingKeys: String, CodingKey { case taskID = "task_id" }
    }

    enum CodingKeys: String, CodingKey {
        case output
        case requestID = "request_id"
    }
}

/// The status answer: `{"output": {…}, "usage": {…}, "request_id": ""}` (the doc's examples carry an empty request id).
struct ModelVerseStatusAnswer: Encodable {
    var output: Output
    var usage: Usage?
    var requestID = ""

    struct Output: Encodable {
        var taskID: String
        var taskStatus: String
        var urls: [String]?
        var submitTime: Int
        var finishTime: Int?
        var errorMessage: String?

        enum CodingKeys: String, CodingKey {
            case urls
            case taskID = "task_id"
            case taskStatus = "task_status"
            case submitTime = "submit_time"
            case finishTime = "finish_time"
            case errorMessage = "error_message"
        }
    }

    struct Usage: Encodable {
        var completionTokens: Int
        var totalTokens: Int
        var duration: Int

        enum CodingKeys: String, CodingKey {
            case duration
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
        }
    }

    enum CodingKeys: String, CodingKey {
        case output, usage
        case requestID = "request_id"
    }

    /// ModelVerse's five capitalised status words [S002], each reachable: `Pending` and `Running` while the task
    /// is queued and runs, `Success`, `Failure` (`[[fail:moderation]]`) and `Expired` (`[[expire]]`, or
    /// `execution_expires_after` passing). ModelVerse documents no cancel call and no cancelled word, and this
    /// emulator has no cancel route, so a task never reaches `cancelled`; were it to, it is shown as `Failure`
    /// (the task ended without a video) rather than as a word ModelVerse does not use.
    static func word(_ status: JobStatus) -> String {
        switch status {
        case .queued: "Pending"
        case .running: "Running"
        case .succeeded: "Success"
        case .failed, .cancelled: "Failure"
        case .expired: "Expired"
        }
    }

    /// The task as ModelVerse shows it at `state`: `urls` and tokens once it succeeded, `error_message` once it failed.
    init(_ state: EmulatedTaskState<ArkTaskSpec>, baseURL: String) {
        let spec = state.task.spec
        let finished = state.status.isTerminal
        output = Output(
            taskID: state.id, taskStatus: Self.word(state.status),
            submitTime: Int(state.task.createdAt.timeIntervalSince1970),
            finishTime: finished ? Int(state.updatedAt.timeIntervalSince1970) : nil,
            errorMessage: state.failure.map { "\($0.code): \($0.message)" }
        )
        // EMULATOR ASSUMPTION: `usage` appears only once the task has finished; failed and expired tasks report
        // 0 tokens and the requested length, as the doc's failure example does. An `Expired` task carries no
        // `error_message` (none is documented for expiry).
        guard finished else { return }
        let tokens = state.status == .succeeded ? spec.tokens : 0
        usage = Usage(completionTokens: tokens, totalTokens: tokens, duration: spec.duration ?? 5)
        // ModelVerse returns the video only, never a last frame (modelverse.md, Results).
        if state.status == .succeeded { output.urls = [spec.resultFiles.videoURL(baseURL: baseURL, taskID: state.id)] }
    }
}

/// The platform's error envelope: `{"error": {"message", "type", "param", "code"}}`. [MV-REPO common/error-code.md]
struct ModelVerseErrorBody: Encodable {
    var error: Detail

    struct Detail: Encodable {
        var message: String
        var type: String
        var param: String
        var code: String
    }
}

extension ArkModelSet {
    /// The one Seedance model ModelVerse documents, under its ModelVerse id (Ark's rules apply: it runs on Ark). [S002]
    public static let modelverse = ArkModelSet([.seedance15Pro(id: "doubao-seedance-1-5-pro-251215")])
}
