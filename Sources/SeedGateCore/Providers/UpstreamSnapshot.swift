import Foundation

/// What a provider says about one task at one moment, in SeedGate's terms.
public struct UpstreamSnapshot: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case mapped(JobStatus)
        /// A status word the adapter does not know: the job keeps its state and a warning is logged.
        case unrecognised(String)
    }

    public var taskID: String
    public var status: Status
    /// The provider's own status word, kept for visibility.
    public var rawStatus: String
    public var output: JobOutput?
    public var usage: JobUsage?
    public var error: JobError?

    public init(
        taskID: String, status: Status, rawStatus: String, output: JobOutput? = nil, usage: JobUsage? = nil,
        error: JobError? = nil
    ) {
        self.taskID = taskID
        self.status = status
        self.rawStatus = rawStatus
        self.output = output
        self.usage = usage
        self.error = error
    }
}

/// The answer to "how is task X?": a snapshot, or the provider no longer knowing the task.
public enum FetchResult: Sendable, Equatable {
    case found(UpstreamSnapshot)
    case notFound
}
