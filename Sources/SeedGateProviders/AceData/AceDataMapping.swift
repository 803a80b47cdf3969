import Foundation
import SeedGateCore

/// Translation between SeedGate's vocabulary and AceData's Seedance API (facts: docs/providers/acedata.md).
enum AceDataMapping {
    /// The word a snapshot carries while AceData has nothing to say yet: a task record without a `response`
    /// has no status word of its own. [DOCS-TASKS] (INFERRED: no `response` until the task completes)
    static let pendingWord = "pending"
    /// The word a snapshot carries for a `success: false` answer without a `data.status`.
    static let failureWord = "success:false"

    // MARK: JobSpec → create body

    /// The manifest option naming the `callback_url` sent when SeedGate has no callback route for the job.
    static let callbackPlaceholderOption = "callback_placeholder"
    /// Its default: the value AceData's own task record example carries (`"callback_url": "dummy"` [DOCS-TASKS]),
    /// so AceData switches to async mode and has nowhere real to POST to.
    static let defaultCallbackPlaceholder = "dummy"

    /// The `callback_url` for a create: the job's own callback route, else the manifest's placeholder (an empty
    /// option sends none and relies on `async: true` alone).
    ///
    /// The seed document names `callback_url` as the switch to async mode ("设置后 API 立即返回 task_id" [S003]);
    /// `async: true` appears only in the newer guides [DOCS-VIDEOS] [DOCS-VIDEOS-GUIDE]. The stricter reading is
    /// that without a `callback_url` the create may be synchronous (held open ~1–2 min until the video exists), so
    /// SeedGate always sends one, and `async: true` beside it for the newer reading.
    static func callbackURL(for request: SubmitRequest, options: [String: String]) -> String? {
        if let url = request.callbackURL { return url }
        let placeholder = options[callbackPlaceholderOption] ?? defaultCallbackPlaceholder
        return placeholder.isEmpty ? nil : placeholder
    }

    /// The create body for a normalised spec: every value the spec carries, and always both async switches
    /// (`callbackURL(for:options:)`), so the call never holds the connection until the video exists (AceData's
    /// default without a switch).
    static func createBody(for request: SubmitRequest, options: [String: String] = [:]) throws(ProviderError) -> AceDataCreateBody {
        let spec = request.spec
        if spec.draftJobID != nil || spec.draft == true {
            throw ProviderError(.unsupported, providerMessage: "AceData documents no draft mode", requestSent: false)
        }
        return AceDataCreateBody(
            model: request.upstreamModel,
            content: content(for: spec),
            resolution: spec.resolution,
            ratio: spec.ratio,
            // `frames` takes priority over `duration` upstream; send only the one the client chose.
            duration: spec.frames == nil ? spec.duration : nil,
            frames: spec.frames,
            seed: spec.seed,
            cameraFixed: spec.cameraFixed,
            watermark: spec.watermark,
            generateAudio: spec.generateAudio,
            returnLastFrame: spec.returnLastFrame,
            serviceTier: spec.serviceTier?.rawValue,
            executionExpiresAfter: spec.expiresAfter,
            // Both switches: `callback_url` [S003] and `async: true` [DOCS-VIDEOS]. (issue 9, defect 11)
            callbackURL: callbackURL(for: request, options: options),
            asyncMode: true,
            priority: spec.priority,
            safetyIdentifier: spec.safetyIdentifier,
            tools: spec.tools.flatMap { $0.isEmpty ? nil : $0.map { AceDataTool(type: $0.rawValue) } },
            omniReferenceTaskType: spec.taskType?.rawValue,
            outputFormat: spec.outputFormat?.rawValue
        )
    }

    /// `content[]`: the prompt, then the images (first frame before last frame), each with an explicit role, then the
    /// reference videos and audio in the client's order.
    static func content(for spec: JobSpec) -> [AceDataContentItem] {
        var items: [AceDataContentItem] = []
        if let prompt = spec.prompt { items.append(.text(prompt)) }
        items += ArkMapping.orderedImages(spec).map { .image(url: $0.url, role: $0.role) }
        items += spec.videos.map { .video(url: $0.url) }
        items += spec.audios.map { .audio(url: $0.url) }
        return items
    }

    // MARK: answers → UpstreamSnapshot

    /// A task record: its `response` when that says how the task ended, else "still working" (started or not).
    static func snapshot(of record: AceDataTaskRecord, provider: ProviderID) -> UpstreamSnapshot {
        if let response = record.response, speaks(response) {
            return snapshot(of: response, taskID: record.id, provider: provider)
        }
        if record.finishedAt != nil {
            // Finished, yet no readable outcome: do not guess either way.
            return UpstreamSnapshot(taskID: record.id, status: .unrecognised("finished"), rawStatus: "finished")
        }
        let status: JobStatus = record.startedAt == nil ? .queued : .running
        return UpstreamSnapshot(taskID: record.id, status: .mapped(status), rawStatus: pendingWord)
    }

    /// Whether a generate response reports an outcome (a status word, or an explicit failure).
    static func speaks(_ response: AceDataGenerateResponse) -> Bool {
        response.data?.status?.isEmpty == false || response.success == false
    }

