import SeedGateCore
import SeedGateEmulators
import SeedGateProviders

/// A provider SeedGate ships: its adapter and its emulator, registered once under the adapter's id, which is also
/// the name of its `Providers/<id>/` folder (manifest and recorded contracts).
public struct ProviderModule: Sendable {
    public let adapter: any ProviderAdapter
    public let emulator: EmulatorFactory

    public init(adapter: any ProviderAdapter, emulator: @escaping EmulatorFactory) {
        self.adapter = adapter
        self.emulator = emulator
    }

    public var id: ProviderID { adapter.id }
}

/// The one registration list: adding a provider means one line here (plus its folders); the server's adapters and
/// emulators, the CLI's `emulate` and the tests all derive from it. `problems(in:manifests:)` says what is missing.
public enum ProviderModules {
    public static let all: [ProviderModule] = [
        ProviderModule(adapter: VolcengineArkAdapter(), emulator: ArkEmulator.factory(models: .volcengine)),
        ProviderModule(adapter: BytePlusModelArkAdapter(), emulator: ArkEmulator.factory(models: .byteplus)),
        ProviderModule(adapter: ModelVerseAdapter(), emulator: ModelVerseEmulator.factory),
        ProviderModule(adapter: AceDataAdapter(), emulator: AceDataEmulator.factory),
        ProviderModule(adapter: ChanjingAdapter(), emulator: ChanjingEmulator.factory),
    ]

    /// The shipped module for `id`.
    public static func module(_ id: ProviderID) -> ProviderModule? {
        all.first { $0.id == id }
    }

    public static var ids: [ProviderID] { all.map(\.id).sorted() }

    /// The order a model's providers are tried in when the configuration gives no route for it: the order of `all`.
    /// ByteDance's own platforms come first, since they serve every parameter of the models and set their prices
    /// (Volcengine Ark, then BytePlus ModelArk, its international twin); then the resellers, by how much of the API
    /// they carry: ModelVerse (Ark's request shape), AceData, Chanjing. docs/configuration.md says the same.
    public static var defaultOrder: [ProviderID] { all.map(\.id) }

    /// What does not fit together between `modules` and the manifests: a module without a manifest (or the reverse),
    /// an id registered twice, and an emulator whose credentials are not the manifest's credential names. Building an
    /// emulator only constructs it; nothing listens until its service runs.
    public static func problems(in modules: [ProviderModule] = all, manifests: [ProviderManifest]) -> [String] {
        var problems: [String] = []
        let manifestsByID = Dictionary(manifests.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<ProviderID>()
        for module in modules {
            guard seen.insert(module.id).inserted else {
                problems.append("\(module.id): registered twice")
                continue
            }
            guard let manifest = manifestsByID[module.id] else {
                problems.append("\(module.id): no manifest (Providers/\(module.id)/manifest.yaml)")
                continue
            }
            let emulated = module.emulator(EmulatorConfiguration(), { _ in }).credentials.keys.sorted()
            if emulated != manifest.credentials.keys.sorted() {
                problems.append(
                    "\(module.id): the emulator takes credentials \(emulated) but the manifest names \(manifest.credentials.keys.sorted())")
            }
        }
        for manifest in manifests where !seen.contains(manifest.id) {
            problems.append("\(manifest.id): a manifest but no registered adapter and emulator")
        }
        return problems
    }
}
