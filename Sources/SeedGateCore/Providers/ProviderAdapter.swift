import Foundation
import Logging

/// Everything an adapter needs for one call: where the provider is, how to reach it, and who we are there.
public struct ProviderContext: Sendable {
    public var baseURL: String
    public var credentials: ProviderCredentials
    public var transport: any UpstreamTransport
    public var logger: Logger
    /// The manifest's `options`: wire choices where the provider's documents allow two readings.
    public var options: [String: String]
    /// State shared with the same provider's adapter in every replica (the store), when the store offers it; nil
    /// in tests and tools that build a context by hand, where the adapter keeps such state per process.
    public var sharedState: (any ProviderSharedState)?

    public init(
        baseURL: String, credentials: ProviderCredentials, transport: any UpstreamTransport, logger: Logger, options: [String: String] = [:],
        sharedState: (any ProviderSharedState)? = nil
    ) {
        self.baseURL = baseURL
        self.credentials = credentials
        self.transport = transport
        self.logger = logger
        self.options = options
        self.sharedState = sharedState
    }
}

/// Secrets for one provider, by name (`api_key`, `app_id`, `secret_key`). Never printed: `description` hides values.
public struct ProviderCredentials: Sendable, CustomStringConvertible {
    private let values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    public subscript(name: String) -> String? { values[name] }

    public func required(_ name: String) throws(ProviderError) -> String {
        guard let value = values[name], !value.isEmpty else {
            throw ProviderError(.unauthorized, providerMessage: "credential \(name) is not configured", requestSent: false)
        }
        return value
    }

    public var names: [String] { values.keys.sorted() }
    public var description: String { "ProviderCredentials(\(names.joined(separator: ", ")): <redacted>)" }
}

/// What the dispatcher hands an adapter to create a task.
public struct SubmitRequest: Sendable {
    public var jobID: JobID
    /// The normalised spec, with SeedGate's defaults already applied.
    public var spec: JobSpec
    /// The provider's id for the model (from the manifest).
    public var upstreamModel: String
    /// The upstream task id of the draft this job turns into a final video, if any.
    public var draftTaskID: String?
    /// Where the provider should send status callbacks, when the provider supports them.
    public var callbackURL: String?

    public init(jobID: JobID, spec: JobSpec, upstreamModel: String, draftTaskID: String? = nil, callbackURL: String? = nil) {
        self.jobID = jobID
        self.spec = spec
        self.upstreamModel = upstreamModel
        self.draftTaskID = draftTaskID
        self.callbackURL = callbackURL
    }
}

/// A task the provider accepted. Some providers answer a create with the finished result already.
public struct Submission: Sendable, Equatable {
    public var taskID: String
    public var snapshot: UpstreamSnapshot?

    public init(taskID: String, snapshot: UpstreamSnapshot? = nil) {
        self.taskID = taskID
        self.snapshot = snapshot
    }
}

/// A task to look up; the service tier matters to providers whose list call filters by tier.
public struct FetchTarget: Sendable, Hashable {
    public var taskID: String
    public var serviceTier: ServiceTier

    public init(taskID: String, serviceTier: ServiceTier = .default) {
        self.taskID = taskID
        self.serviceTier = serviceTier
    }
}

public enum CancelOutcome: Sendable, Equatable {
    /// The provider cancelled the task.
    case cancelled
    /// The provider refuses to cancel the task in its current state (the reason is for the client).
    case refused(String)
    /// Nothing was cancelled: the task had already ended upstream (it finished while the cancel was on its way),
    /// and this is its state. SeedGate records it and answers that the job is already finished.
    case finished(UpstreamSnapshot)
}

/// One provider's API, translated. Adapters hold no I/O library: they build `UpstreamRequest`s and parse
/// `UpstreamResponse`s through the context's transport, so every call can be replayed from a recording.
public protocol ProviderAdapter: Sendable {
    var id: ProviderID { get }
    /// How many tasks one `fetch` call can ask about at once (1 for providers without a batch query).
    var maxBatchSize: Int { get }

    func submit(_ request: SubmitRequest, context: ProviderContext) async throws(ProviderError) -> Submission
    /// Looks up tasks; the result has an entry for every target asked about.
    func fetch(_ targets: [FetchTarget], context: ProviderContext) async throws(ProviderError) -> [String: FetchResult]
    func cancel(taskID: String, context: ProviderContext) async throws(ProviderError) -> CancelOutcome
    /// Reads a provider callback body. Callbacks are unsigned: the result is a hint to verify, never the truth.
    func decodeCallback(_ body: Data) throws(ProviderError) -> UpstreamSnapshot
    /// What a status word of the provider's means for the job (`.unrecognised` for words the adapter does not know).
    /// The manifest's `status_words` lists the documented ones; a test checks the two agree.
    func status(forWord word: String) -> UpstreamSnapshot.Status
    /// Whether `recentTasks` works (default false; `RecentTask.swift`).
    var listsRecentTasks: Bool { get }
    /// The account's tasks created since `createdSince` (at least those; a provider may list more), for finding the
    /// task of a create whose answer was lost.
    func recentTasks(createdSince: Date, context: ProviderContext) async throws(ProviderError) -> [RecentTask]
}
