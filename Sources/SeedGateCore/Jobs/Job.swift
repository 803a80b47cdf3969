import Foundation

/// A video generation job as SeedGate stores it. `JobService` is the only code that changes one.
public struct Job: Sendable, Codable, Equatable {
    public var id: JobID
    public var tenant: String
    public var status: JobStatus
    /// The request as normalised for the provider that has it: the route's first provider until a create is
    /// accepted, then the provider that accepted it (exactly what was sent).
    public var spec: JobSpec
    /// The request as the client sent it, before any provider's defaults. Each create attempt normalises this for
    /// the provider actually called (nil on jobs stored before it existed: `spec` is used then).
    public var requestedSpec: JobSpec?
    /// Providers to try, in order, chosen at creation from the route then in force.
    public var route: [ProviderID]
    /// The provider that accepted the task, or the one being tried.
    public var provider: ProviderID?
    public var submission: SubmissionState
    public var upstream: UpstreamRef?
    public var output: JobOutput?
    public var usage: JobUsage?
    public var error: JobError?
    public var attempts: [Attempt]
    public var metadata: [String: String]
    public var callbackURL: String?
    public var idempotencyKey: String?
    /// A digest of the create request, to tell a retry (same key, same body) from a misuse (same key, other body).
    public var requestFingerprint: String?
    /// The unguessable token in the callback URL handed to the provider (`/v1/callbacks/{provider}/{token}`).
    public var callbackToken: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Accepted jobs only: when the poller should next ask the provider about this job.
    public var nextCheckAt: Date?
    /// Pending jobs only: the earliest time of the next create attempt, after a whole round of the route failed
    /// (nil: as soon as the provider's budget allows).
    public var submitAfter: Date?
    /// Unconfirmed jobs only: until when a provider callback may still name the task of the create whose answer was
    /// lost (then the job fails `submit_outcome_unknown`).
    public var unconfirmedUntil: Date?
    /// The W3C `traceparent` of the request that created the job (nil: it came outside any trace, or before
    /// tracing). The dispatcher, poller and webhook delivery continue this trace when they act for the job, so a job
    /// is one trace from its create request to its last webhook. A plain string: the core does no tracing.
    public var traceParent: String?
    /// Compare-and-set version; the store bumps it on every write.
    public var version: Int

    public init(
        id: JobID, tenant: String, spec: JobSpec, route: [ProviderID], metadata: [String: String],
        callbackURL: String?, idempotencyKey: String?, createdAt: Date
    ) {
        self.id = id
        self.tenant = tenant
        self.status = .queued
        self.spec = spec
        self.requestedSpec = nil
        self.route = route
        self.provider = nil
        self.submission = .pending
        self.upstream = nil
        self.output = nil
        self.usage = nil
        self.error = nil
        self.attempts = []
        self.metadata = metadata
        self.callbackURL = callbackURL
        self.idempotencyKey = idempotencyKey
        self.requestFingerprint = nil
        self.callbackToken = nil
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.startedAt = nil
        self.finishedAt = nil
        self.nextCheckAt = nil
        self.submitAfter = nil
        self.unconfirmedUntil = nil
        self.traceParent = nil
        self.version = 0
    }

    public var model: String { spec.model }

    /// The trace id of `traceParent` (its second field, 32 hex digits), which the stores index as `trace_id` so a
    /// job can be found from the `trace_id` of a log line; nil when there is none or it is malformed.
    public var traceID: String? {
        guard let traceParent else { return nil }
        let fields = traceParent.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[1].utf8.count == 32, fields[1].utf8.allSatisfy({ $0.isLowercaseHexDigit }) else { return nil }
        return String(fields[1])
    }

    /// The provider the next create attempt goes to: the route, in order, round after round (a provider whose
    /// create circuit is open is skipped at dispatch time).
    public var nextProvider: ProviderID? {
        guard !route.isEmpty else { return nil }
        let tried = attempts.filter { $0.outcome == .retryable }.count
        return route[tried % route.count]
    }

    /// The lane a job waiting for its create queues in: its next provider with its model. Lanes are dispatched apart,
    /// so jobs for a saturated provider or model never hold up others. Nil once the job no longer waits.
    public var lane: ProviderModel? {
        guard status == .queued, submission == .pending, let provider = nextProvider else { return nil }
        return ProviderModel(provider: provider, model: model)
    }

    /// When the engine next acts on this job: its next create attempt while it waits to be submitted, its next status
    /// check once a provider accepted it (nil: nothing is scheduled). Stores index it; claims lease it separately.
    public var dueAt: Date? {
        switch submission {
        case .pending: submitAfter
        case .accepted: nextCheckAt
        case .unconfirmed: unconfirmedUntil
        case .submitting, .abandoned: nil
        }
    }
}

