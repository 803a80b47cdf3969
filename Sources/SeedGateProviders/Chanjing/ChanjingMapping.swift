import Foundation
import SeedGateCore

/// Translation between SeedGate's vocabulary and Chanjing's ai_creation API (facts: docs/providers/chanjing.md and
/// its source [S004], Chanjing's page for Doubao-Seedance-1.0-lite-i2v).
enum ChanjingMapping {
    /// `creation_type` of a video task (3 is an image). [S004]
    static let videoCreationType = 4

    // MARK: JobSpec → submit body

    /// The submit body for a normalised spec: prompt, ratio, clarity, duration and the frames, all explicit.
    /// Fails before anything is sent when the spec holds something Chanjing cannot take.
    static func submitBody(for request: SubmitRequest, imageField: ChanjingAdapter.ImageField) throws(ProviderError) -> ChanjingSubmitBody {
        let spec = request.spec
        guard let prompt = spec.prompt, !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw refusal("Chanjing requires a prompt (ref_prompt is mandatory); the job has none")
        }
        guard let resolution = spec.resolution, let clarity = clarity(resolution) else {
            throw refusal("Chanjing takes clarity 720 or 1080 (720p / 1080p), not \(spec.resolution ?? "none")")
        }
        guard let ratio = spec.ratio else { throw refusal("the normalised spec carries no ratio") }
        guard let duration = spec.duration, spec.frames == nil else {
            throw refusal("Chanjing takes video_duration in seconds; frames are not offered")
        }
        let frames = try frameURLs(spec)
        var body = ChanjingSubmitBody(
            creationType: videoCreationType, modelCode: request.upstreamModel, refPrompt: prompt,
            aspectRatio: ratio, clarity: clarity, videoDuration: duration
        )
        if !frames.isEmpty {
            switch imageField {
            case .refImgURL:
                body.refImgURL = frames
            case .startEndFrame:
                body.startFrame = frames.first
                body.endFrame = frames.count > 1 ? frames[1] : nil
            }
        }
        return body
    }

    /// `clarity` is the output height as an integer: `720p` → 720, `1080p` → 1080. [S004]
    static func clarity(_ resolution: String) -> Int? {
        switch resolution {
        case "720p": 720
        case "1080p": 1080
        default: nil
        }
    }

    /// The inverse of `clarity(_:)` for the value Chanjing echoes (`motion_info.clarity`); nil for 0 or unknown.
    static func resolution(clarity: Int?) -> String? {
        guard let clarity, clarity > 0 else { return nil }
        return "\(clarity)p"
    }

    /// First frame, then last frame. Chanjing takes image URLs: `data:` URLs (which SeedGate accepts) would need its
    /// upload flow, which this adapter does not use; reference images are not a Chanjing scenario.
    private static func frameURLs(_ spec: JobSpec) throws(ProviderError) -> [String] {
        if spec.hasReferenceMedia { throw refusal("Chanjing documents no Seedance 2.x: no reference videos or audio") }
        if spec.images.contains(where: { $0.role == .reference }) {
            throw refusal("Chanjing takes a first frame and an optional last frame, not reference images")
        }
        let frames = [spec.image(.firstFrame), spec.image(.lastFrame)].compactMap { $0?.url }
        if frames.contains(where: { !($0.hasPrefix("https://") || $0.hasPrefix("http://")) }) {
            throw refusal("Chanjing takes image URLs (http or https); data: URLs would need Chanjing's upload flow")
        }
        return frames
    }

    private static func refusal(_ message: String) -> ProviderError {
        ProviderError(.invalidRequest, providerMessage: message, requestSent: false)
    }

    // MARK: task object → UpstreamSnapshot

    static func snapshot(_ task: ChanjingTask, provider: ProviderID) -> UpstreamSnapshot {
        let status = status(task.progressDesc)
        return UpstreamSnapshot(
            taskID: task.uniqueID,
            status: status,
            rawStatus: task.progressDesc,
            output: output(task),
            error: status == .mapped(.failed) ? jobError(task, provider: provider) : nil
        )
    }

    /// `progress_desc`, matched exactly as Chanjing's own poller does ([CJ-SKILLS]); any other word is unrecognised.
    ///
    /// `Ready` maps to `queued`: it sits between `Queued` and `Generating` ([CJ-SKILLS] lists them in that order)
    /// and means the task is prepared to run, not yet generating; SeedGate's `running` means generation has started
    /// (it stamps the job's start time), and a job cannot move back from running, so the later word decides.
    /// `Fail` is not in the documented vocabulary but Chanjing's own scripts treat it as a failure. [CJ-SKILLS]
    static func status(_ raw: String) -> UpstreamSnapshot.Status {
        switch raw {
        case "Queued", "Ready": .mapped(.queued)
        case "Generating": .mapped(.running)
        case "Success": .mapped(.succeeded)
        case "Error", "Fail": .mapped(.failed)
        default: .unrecognised(raw)
        }
    }

    /// The video (`output_url[0]`) with the parameters Chanjing echoes in `motion_info`; nil until there is a video.
    /// Chanjing reports no fps, seed, usage or retention for results.
    static func output(_ task: ChanjingTask) -> JobOutput? {
        guard let videoURL = task.outputURL?.first(where: { !$0.isEmpty }) else { return nil }
        let motion = task.motionInfo
        let ratio = [motion?.aspectRatio, task.aspectRatio].compactMap { $0 }.first { !$0.isEmpty }
        return JobOutput(
            videoURL: videoURL,
            duration: motion?.videoDuration.flatMap { $0 > 0 ? $0 : nil },
            resolution: resolution(clarity: motion?.clarity),
            ratio: ratio
        )
    }

    /// A failed task's `err_msg` as a job error; Chanjing gives tasks no error code. Nil when the message is empty.
    static func jobError(_ task: ChanjingTask, provider: ProviderID) -> JobError? {
        guard let message = task.errMsg, !message.isEmpty else { return nil }
        let moderated = ChanjingErrors.moderationKeywords.contains(where: message.contains)
        return JobError(
            code: moderated ? .contentModerated : .generationFailed,
            message: "\(provider): \(moderated ? "moderation refused the content" : "the generation failed")",
            providerMessage: message
        )
    }
}
