import Foundation
import SeedGateCore

/// Wraps a provider adapter to count and time every upstream call by operation and outcome.
public struct InstrumentedAdapter: ProviderAdapter {
    let base: any ProviderAdapter
    let metrics: SeedGateMetrics

    public init(_ base: any ProviderAdapter, metrics: SeedGateMetrics) {
        self.base = base
        self.metrics = metrics
    }

    public var id: ProviderID { base.id }
    public var maxBatchSize: Int { base.maxBatchSize }

    public func submit(_ request: SubmitRequest, context: ProviderContext) async throws(ProviderError) -> Submission {
        try await measure("submit") { () async throws(ProviderError) in try await base.submit(request, context: context) }
    }

    public func fetch(_ targets: [FetchTarget], context: ProviderContext) async throws(ProviderError) -> [String: FetchResult] {
        try await measure("fetch") { () async throws(ProviderError) in try await base.fetch(targets, context: context) }
    }

    public func cancel(taskID: String, context: ProviderContext) async throws(ProviderError) -> CancelOutcome {
        try await measure("cancel") { () async throws(ProviderError) in try await base.cancel(taskID: taskID, context: context) }
    }

    public var listsRecentTasks: Bool { base.listsRecentTasks }

    public func recentTasks(createdSince: Date, context: ProviderContext) async throws(ProviderError) -> [RecentTask] {
        try await measure("list") { () async throws(ProviderError) in try await base.recentTasks(createdSince: createdSince, context: context) }
    }

    public func decodeCallback(_ body: Data) throws(ProviderError) -> UpstreamSnapshot { try base.decodeCallback(body) }
    public func status(forWord word: String) -> UpstreamSnapshot.Status { base.status(forWord: word) }

    private func measure<T>(_ operation: String, _ call: () async throws(ProviderError) -> T) async throws(ProviderError) -> T {
        let start = ContinuousClock.now
        func seconds() -> Double {
            (ContinuousClock.now - start) / .seconds(1)
        }
        do {
            let result = try await call()
            metrics.upstreamCall(provider: base.id, operation: operation, outcome: "ok", seconds: seconds())
            return result
        } catch {
            metrics.upstreamCall(provider: base.id, operation: operation, outcome: error.kind.rawValue, seconds: seconds())
            throw error
        }
    }
}