    /// A generate response (create answer, callback body, or a record's `response`) for AceData task `taskID`.
    /// An explicit `success: false` outranks the status word: a response that says it did not succeed is a failure
    /// whatever `data.status` says (a `succeeded` beside `success: false` is not a result SeedGate can deliver, and
    /// an in-progress word beside it would leave a failed task waiting until it expires). Without the flag, the word
    /// decides.
    static func snapshot(of response: AceDataGenerateResponse, taskID: String, provider: ProviderID) -> UpstreamSnapshot {
        let video = response.data
        let detail = response.error ?? video?.error
        let word = video?.status.flatMap { $0.isEmpty ? nil : $0 }
        if response.success == false {
            // An `expired` word keeps its meaning; any other word (a success, an in-progress one, none) is a failure.
            let ended: JobStatus = word.map(status) == .mapped(.expired) ? .expired : .failed
            return UpstreamSnapshot(
                taskID: taskID, status: .mapped(ended), rawStatus: word ?? failureWord, output: video.flatMap(output),
                error: jobError(detail, ended: ended, provider: provider)
            )
        }
        guard let word else {
            return UpstreamSnapshot(taskID: taskID, status: .unrecognised(pendingWord), rawStatus: pendingWord)
        }
        let mapped = status(word)
        // A success without a video is reported as it is (succeeded, no output): the engine keeps following such a
        // job for a bounded time and then fails it as result_missing, rather than end it without a result.
        var error: JobError?
        if case .mapped(let ended) = mapped, ended == .failed || ended == .expired {
            error = jobError(detail, ended: ended, provider: provider)
        }
        return UpstreamSnapshot(taskID: taskID, status: mapped, rawStatus: word, output: video.flatMap(output), error: error)
    }

    /// `data.status`, read case-insensitively (AceData's SDK lower-cases every word before reading it [SDK-ACE
    /// _runtime/tasks.py task_status]). Documented: `processing` (in progress) and `succeeded` [DOCS-TASKS-GUIDE];
    /// `queued`, `running`, `failed` and `expired` are Ark's vocabulary, which AceData relays (INFERRED: `data.task_id`
    /// is the Ark task). AceData's own SDK also reads `succeed`, `success`, `completed`, `complete` and `finished` as
    /// done, and `failure`, `error`, `cancelled`, `canceled` and `rejected` as failed [SDK-ACE _runtime/tasks.py]:
    /// SeedGate does the same (AceData has no cancel call, so a cancelled task is one that failed, not one a client
    /// cancelled). Any other word is reported as unrecognised.
    static func status(_ raw: String) -> UpstreamSnapshot.Status {
        switch raw.lowercased() {
        case "queued": .mapped(.queued)
        case "running", "processing": .mapped(.running)
        case "succeeded", "succeed", "success", "completed", "complete", "finished": .mapped(.succeeded)
        case "failed", "failure", "error", "cancelled", "canceled", "rejected": .mapped(.failed)
        case "expired": .mapped(.expired)
        default: .unrecognised(raw)
        }
    }

    /// The result and the output spec `data` reports; nil when it carries none of them. AceData re-hosts the
    /// video on its CDN and documents no retention, so no `expiresAt` is claimed.
    static func output(_ video: AceDataVideo) -> JobOutput? {
        let output = JobOutput(
            videoURL: video.videoURL, lastFrameURL: video.lastFrameURL, duration: video.duration,
            resolution: video.resolution, ratio: video.ratio, fps: video.framesPerSecond
        )
        return output == JobOutput() ? nil : output
    }

    /// A failure's `error` as a job error, keeping AceData's code and message; nil when AceData gave no detail.
    static func jobError(_ detail: AceDataErrorDetail?, ended: JobStatus, provider: ProviderID) -> JobError? {
        guard let detail, detail.code != nil || detail.message != nil else { return nil }
        let code = ended == .expired ? .expired : jobErrorCode(forProviderCode: detail.code)
        let what =
            switch code {
            case .contentModerated: "moderation refused the content"
            case .realPersonRefused: "moderation found a real person in the reference media"
            case .invalidRequest: "a parameter was rejected"
            case .expired: "the task expired before it finished"
            case .providerQuotaExceeded: "the account's balance is used up"
            case .providerAuthFailed: "the credentials were refused"
            default: "the generation failed"
            }
        return JobError(code: code, message: "\(provider): \(what)", providerCode: detail.code, providerMessage: detail.message)
    }

    /// Normalises a failed task's code. AceData's own codes as for HTTP errors; the moderation codes of the Ark
    /// task behind it (`…SensitiveContentDetected…`, `…RiskDetection`) when AceData relays them (INFERRED).
    static func jobErrorCode(forProviderCode code: String?) -> JobErrorCode {
        guard let code else { return .generationFailed }
        if isModerationCode(code) { return .moderated(providerCode: code) }
        switch AceDataErrors.kind(forCode: code) {
        case .invalidRequest?: return .invalidRequest
        case .quotaExceeded?: return .providerQuotaExceeded
        case .unauthorized?: return .providerAuthFailed
        default: break
        }
        if ["InvalidParameter", "MissingParameter", "InvalidImageURL"].contains(where: { code.hasPrefix($0) }) {
            return .invalidRequest
        }
        return .generationFailed
    }

    /// Codes that mean content moderation refused the input or the output.
    static func isModerationCode(_ code: String) -> Bool {
        code.contains("SensitiveContentDetected") || code.contains("RiskDetection")
    }
}
