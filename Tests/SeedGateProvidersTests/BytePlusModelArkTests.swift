import Foundation
import Logging
import SeedGateCore
import SeedGateRuntime
import SeedGateTesting
import Testing

@testable import SeedGateProviders

/// BytePlus ModelArk is the Ark dialect at another host with other model ids: the adapter delegates, the manifest
/// differs from Volcengine's exactly where byteplus-modelark.md says it does.
@Suite("BytePlus ModelArk")
struct BytePlusModelArkTests {
    static func manifests() throws -> (byteplus: ProviderManifest, volcengine: ProviderManifest) {
        (
            try ManifestLoader.load(file: ContractFiles.manifestFile(BytePlusModelArkAdapter.providerID)),
            try ManifestLoader.load(file: ContractFiles.manifestFile(VolcengineArkAdapter.providerID))
        )
    }

    @Test("the adapter names itself and batches like the Ark dialect")
    func identity() {
        let adapter = BytePlusModelArkAdapter()
        #expect(adapter.id == "byteplus-modelark")
        #expect(adapter.maxBatchSize == ArkTasksDialect(provider: "byteplus-modelark").maxBatchSize)
    }

    /// 1.x ids drop Volcengine's `doubao-` prefix; 2.x ids replace it with `dreamina-` (seedance-2.md §1). BytePlus
    /// has no web search (seedance-2.md §9); otherwise the offerings are Volcengine's.
    @Test("same models and capabilities as Volcengine, under BytePlus's ids and without web search")
    func modelsMirrorVolcengine() throws {
        let (byteplus, volcengine) = try Self.manifests()
        #expect(byteplus.models.map(\.name) == volcengine.models.map(\.name))
        for model in byteplus.models {
            let ark = try #require(volcengine.offering(for: model.name))
            #expect(!model.upstream.hasPrefix("doubao-"), "\(model.upstream)")
            let twoX = model.name.hasPrefix("seedance-2")
            #expect(
                twoX
                    ? model.upstream.replacingOccurrences(of: "dreamina-", with: "doubao-") == ark.upstream
                    : "doubao-" + model.upstream == ark.upstream)
            #expect(!model.supports(.webSearch), "\(model.name): BytePlus documents no web search")
            var renamed = model
            renamed.upstream = ark.upstream
            if twoX { renamed.capabilities = ark.capabilities }
            #expect(renamed == ark, "\(model.name) differs from Volcengine's offering beyond its id")
        }
        #expect(byteplus.baseURL == "https://ark.ap-southeast.bytepluses.com")
        #expect(byteplus.credentials.keys.sorted() == ["api_key"])
        #expect(byteplus.credentials["api_key"] != volcengine.credentials["api_key"], "each provider reads its own key")
        #expect(byteplus.cancellableStatuses == volcengine.cancellableStatuses && byteplus.callbacks && byteplus.seedRange == volcengine.seedRange)
    }

    @Test("a submit goes to the BytePlus host with a Bearer key and the BytePlus model id")
    func submitTarget() async throws {
        let (byteplus, _) = try Self.manifests()
        let offering = try #require(byteplus.offering(for: "seedance-1.0-pro-fast"))
        let spec = try JobValidator.normalise(JobSpec(model: offering.name, prompt: "a paper boat"), offering: offering, manifest: byteplus)
        var exchange = ContractCassette.Exchange(
            request: .init(method: "POST", path: ArkTasksDialect.tasksPath, query: [], headers: ["authorization": "Bearer bp-key"], json: nil),
            response: .init(status: 200, headers: nil, json: nil, body: #"{"id":"cgt-20260105102210-q8w4e"}"#)
        )
        exchange.request.json = .object([
            "model": .string(offering.upstream),
            "content": .array([.object(["type": .string("text"), "text": .string("a paper boat")])]),
            "resolution": .string("1080p"), "ratio": .string("16:9"), "duration": .integer(5), "camera_fixed": .bool(false),
            "watermark": .bool(false), "return_last_frame": .bool(false), "service_tier": .string("default"),
            "execution_expires_after": .integer(172_800),
        ])
        let transport = ReplayTransport([exchange], baseURL: byteplus.baseURL)
        let context = ProviderContext(
            baseURL: byteplus.baseURL, credentials: ProviderCredentials(["api_key": "bp-key"]), transport: transport, logger: Logger(label: "test")
        )
        let submission = try await BytePlusModelArkAdapter().submit(
            SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: offering.upstream), context: context
        )
        #expect(submission == Submission(taskID: "cgt-20260105102210-q8w4e"))
        #expect(await transport.finish().isEmpty)
    }

    @Test("job errors from a BytePlus task name BytePlus")
    func errorsNameTheProvider() throws {
        let body =
            #"{"id":"cgt-1","model":"seedance-1-0-pro-250528","status":"failed","error":{"code":"OutputVideoSensitiveContentDetected","message":"m"}}"#
        let snapshot = try BytePlusModelArkAdapter().decodeCallback(Data(body.utf8))
        #expect(snapshot.error?.message == "byteplus-modelark: moderation refused the content")
        #expect(snapshot.error?.code == .contentModerated)
    }
}
