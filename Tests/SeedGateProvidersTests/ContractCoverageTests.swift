import Foundation
import SeedGateCore
import SeedGateProviders
import SeedGateRuntime
import SeedGateServer
import Testing

/// Every registered provider has a folder under `Providers/`, and its contracts cover what the gateway relies on.
@Suite("Contract coverage")
struct ContractCoverageTests {
    /// The statuses each provider's documentation says a task can be in (docs/providers/<id>.md, "Status
    /// vocabulary"), in SeedGate's terms. Each needs a fetch contract.
    static let documentedStatuses: [ProviderID: Set<JobStatus>] = [
        "volcengine-ark": Set(JobStatus.allCases),
        "byteplus-modelark": Set(JobStatus.allCases),
        "modelverse": [.queued, .running, .succeeded, .failed, .expired],
        "acedata": [.running, .succeeded, .failed],
        "chanjing": [.queued, .running, .succeeded, .failed],
    ]

    @Test("registered providers are exactly the folders under Providers/")
    func registrationMatchesFolders() {
        #expect(ProviderModules.ids.map(\.rawValue) == ContractFiles.providerFolders())
        for module in ProviderModules.all { #expect(module.adapter.maxBatchSize >= 1) }
    }

    @Test("each provider has the required contracts", arguments: ProviderModules.ids)
    func requiredScenarios(_ provider: ProviderID) throws {
        let manifest = try ManifestLoader.load(file: ContractFiles.manifestFile(provider))
        let cassettes = try ContractFiles.cassettes(of: provider).map { try $0.load() }
        let submits = cassettes.filter { $0.operation == .submit && $0.expect.submission != nil }

        #expect(
            submits.contains { $0.input.spec?.scenario == .textToVideo && $0.input.spec?.draftJobID == nil },
            "\(provider): no successful text-to-video submit contract")
        let imageCapabilities: [Capability] = [.firstFrame, .firstLastFrame, .referenceImages]
        if manifest.models.contains(where: { model in imageCapabilities.contains(where: model.supports) }) {
            #expect(
                submits.contains { !($0.input.spec?.images.isEmpty ?? true) },
                "\(provider): the manifest offers image input but no successful submit contract sends images")
        }

        let statuses = try #require(Self.documentedStatuses[provider], "add \(provider)'s documented statuses to documentedStatuses")
        let fetched = Set(
            cassettes.filter { $0.operation == .fetch }.flatMap { cassette in
                (cassette.expect.fetch ?? [:]).values.compactMap { $0.found?.status }
            })
        for status in statuses.sorted(by: { $0.rawValue < $1.rawValue }) {
            #expect(fetched.contains(status.rawValue), "\(provider): no fetch contract shows a task \(status.rawValue)")
        }

        let errors = cassettes.compactMap(\.expect.error).filter { $0.httpStatus != nil }
        for kind in [ProviderError.Kind.unauthorized, .rateLimited, .invalidRequest] {
            #expect(errors.contains { $0.kind == kind }, "\(provider): no contract for an HTTP error classified \(kind.rawValue)")
        }

        if manifest.callbacks {
            #expect(
                cassettes.contains { $0.operation == .callback && $0.expect.snapshot != nil },
                "\(provider): the manifest says callbacks: true but no callback contract exists")
        }
    }
}
