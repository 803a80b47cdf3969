import Foundation
import SeedGateCore

/// Translation between SeedGate's vocabulary and ModelVerse's task API (facts: docs/providers/modelverse.md, [S002]).
enum ModelVerseMapping {
    /// How long a result URL is kept after the task finished. Not stated for Seedance; the Veo-3.1 doc on the same
    /// `/v1/tasks` endpoints says 24 h by default (modelverse.md, Results: INFERRED the same applies).
    static let resultURLLifetime: TimeInterval = 24 * 60 * 60

    // MARK: JobSpec → submit body

    /// The submit body for a normalised spec: every value the spec carries is sent, nothing else. Features ModelVerse
    /// does not document (reference images, `frames`, returning the last frame) are refused before anything is sent,
    /// never silently dropped; the manifest keeps the validator from letting them through in the first place.
    static func submitBody(for request: SubmitRequest) throws(ProviderError) -> ModelVerseSubmitBody {
        let spec = request.spec
        if spec.scenario == .referenceImages { throw unsupported("reference images") }
        if spec.hasReferenceMedia { throw unsupported("reference videos or audio (ModelVerse documents no Seedance 2.x)") }
        if spec.frames != nil { throw unsupported("frames (use duration)") }
        if spec.returnLastFrame == true { throw unsupported("returning the last frame") }
        return ModelVerseSubmitBody(
            model: request.upstreamModel,
            // The content items are Ark's own, in the same order and with explicit roles. [S002]
            input: ModelVerseInput(content: try ArkMapping.content(for: request)),
            parameters: ModelVerseParameters(
                executionExpiresAfter: spec.expiresAfter,
                // ModelVerse defaults this to false (Ark: true), so SeedGate's value is always sent. [S002]
                generateAudio: spec.generateAudio,
                draft: spec.draft,
                resolution: spec.resolution,
                ratio: spec.ratio,
                duration: spec.duration,
                seed: spec.seed,
                cameraFixed: spec.cameraFixed,
                watermark: spec.watermark,
                serviceTier: spec.serviceTier?.rawValue
            )
        )
    }

    private static func unsupported(_ what: String) -> ProviderError {
        ProviderError(.unsupported, providerMessage: "ModelVerse does not offer \(what)", requestSent: false)
    }

    // MARK: status answer → UpstreamSnapshot

    static func snapshot(_ response: ModelVerseStatusResponse, provider: ProviderID) -> UpstreamSnapshot {
        let task = response.output
        let status = status(task.taskStatus)
        return UpstreamSnapshot(
            taskID: task.taskID,
            status: status,
            rawStatus: task.taskStatus,
            output: output(task, usage: response.usage),
            usage: usage(response.usage),
            error: status == .mapped(.failed) || task.errorMessage != nil ? jobError(task.errorMessage, provider: provider) : nil
        )
    }

    /// ModelVerse's five documented statuses, matched exactly (they are capitalised); any other word, including a
    /// differently cased one, is reported as unrecognised. [S002]
    static func status(_ raw: String) -> UpstreamSnapshot.Status {
        switch raw {
        case "Pending": .mapped(.queued)
        case "Running": .mapped(.running)
        case "Success": .mapped(.succeeded)
        case "Failure": .mapped(.failed)
        case "Expired": .mapped(.expired)
        default: .unrecognised(raw)
        }
    }

    /// The video and its length; nil while there is no video. ModelVerse returns no last frame, resolution, ratio,
    /// seed or fps, and `usage.duration` echoes the requested length even on failure, so it is only read beside a URL.
    static func output(_ task: ModelVerseTask, usage: ModelVerseUsage?) -> JobOutput? {
        guard let videoURL = task.urls?.first(where: { !$0.isEmpty }) else { return nil }
        return JobOutput(
            videoURL: videoURL,
            duration: usage?.duration,
            expiresAt: task.finishTime.map { Date(timeIntervalSince1970: TimeInterval($0) + resultURLLifetime) }
        )
    }

    static func usage(_ usage: ModelVerseUsage?) -> JobUsage? {
        guard let usage, usage.completionTokens != nil || usage.totalTokens != nil else { return nil }
        return JobUsage(completionTokens: usage.completionTokens, totalTokens: usage.totalTokens)
    }

    /// A failed task's error. ModelVerse gives only `error_message`, without a code field; when the message starts
    /// with an upstream (Ark) error code, that code is kept as the provider code, and the normalised code is read
    /// from it or, failing that, from the message's wording.
    static func jobError(_ message: String?, provider: ProviderID) -> JobError {
        let providerCode = upstreamCode(in: message)
        let code = jobErrorCode(providerCode: providerCode, message: message)
        let what =
            switch code {
            case .contentModerated: "moderation refused the content"
            case .realPersonRefused: "moderation found a real person in the reference media"
            case .invalidRequest: "a parameter was rejected"
            default: "the generation failed"
            }
        return JobError(code: code, message: "\(provider): \(what)", providerCode: providerCode, providerMessage: message)
    }

    /// The Ark-style code an `error_message` opens with, as in `OutputVideoSensitiveContentDetected: The request
    /// failed…` or `InvalidParameter.Duration: …`: a CamelCase word of at least two parts, optional `.Suffix`es, then
    /// a colon. What ModelVerse writes into `error_message` is not documented (modelverse.md, Unknown); a message of
    /// any other form yields no code, never a guessed one.
    static func upstreamCode(in message: String?) -> String? {
        guard let message, let colon = message.firstIndex(of: ":") else { return nil }
        let token = message[..<colon]
        guard token.wholeMatch(of: /[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+(?:\.[A-Za-z0-9]+)*/) != nil else { return nil }
        return String(token)
    }

    /// Which message words mean moderation when no code says so. The model runs on Ark, so Ark's moderation codes
    /// (`…SensitiveContentDetected…`, `…RiskDetection`) and wording ("may contain sensitive information"), and the
    /// platform's own sensitive-check codes, are taken as moderation. Anything else is a plain generation failure.
    static let moderationMarkers = [
        "SensitiveContentDetected", "RiskDetection", "sensitive_check_error", "invalid_messages", "sensitive information",
        "sensitive content", "敏感",
    ]

    /// The normalised code: Ark's classification of a leading code when it has one, else the message's wording.
    static func jobErrorCode(providerCode: String?, message: String?) -> JobErrorCode {
        let fromCode = ArkMapping.jobErrorCode(forProviderCode: providerCode)
        if fromCode != .generationFailed { return fromCode }
        guard let message else { return .generationFailed }
        let moderated = moderationMarkers.contains { message.range(of: $0, options: .caseInsensitive) != nil }
        return moderated ? .contentModerated : .generationFailed
    }
}
