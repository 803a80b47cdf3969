import Foundation
import Logging
import SeedGateCore
import SeedGateProviders
import SeedGateRuntime
import SeedGateServer
import SeedGateTesting
import Testing

/// Replays every cassette of every registered provider through its adapter: the requests the adapter builds must
/// equal the recorded ones, and what it makes of the recorded responses must equal the cassette's expectation.
@Suite("Contract replay")
struct ContractReplayTests {
    static let cassettes: [CassetteFile] = ProviderModules.ids.flatMap(ContractFiles.cassettes(of:))

    @Test("cassette replays", arguments: cassettes)
    func replay(_ file: CassetteFile) async throws {
        let cassette = try file.load()
        #expect(cassette.scenario == file.name, "the scenario must be the file's name")
        let adapter = try #require(ProviderModules.module(file.provider)?.adapter)
        let manifest = try ManifestLoader.load(file: ContractFiles.manifestFile(file.provider))
        if cassette.operation == .submit { try checkSubmitInput(cassette, manifest: manifest) }

        let transport = ReplayTransport(cassette.exchanges, baseURL: manifest.baseURL)
        let credentials = ProviderCredentials(Dictionary(uniqueKeysWithValues: manifest.credentials.keys.map { ($0, "test-\($0)") }))
        let context = ProviderContext(
            baseURL: manifest.baseURL, credentials: credentials, transport: transport, logger: Logger(label: "contract-replay")
        )
        let actual = try await Self.run(cassette, adapter: adapter, context: context)
        let mismatches = await transport.finish()
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        let expected = try cassette.expectedOutcome()
        #expect(actual == expected)
    }

    /// A submit cassette's spec must be one the dispatcher could hand over: already normalised for the provider's
    /// offering of the model, sent under that offering's upstream id.
    private func checkSubmitInput(_ cassette: ContractCassette, manifest: ProviderManifest) throws {
        let spec = try #require(cassette.input.spec, "a submit cassette needs input.spec")
        let offering = try #require(manifest.offering(for: spec.model), "\(manifest.id) does not offer \(spec.model)")
        #expect(cassette.input.upstreamModel == offering.upstream)
        #expect(try JobValidator.normalise(spec, offering: offering, manifest: manifest) == spec, "input.spec is not normalised")
    }

    /// Calls the adapter as the cassette's operation says.
    static func run(_ cassette: ContractCassette, adapter: any ProviderAdapter, context: ProviderContext) async throws -> ContractOutcome {
        let input = cassette.input
        func missing(_ field: String) -> ContractCassette.Invalid {
            ContractCassette.Invalid(description: "\(cassette.scenario): \(cassette.operation) needs input.\(field)")
        }
        do {
            switch cassette.operation {
            case .submit:
                guard let spec = input.spec else { throw missing("spec") }
                guard let upstreamModel = input.upstreamModel else { throw missing("upstreamModel") }
                guard let jobID = input.jobID.flatMap(JobID.init) else { throw missing("jobID (a valid job id)") }
                let request = SubmitRequest(
                    jobID: jobID, spec: spec, upstreamModel: upstreamModel, draftTaskID: input.draftTaskID,
                    callbackURL: input.callbackURL
                )
                return .submission(try await adapter.submit(request, context: context))
            case .fetch:
                guard let targets = input.targets else { throw missing("targets") }
                let fetchTargets = targets.map { FetchTarget(taskID: $0.taskID, serviceTier: $0.serviceTier) }
                return .fetch(try await adapter.fetch(fetchTargets, context: context))
            case .cancel:
                guard let taskID = input.taskID else { throw missing("taskID") }
                return .cancel(try await adapter.cancel(taskID: taskID, context: context))
            case .callback:
                guard let body = input.body else { throw missing("body") }
                return .snapshot(try adapter.decodeCallback(body.data()))
            }
        } catch let error as ProviderError {
            return .error(error)
        }
    }
}
