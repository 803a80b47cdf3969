import Foundation
import SeedGateCore

/// A create request as the Ark emulator resolved it: defaults applied, `-1` seed and duration drawn,
/// `adaptive` ratio settled, draft fields copied in. Echoed in the task object once it has succeeded.
public struct ArkTaskSpec: Sendable, Equatable {
    public struct Image: Sendable, Equatable {
        public var url: String
        /// `first_frame`, `last_frame`, `reference_image`, or nil when the request left it out.
        public var role: String?
    }

    public var model: String
    public var generation: ArkModelRules.Generation
    public var prompt: String?
    public var images: [Image]
    public var resolution: String
    /// The ratio as reported (`adaptive` becomes `16:9`).
    public var ratio: String
    /// Seconds; nil when the request used `frames`.
    public var duration: Int?
    public var frames: Int?
    /// The seed actually used.
    public var seed: Int64
    /// Only set on models with audio (1.5 pro).
    public var generateAudio: Bool?
    /// Only set on models with draft mode (1.5 pro).
    public var draft: Bool?
    public var draftTaskID: String?
    public var returnLastFrame: Bool
    public var cameraFixed: Bool
    public var watermark: Bool
    public var serviceTier: String
    public var executionExpiresAfter: Int
    public var callbackURL: String?
    // Seedance 2.x (seedance-2.md §3, seedance-2.md §4, seedance-2.md §11); 1.x tasks keep the defaults.
    /// `reference_video` and `reference_audio` URLs, in request order.
    public var videos: [String] = []
    public var audios: [String] = []
    /// The queue priority, 0–9 (default 0); 2.x only.
    public var priority: Int? = nil
    public var safetyIdentifier: String? = nil
    /// Whether `tools: [{"type":"web_search"}]` was sent.
    public var webSearch = false
    /// `mp4` or `mov`; 2.5 only.
    public var outputFormat: String? = nil
    /// `auto`, `reference`, `edit` or `extend` as declared; 2.5 only (not echoed: seedance-2.md §11 lists no such task field).
    public var omniReferenceTaskType: String? = nil

    /// Output frames: `frames`, or 24 per second of `duration`.
    public var frameCount: Int { frames ?? (duration ?? 5) * 24 }

    /// Billed tokens: width × height × frames / 1024 with the model's pixel table.
    public var tokens: Int { ArkPixelSizes.tokens(generation, resolution: resolution, ratio: ratio, frames: frameCount) }
}

extension ArkTaskObject {
    /// The task as Ark shows it at `state`: output fields only once succeeded, `error` only when failed.
    /// Result URLs point at the emulator's own file server (`EmulatorFileRoutes`; which files: `ArkEmulator+Files.swift`).
    init(_ state: EmulatedTaskState<ArkTaskSpec>, baseURL: String) {
        let spec = state.task.spec
        self.init(
            id: state.id, model: spec.model, status: state.status.rawValue,
            error: state.failure.map { ArkTaskError(code: $0.code, message: $0.message) },
            createdAt: Int(state.task.createdAt.timeIntervalSince1970),
            updatedAt: Int(state.updatedAt.timeIntervalSince1970),
            serviceTier: spec.serviceTier, executionExpiresAfter: spec.executionExpiresAfter
        )
        guard state.status == .succeeded else { return }
        let files = spec.resultFiles
        content = Content(
            videoURL: files.videoURL(baseURL: baseURL, taskID: state.id),
            lastFrameURL: files.lastFrameURL(baseURL: baseURL, taskID: state.id))
        // EMULATOR ASSUMPTION (seedance-2.md §9): with web search enabled the model searched once; `tools` lists the tool it used.
        usage = Usage(
            completionTokens: spec.tokens, totalTokens: spec.tokens, toolUsage: spec.webSearch ? ToolUsage(webSearch: 1) : nil)
        tools = spec.webSearch ? [ArkTool(type: "web_search")] : nil
        priority = spec.priority
        safetyIdentifier = spec.safetyIdentifier
        outputFormat = spec.outputFormat
        seed = spec.seed
        resolution = spec.resolution
        ratio = spec.ratio
        duration = spec.duration
        frames = spec.frames
        framesPerSecond = 24
        generateAudio = spec.generateAudio
        draft = spec.draft
        draftTaskID = spec.draftTaskID
    }
}
