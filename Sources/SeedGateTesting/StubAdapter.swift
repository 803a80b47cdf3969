import Foundation
import Logging
import SeedGateCore
import Synchronization

/// A scripted adapter: answers submits, fetches and cancels from queues the test fills, and records calls.
public final class StubAdapter: ProviderAdapter {
    public let id: ProviderID
    public let maxBatchSize = 10
    private struct State {
        var submitResults: [Result<Submission, ProviderError>] = []
        var fetchResults: [String: FetchResult] = [:]
        var cancelResult: Result<CancelOutcome, ProviderError> = .success(.cancelled)
        var batchFailure: ProviderError?
        var fetchFailures: [ProviderError] = []
        var recent: [RecentTask]?
        var listings = 0
        var fetches: [[String]] = []
        var submits: [SubmitRequest] = []
        var cancels: [String] = []
    }
    private let state = Mutex(State())

    public init(id: ProviderID) { self.id = id }

    public func willSubmit(_ results: Result<Submission, ProviderError>...) { state.withLock { $0.submitResults += results } }
    public func willReport(_ taskID: String, _ result: FetchResult) { state.withLock { $0.fetchResults[taskID] = result } }
    public func willCancel(_ result: Result<CancelOutcome, ProviderError>) { state.withLock { $0.cancelResult = result } }
    /// Every fetch call that has more than one target fails with `error` (single reads still answer).
    public func failBatches(with error: ProviderError?) { state.withLock { $0.batchFailure = error } }
    /// The next fetch calls (one per error, whatever their size) fail with these errors, in order.
    public func failFetches(_ errors: ProviderError...) { state.withLock { $0.fetchFailures += errors } }
    /// Makes the stub list its recent tasks (as Chanjing does) and sets what the list holds.
    public func willList(_ tasks: [RecentTask]) { state.withLock { $0.recent = tasks } }
    /// How many recent-task listings were asked for.
    public var listings: Int { state.withLock { $0.listings } }
    public var submits: [SubmitRequest] { state.withLock { $0.submits } }
    /// The task ids of every fetch call, in order.
    public var fetches: [[String]] { state.withLock { $0.fetches } }
    public var cancels: [String] { state.withLock { $0.cancels } }

    public func submit(_ request: SubmitRequest, context: ProviderContext) async throws(ProviderError) -> Submission {
        let result = state.withLock { state -> Result<Submission, ProviderError> in
            state.submits.append(request)
            return state.submitResults.isEmpty ? .success(Submission(taskID: "task-\(state.submits.count)")) : state.submitResults.removeFirst()
        }
        return try result.get()
    }

    public func fetch(_ targets: [FetchTarget], context: ProviderContext) async throws(ProviderError) -> [String: FetchResult] {
        let result = state.withLock { state -> Result<[String: FetchResult], ProviderError> in
            state.fetches.append(targets.map(\.taskID))
            if !state.fetchFailures.isEmpty { return .failure(state.fetchFailures.removeFirst()) }
            if targets.count > 1, let failure = state.batchFailure { return .failure(failure) }
            return .success(Dictionary(uniqueKeysWithValues: targets.map { ($0.taskID, state.fetchResults[$0.taskID] ?? .notFound) }))
        }
        return try result.get()
    }

    public func cancel(taskID: String, context: ProviderContext) async throws(ProviderError) -> CancelOutcome {
        let result = state.withLock { state in
            state.cancels.append(taskID)
            return state.cancelResult
        }
        return try result.get()
    }

    public var listsRecentTasks: Bool { state.withLock { $0.recent != nil } }

    public func recentTasks(createdSince: Date, context: ProviderContext) async throws(ProviderError) -> [RecentTask] {
        state.withLock { state in
            state.listings += 1
            return (state.recent ?? []).filter { ($0.createdAt ?? .distantPast) >= createdSince }
        }
    }

    /// A test callback body: `{"id": "<task id>", "status": "<SeedGate status word>"}`.
    public func decodeCallback(_ body: Data) throws(ProviderError) -> UpstreamSnapshot {
        struct Body: Decodable {
            var id: String
            var status: String
        }
        guard let decoded = try? JSONDecoder().decode(Body.self, from: body) else {
            throw ProviderError(.malformedResponse, providerMessage: "not a test callback body")
        }
        return UpstreamSnapshot(taskID: decoded.id, status: status(forWord: decoded.status), rawStatus: decoded.status)
    }

    /// SeedGate's own status names, as a provider speaking them would.
    public func status(forWord word: String) -> UpstreamSnapshot.Status {
        JobStatus(rawValue: word).map { .mapped($0) } ?? .unrecognised(word)
    }
}

/// A transport that refuses every call: stub adapters never use theirs.
public struct NoTransport: UpstreamTransport {
    public init() {}

    public func send(_ request: UpstreamRequest) async throws(TransportFailure) -> UpstreamResponse {
        throw TransportFailure(.connection, requestSent: false, detail: "no transport in unit tests")
    }
}

extension ConfiguredProvider {
    /// A provider served by `adapter`, with a manifest shaped like Volcengine Ark's (`Fixtures.manifest`).
    public static func stub(_ adapter: StubAdapter) -> ConfiguredProvider {
        ConfiguredProvider(
            manifest: Fixtures.manifest(adapter.id), adapter: adapter,
            context: ProviderContext(
                baseURL: "https://example.invalid", credentials: ProviderCredentials(["api_key": "k"]),
                transport: NoTransport(), logger: Logger(label: "test"))
        )
    }
}
