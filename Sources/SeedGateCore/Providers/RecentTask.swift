import Foundation

/// A task as a provider's list of its account's recent tasks shows it: enough to tell which lost create made it
/// (a create whose answer never arrived has no task id to look up). Only providers whose list echoes what was sent
/// (Chanjing: the prompt and the model, with the creation time) can offer it.
public struct RecentTask: Sendable, Equatable {
    public var taskID: String
    public var createdAt: Date?
    /// The model id the task was made with, as sent upstream.
    public var upstreamModel: String?
    /// The prompt the task was made with, as sent.
    public var prompt: String?
    /// The task's state, as a status read would give it.
    public var snapshot: UpstreamSnapshot

    public init(taskID: String, createdAt: Date?, upstreamModel: String?, prompt: String?, snapshot: UpstreamSnapshot) {
        self.taskID = taskID
        self.createdAt = createdAt
        self.upstreamModel = upstreamModel
        self.prompt = prompt
        self.snapshot = snapshot
    }
}

extension ProviderAdapter {
    /// No list of recent tasks (the default): lost creates at this provider can only be confirmed by a callback.
    public var listsRecentTasks: Bool { false }

    public func recentTasks(createdSince: Date, context: ProviderContext) async throws(ProviderError) -> [RecentTask] {
        throw ProviderError(.unsupported, providerMessage: "\(id) cannot list recent tasks", requestSent: false)
    }
}
