/// Every model the loaded manifests describe, and which providers offer it.
public struct ModelCatalogue: Sendable {
    public let manifests: [ProviderID: ProviderManifest]

    public init(_ manifests: [ProviderManifest]) {
        self.manifests = Dictionary(manifests.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Canonical model names, sorted.
    public var modelNames: [String] {
        Set(manifests.values.flatMap { $0.models.map(\.name) }).sorted()
    }

    public func knows(model: String) -> Bool { manifests.values.contains { $0.offering(for: model) != nil } }

    public func offering(model: String, provider: ProviderID) -> ModelOffering? {
        manifests[provider]?.offering(for: model)
    }

    /// Providers (sorted) whose manifest offers the model.
    public func providers(serving model: String) -> [ProviderID] {
        manifests.values.filter { $0.offering(for: model) != nil }.map(\.id).sorted()
    }
}
