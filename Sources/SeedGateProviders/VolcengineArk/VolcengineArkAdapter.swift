import Foundation
import SeedGateCore

/// Volcengine Ark (火山方舟), `https://ark.cn-beijing.volces.com`, the first-party Seedance API. SeedGate creates a
/// task with `POST /api/v3/contents/generations/tasks` (API key as `Authorization: Bearer`), gets back only its
/// id (`cgt-…`), then follows it through `queued → running → succeeded | failed | expired` (or `cancelled`, via
/// `DELETE` while queued) by listing many tasks at once with `filter.task_ids` and, when a `callback_url` was
/// given, on Ark's status callbacks. A succeeded task carries signed `video_url` / `last_frame_url` links that
/// Ark deletes after 24 hours. The wire dialect lives in `ArkFamily/` and is shared with BytePlus ModelArk;
/// model ids and the base URL come from `Providers/volcengine-ark/manifest.yaml`.
public struct VolcengineArkAdapter: ProviderAdapter {
    /// The provider's id, equal to its folder under `Providers/`.
    public static let providerID: ProviderID = "volcengine-ark"

    private let dialect = ArkTasksDialect(provider: Self.providerID)

    /// The adapter holds no state: base URL, credentials and transport arrive with each call's context.
    public init() {}

    public var id: ProviderID { dialect.provider }
    public var maxBatchSize: Int { dialect.maxBatchSize }

    public func submit(_ request: SubmitRequest, context: ProviderContext) async throws(ProviderError) -> Submission {
        try await dialect.submit(request, context: context)
    }

    public func fetch(_ targets: [FetchTarget], context: ProviderContext) async throws(ProviderError) -> [String: FetchResult] {
        try await dialect.fetch(targets, context: context)
    }

    public func cancel(taskID: String, context: ProviderContext) async throws(ProviderError) -> CancelOutcome {
        try await dialect.cancel(taskID: taskID, context: context)
    }

    public func status(forWord word: String) -> UpstreamSnapshot.Status {
        ArkMapping.status(word)
    }

    public func decodeCallback(_ body: Data) throws(ProviderError) -> UpstreamSnapshot {
        try dialect.decodeCallback(body)
    }
}
