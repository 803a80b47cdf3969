/// Which providers a model's jobs go to, from configuration. Each route is an ordered list of entries;
/// entries that share a `tier` spread load by `weight`, and later tiers are failover.
public struct RoutingPolicy: Sendable, Equatable {
    public struct Entry: Sendable, Equatable, Codable {
        public var provider: ProviderID
        public var weight: Double?
        /// Entries with the same tier are alternatives; lower tiers are tried first. Defaults to the position.
        public var tier: Int?

        public init(provider: ProviderID, weight: Double? = nil, tier: Int? = nil) {
            self.provider = provider
            self.weight = weight
            self.tier = tier
        }
    }

    /// Model name → route.
    public var routes: [String: [Entry]]
    /// The route for models without their own; when empty, every configured provider serving the model, in
    /// `fallbackOrder`.
    public var defaultRoute: [Entry]
    /// Whether a request may name its provider.
    public var allowRequestProvider: Bool
    /// The order of the providers serving a model when neither its route nor `defaultRoute` says: this list first
    /// (the server passes its provider registration order, which docs/configuration.md explains), then any other
    /// provider by name.
    public var fallbackOrder: [ProviderID]

    public init(
        routes: [String: [Entry]] = [:], defaultRoute: [Entry] = [], allowRequestProvider: Bool = false, fallbackOrder: [ProviderID] = []
    ) {
        self.routes = routes
        self.defaultRoute = defaultRoute
        self.allowRequestProvider = allowRequestProvider
        self.fallbackOrder = fallbackOrder
    }

    /// `providers` in `fallbackOrder`, then the others by name.
    public func inFallbackOrder(_ providers: some Sequence<ProviderID>) -> [ProviderID] {
        let rank = Dictionary(fallbackOrder.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        return providers.sorted { (rank[$0] ?? Int.max, $0.rawValue) < (rank[$1] ?? Int.max, $1.rawValue) }
    }

    /// The providers to try for `model`, best first: routed, configured, and offering the model.
    public func candidates(
        for model: String, serving: Set<ProviderID>, using generator: inout some RandomNumberGenerator
    ) -> [ProviderID] {
        let entries = routes[model] ?? defaultRoute
        if entries.isEmpty { return inFallbackOrder(serving) }
        let usable = entries.enumerated().filter { serving.contains($0.element.provider) }
        let tiers = Dictionary(grouping: usable) { $0.element.tier ?? $0.offset }
        var order: [ProviderID] = []
        for tier in tiers.keys.sorted() {
            var pool = tiers[tier]!.map(\.element)
            while !pool.isEmpty {
                let total = pool.reduce(0.0) { $0 + max(0, $1.weight ?? 1) }
                var pick = total > 0 ? Double.random(in: 0..<total, using: &generator) : 0
                var chosen = 0
                for (index, entry) in pool.enumerated() {
                    pick -= max(0, entry.weight ?? 1)
                    if pick < 0 {
                        chosen = index
                        break
                    }
                }
                let entry = pool.remove(at: chosen)
                if !order.contains(entry.provider) { order.append(entry.provider) }
            }
        }
        return order
    }
}
