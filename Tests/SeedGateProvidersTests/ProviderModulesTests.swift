import Foundation
import SeedGateCore
import SeedGateEmulators
import SeedGateRuntime
import SeedGateServer
import Testing

/// The one registration list (`ProviderModules.all`) against the manifests: what a sixth provider needs, and that a
/// missing piece is reported by name rather than found in production.
@Suite("Provider modules")
struct ProviderModulesTests {
    static let manifests: [ProviderManifest] = (try? ManifestLoader.loadAll(directory: ContractFiles.providersDirectory)) ?? []

    /// A sixth provider for the test: an adapter that answers nothing and the ModelVerse emulator under its id.
    struct SixthAdapter: ProviderAdapter {
        var id: ProviderID { "sixth" }
        var maxBatchSize: Int { 1 }
        func submit(_ request: SubmitRequest, context: ProviderContext) async throws(ProviderError) -> Submission {
            throw ProviderError(.unsupported)
        }
        func fetch(_ targets: [FetchTarget], context: ProviderContext) async throws(ProviderError) -> [String: FetchResult] { [:] }
        func cancel(taskID: String, context: ProviderContext) async throws(ProviderError) -> CancelOutcome { .refused("no") }
        func decodeCallback(_ body: Data) throws(ProviderError) -> UpstreamSnapshot { throw ProviderError(.unsupported) }
        func status(forWord word: String) -> UpstreamSnapshot.Status { .unrecognised(word) }
    }

    static func sixthModule(credentials: @escaping @Sendable (EmulatorConfiguration) -> [String: String]) -> ProviderModule {
        ProviderModule(adapter: SixthAdapter()) { configuration, onPort in
            EmulatorInstance(
                service: ModelVerseEmulator(configuration: configuration).makeApplication(onServerRunning: onPort),
                credentials: credentials(configuration))
        }
    }

    static var sixthManifest: ProviderManifest {
        var manifest = manifests.first { $0.id == "modelverse" }!
        manifest.id = "sixth"
        return manifest
    }

    @Test("the shipped modules, manifests and emulators fit together")
    func shippedModulesFit() {
        #expect(Self.manifests.count == ProviderModules.all.count)
        #expect(ProviderModules.problems(manifests: Self.manifests) == [])
    }

    @Test("a sixth provider with its manifest and matching emulator credentials is one registration")
    func completeSixthProvider() {
        let modules = ProviderModules.all + [Self.sixthModule { ["api_key": $0.apiKey] }]
        #expect(ProviderModules.problems(in: modules, manifests: Self.manifests + [Self.sixthManifest]) == [])
    }

    @Test("each missing or mismatched piece is named")
    func missingPieces() {
        let sixth = Self.sixthModule { ["api_key": $0.apiKey] }
        #expect(
            ProviderModules.problems(in: ProviderModules.all + [sixth], manifests: Self.manifests)
                == ["sixth: no manifest (Providers/sixth/manifest.yaml)"])
        #expect(
            ProviderModules.problems(in: ProviderModules.all, manifests: Self.manifests + [Self.sixthManifest])
                == ["sixth: a manifest but no registered adapter and emulator"])
        #expect(
            ProviderModules.problems(in: ProviderModules.all + [sixth, sixth], manifests: Self.manifests + [Self.sixthManifest])
                == ["sixth: registered twice"])
        let wrongCredentials = Self.sixthModule { ["token": $0.apiKey] }
        #expect(
            ProviderModules.problems(in: ProviderModules.all + [wrongCredentials], manifests: Self.manifests + [Self.sixthManifest])
                == [#"sixth: the emulator takes credentials ["token"] but the manifest names ["api_key"]"#])
    }
}
