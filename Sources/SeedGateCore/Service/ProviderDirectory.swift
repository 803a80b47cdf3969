/// A provider as configured in this deployment: its manifest, its adapter and how to reach it.
public struct ConfiguredProvider: Sendable {
    public var manifest: ProviderManifest
    public var adapter: any ProviderAdapter
    public var context: ProviderContext
    /// How long one call to this provider may take; a create older than this (plus a margin) has an unknown outcome.
    public var callTimeout: Duration

    public init(manifest: ProviderManifest, adapter: any ProviderAdapter, context: ProviderContext, callTimeout: Duration = .seconds(30)) {
        self.manifest = manifest
        self.adapter = adapter
        self.context = context
        self.callTimeout = callTimeout
    }

    public var id: ProviderID { manifest.id }
}

/// The configured providers, by id.
public struct ProviderDirectory: Sendable {
    private let providers: [ProviderID: ConfiguredProvider]

    public init(_ providers: [ConfiguredProvider]) {
        self.providers = Dictionary(providers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public subscript(id: ProviderID) -> ConfiguredProvider? { providers[id] }
    public var ids: [ProviderID] { providers.keys.sorted() }
    public var all: [ConfiguredProvider] { ids.compactMap { providers[$0] } }

    /// The longest call timeout of any configured provider (30 s when none is configured).
    public var longestCallTimeout: Duration { all.map(\.callTimeout).max() ?? .seconds(30) }

    /// Only the configured providers' manifests, as a catalogue.
    public var catalogue: ModelCatalogue { ModelCatalogue(all.map(\.manifest)) }
}
