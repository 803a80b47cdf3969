import Foundation
import SeedGateCore

/// BytePlus ModelArk, `https://ark.ap-southeast.bytepluses.com` (region ap-southeast-1), ByteDance's international
/// Seedance API. It speaks exactly Volcengine Ark's task dialect (docs/providers/byteplus-modelark.md, [S001]):
/// SeedGate creates a task with `POST /api/v3/contents/generations/tasks` (API key as `Authorization: Bearer`),
/// gets back only its id (`cgt-…`), then follows it through `queued → running → succeeded | failed | expired` (or
/// `cancelled`, via `DELETE` while queued) by listing many tasks at once with `filter.task_ids` and, when a
/// `callback_url` was given, on ModelArk's status callbacks (a get-task shaped body). A succeeded task carries a
/// signed `video_url` (and `last_frame_url` when asked) that BytePlus deletes after 24 hours.
///
/// Only the base URL and the model ids differ from Volcengine (`seedance-1-5-pro-251215`, no `doubao-` prefix);
/// both come from `Providers/byteplus-modelark/manifest.yaml`, so this adapter only names itself and delegates
/// every call to the shared `ArkTasksDialect`.
public struct BytePlusModelArkAdapter: ProviderAdapter {
    /// The provider's id, equal to its folder under `Providers/`.
    public static let providerID: ProviderID = "byteplus-modelark"

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