extension UInt8 {
    fileprivate var isLowercaseHexDigit: Bool { (0x30...0x39).contains(self) || (0x61...0x66).contains(self) }
}

/// Where a job stands with respect to paying a provider.
public enum SubmissionState: String, Sendable, Codable {
    /// Nothing has been sent upstream.
    case pending
    /// A create request is in flight; its outcome is not yet recorded.
    case submitting
    /// The create was sent but its answer was lost; the provider may have made (and will bill) the task. The job
    /// waits, never resubmitted, for the provider's callback to name the task (then it is `accepted`) until
    /// `unconfirmedUntil`. Only where the provider calls back and SeedGate handed it a callback URL.
    case unconfirmed
    /// A provider accepted the task; the job never moves to another provider after this.
    case accepted
    /// The job ended before any provider accepted it.
    case abandoned
}

public struct UpstreamRef: Sendable, Codable, Equatable {
    public var taskID: String
    /// The provider's own status word, exactly as last seen.
    public var status: String?
    /// When the provider first reported success without a result (no video URL): such a success is not terminal;
    /// the job keeps being followed until `JobService.missingResultPatience` has passed since then.
    public var resultMissingSince: Date?

    public init(taskID: String, status: String?, resultMissingSince: Date? = nil) {
        self.taskID = taskID
        self.status = status
        self.resultMissingSince = resultMissingSince
    }
}

public struct JobOutput: Sendable, Codable, Equatable {
    public var videoURL: String?
    public var lastFrameURL: String?
    public var duration: Int?
    public var frames: Int?
    public var resolution: String?
    public var ratio: String?
    public var fps: Int?
    public var seed: Int64?
    public var expiresAt: Date?
    /// What the provider echoes of the request (Seedance 2.x): the queue priority, the end-user id, whether audio was
    /// generated, the container, and the tools the model actually used.
    public var priority: Int?
    public var safetyIdentifier: String?
    public var generateAudio: Bool?
    public var outputFormat: String?
    public var toolsUsed: [String]?
    /// The provider's own result URLs, kept when `videoURL`/`lastFrameURL` move to SeedGate's archived copy.
    public var providerVideoURL: String?
    public var providerLastFrameURL: String?
    /// SeedGate's copy of the result files (nil when archiving is off, or for jobs that never succeeded).
    public var archive: ArchiveState?

    public init(
        videoURL: String? = nil, lastFrameURL: String? = nil, duration: Int? = nil, frames: Int? = nil,
        resolution: String? = nil, ratio: String? = nil, fps: Int? = nil, seed: Int64? = nil, expiresAt: Date? = nil,
        priority: Int? = nil, safetyIdentifier: String? = nil, generateAudio: Bool? = nil, outputFormat: String? = nil,
        toolsUsed: [String]? = nil
    ) {
        self.videoURL = videoURL
        self.lastFrameURL = lastFrameURL
        self.duration = duration
        self.frames = frames
        self.resolution = resolution
        self.ratio = ratio
        self.fps = fps
        self.seed = seed
        self.expiresAt = expiresAt
        self.priority = priority
        self.safetyIdentifier = safetyIdentifier
        self.generateAudio = generateAudio
        self.outputFormat = outputFormat
        self.toolsUsed = toolsUsed
    }
}

public struct JobUsage: Sendable, Codable, Equatable {
    public var completionTokens: Int?
    public var totalTokens: Int?
    /// Web searches the model made (`usage.tool_usage.web_search`), where web search was enabled.
    public var webSearchCalls: Int?

    public init(completionTokens: Int?, totalTokens: Int?, webSearchCalls: Int? = nil) {
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
        self.webSearchCalls = webSearchCalls
    }
}

public struct JobError: Sendable, Codable, Equatable {
    public var code: JobErrorCode
    public var message: String
    public var providerCode: String?
    public var providerMessage: String?

    public init(code: JobErrorCode, message: String, providerCode: String? = nil, providerMessage: String? = nil) {
        self.code = code
        self.message = message
        self.providerCode = providerCode
        self.providerMessage = providerMessage
    }
}

/// One try at handing the job to a provider.
public struct Attempt: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        case accepted
        case rejected
        case retryable
        case unknown
    }

    public var provider: ProviderID
    public var outcome: Outcome
    public var error: JobError?
    public var at: Date

    public init(provider: ProviderID, outcome: Outcome, error: JobError?, at: Date) {
        self.provider = provider
        self.outcome = outcome
        self.error = error
        self.at = at
    }
}
