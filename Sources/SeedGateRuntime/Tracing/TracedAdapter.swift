import Foundation
import SeedGateCore
import Tracing

/// Which provider call an upstream HTTP request belongs to, for the transport's span name
/// (`POST volcengine-ark create`). Set by `TracedAdapter` around each adapter call.
public struct UpstreamCall: Sendable, Equatable {
    public var provider: ProviderID
    /// `create`, `status`, `cancel` or `list`.
    public var operation: String

    public init(provider: ProviderID, operation: String) {
        self.provider = provider
        self.operation = operation
    }
}

enum UpstreamCallKey: ServiceContextKey {
    typealias Value = UpstreamCall
    static var nameOverride: String? { "seedgate-upstream-call" }
}

extension ServiceContext {
    /// The provider call in progress (nil outside one).
    public var upstreamCall: UpstreamCall? {
        get { self[UpstreamCallKey.self] }
        set { self[UpstreamCallKey.self] = newValue }
    }
}

/// Wraps a provider adapter so the transport knows which provider and operation each HTTP request serves (the
/// transport makes the span; an adapter call may make several requests, e.g. a token exchange and a create).
public struct TracedAdapter: ProviderAdapter {
    let base: any ProviderAdapter

    public init(_ base: any ProviderAdapter) { self.base = base }

    public var id: ProviderID { base.id }
    public var maxBatchSize: Int { base.maxBatchSize }
    public var listsRecentTasks: Bool { base.listsRecentTasks }

    public func submit(_ request: SubmitRequest, context: ProviderContext) async throws(ProviderError) -> Submission {
        try await during("create") { () async throws(ProviderError) in try await base.submit(request, context: context) }
    }

    public func fetch(_ targets: [FetchTarget], context: ProviderContext) async throws(ProviderError) -> [String: FetchResult] {
        try await during("status") { () async throws(ProviderError) in try await base.fetch(targets, context: context) }
    }

    public func cancel(taskID: String, context: ProviderContext) async throws(ProviderError) -> CancelOutcome {
        try await during("cancel") { () async throws(ProviderError) in try await base.cancel(taskID: taskID, context: context) }
    }

    public func recentTasks(createdSince: Date, context: ProviderContext) async throws(ProviderError) -> [RecentTask] {
        try await during("list") { () async throws(ProviderError) in try await base.recentTasks(createdSince: createdSince, context: context) }
    }

    public func decodeCallback(_ body: Data) throws(ProviderError) -> UpstreamSnapshot { try base.decodeCallback(body) }
    public func status(forWord word: String) -> UpstreamSnapshot.Status { base.status(forWord: word) }

    private func during<T: Sendable>(_ operation: String, _ call: () async throws(ProviderError) -> T) async throws(ProviderError) -> T {
        var context = ServiceContext.current ?? .topLevel
        context.upstreamCall = UpstreamCall(provider: base.id, operation: operation)
        let result = await ServiceContext.$current.withValue(context) { () async -> Result<T, ProviderError> in
            do throws(ProviderError) {
                return .success(try await call())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
