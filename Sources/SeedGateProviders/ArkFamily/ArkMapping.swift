import Foundation
import SeedGateCore

/// Translation between SeedGate's vocabulary and the Ark task API's (facts: docs/providers/volcengine-ark.md).
enum ArkMapping {
    /// How long Ark keeps a result's `video_url` / `last_frame_url` after the task's last update. [REF-GET]
    static let resultURLLifetime: TimeInterval = 24 * 60 * 60

    // MARK: JobSpec → create body

    /// The create body for a normalised spec: the values the spec carries, except parameters the model or scenario
    /// does not take (`ArkParameterRules`), which are never sent.
    static func createBody(for request: SubmitRequest) throws(ProviderError) -> ArkCreateTaskBody {
        try ArkParameterRules.createBody(for: request, content: try content(for: request))
    }

    /// `content[]`: a lone `draft_task` item for a video made from a draft, else the prompt then the images
    /// (first frame before last frame), each image with an explicit role.
    static func content(for request: SubmitRequest) throws(ProviderError) -> [ArkContentItem] {
        let spec = request.spec
        if spec.draftJobID != nil {
            guard let draftTaskID = request.draftTaskID else {
                throw ProviderError(
                    .invalidRequest, providerMessage: "the job is made from a draft but the draft's upstream task id is missing",
                    requestSent: false
                )
            }
            return [.draftTask(id: draftTaskID)]
        }
        var items: [ArkContentItem] = []
        if let prompt = spec.prompt { items.append(.text(prompt)) }
        items += orderedImages(spec).map { .image(url: $0.url, role: $0.role) }
        // Each kind keeps the client's order: the prompt's "[Video 1]" is the first video item. (seedance-2.md §7)
        items += spec.videos.map { .video(url: $0.url) }
        items += spec.audios.map { .audio(url: $0.url) }
        return items
    }

    /// The spec's images in Ark's order (first frame before last frame, then references), with Ark's role names.
    /// Providers that speak Ark's content vocabulary (AceData) use this too.
    static func orderedImages(_ spec: JobSpec) -> [(url: String, role: String)] {
        spec.images.sorted { rank($0.role) < rank($1.role) }.map { ($0.url, role($0.role)) }
    }

    /// Ark's `role` for an image. [REF-CREATE]
    static func role(_ role: ImageRole) -> String {
        switch role {
        case .firstFrame: "first_frame"
        case .lastFrame: "last_frame"
        case .reference: "reference_image"
        }
    }

    private static func rank(_ role: ImageRole) -> Int {
        switch role {
        case .firstFrame: 0
        case .lastFrame: 1
        case .reference: 2
        }
    }

    // MARK: task object → UpstreamSnapshot

    static func snapshot(_ task: ArkTask, provider: ProviderID) -> UpstreamSnapshot {
        UpstreamSnapshot(
            taskID: task.id,
            status: status(task.status),
            rawStatus: task.status,
            output: output(task),
            usage: usage(task.usage),
            error: task.error.flatMap { jobError($0, provider: provider) }
        )
    }

    /// Ark's six documented statuses; any other word is reported as unrecognised. [REF-GET]
    static func status(_ raw: String) -> UpstreamSnapshot.Status {
        switch raw {
        case "queued": .mapped(.queued)
        case "running": .mapped(.running)
        case "succeeded": .mapped(.succeeded)
        case "failed": .mapped(.failed)
        case "cancelled": .mapped(.cancelled)
        case "expired": .mapped(.expired)
        default: .unrecognised(raw)
        }
    }

    /// The result and the output spec Ark echoes; nil when the task carries none of them.
    static func output(_ task: ArkTask) -> JobOutput? {
        let videoURL = task.content?.videoURL
        let lastFrameURL = task.content?.lastFrameURL
        let output = JobOutput(
            videoURL: videoURL,
            lastFrameURL: lastFrameURL,
            duration: task.duration,
            frames: task.frames,
            resolution: task.resolution,
            ratio: task.ratio,
            fps: task.framesPerSecond,
            seed: task.seed,
            expiresAt: (videoURL ?? lastFrameURL).flatMap { _ in
                task.updatedAt.map { Date(timeIntervalSince1970: TimeInterval($0) + resultURLLifetime) }
            },
            priority: task.priority, safetyIdentifier: task.safetyIdentifier, generateAudio: task.generateAudio,
            outputFormat: task.outputFormat, toolsUsed: task.tools.flatMap { $0.isEmpty ? nil : $0.map(\.type) }
        )
        return output == JobOutput() ? nil : output
    }

    static func usage(_ usage: ArkUsage?) -> JobUsage? {
        guard let usage, usage.completionTokens != nil || usage.totalTokens != nil || usage.toolUsage?.webSearch != nil else { return nil }
        return JobUsage(completionTokens: usage.completionTokens, totalTokens: usage.totalTokens, webSearchCalls: usage.toolUsage?.webSearch)
    }

    /// A task's `error` as a job error, keeping Ark's code and message; nil for an empty error object.
    static func jobError(_ error: ArkTaskError, provider: ProviderID) -> JobError? {
        guard error.code != nil || error.message != nil else { return nil }
        let code = jobErrorCode(forProviderCode: error.code)
        let what =
            switch code {
            case .contentModerated: "moderation refused the content"
            case .realPersonRefused: "moderation found a real person in the reference media"
            case .invalidRequest: "a parameter was rejected"
            default: "the generation failed"
            }
        return JobError(
            code: code, message: "\(provider): \(what)", providerCode: error.code, providerMessage: error.message
        )
    }

    /// Normalises an Ark error code. [REF-ERR]: moderation codes end in `SensitiveContentDetected[.…]` or
    /// `RiskDetection`; parameter problems start with `InvalidParameter`, `MissingParameter` or `InvalidImageURL`.
    static func jobErrorCode(forProviderCode code: String?) -> JobErrorCode {
        guard let code else { return .generationFailed }
        // `…SensitiveContentDetected.PrivacyInformation`: a real person in the reference media (2.x). (seedance-2.md §10)
        if code.contains("SensitiveContentDetected") || code.contains("RiskDetection") { return .moderated(providerCode: code) }
        if ["InvalidParameter", "MissingParameter", "InvalidImageURL"].contains(where: { code.hasPrefix($0) }) {
            return .invalidRequest
        }
        return .generationFailed
    }
}
