import Foundation

/// Provider limits applied inside SeedGate, so jobs beyond them wait in `queued` instead of turning into 429s:
/// tasks created per minute (a token bucket per provider and model) and tasks in flight (counted from the store).
/// With several replicas each keeps its own buckets, so set `rpm` per replica; concurrency is shared through the store.
public final class AdmissionControl: Sendable {
    private let rates = RateBudgets<ProviderModel>()

    public init() {}

    /// The limits in force for a model at a provider: the model's own, else the provider's.
    public static func limits(_ provider: ConfiguredProvider, model: String) -> Limits {
        let own = provider.manifest.offering(for: model)?.limits
        return Limits(rpm: own?.rpm ?? provider.manifest.limits.rpm, concurrency: own?.concurrency ?? provider.manifest.limits.concurrency)
    }

    /// The limits of their own that apply at `resolution` (Seedance 2.0 at 4k), besides the model's; nil when none.
    public static func resolutionLimits(_ provider: ConfiguredProvider, model: String, resolution: String?) -> Limits? {
        guard let resolution else { return nil }
        return provider.manifest.offering(for: model)?.resolutionLimits?[resolution]
    }

    /// The key of a model's lane at a resolution with limits of its own (`seedance-2.0@4k`).
    public static func resolutionKey(_ key: ProviderModel, resolution: String) -> ProviderModel {
        ProviderModel(provider: key.provider, model: "\(key.model)@\(resolution)")
    }

    /// Whether one more task may be created now; takes a rate token when it may.
    public func admit(_ key: ProviderModel, limits: Limits, inFlight: Int) -> Bool {
        admit([(key, limits, inFlight)])
    }

    /// Whether one more task may be created now under every one of `lanes` (the model's limits, and a resolution's
    /// own); takes a rate token from each only when all of them allow it.
    public func admit(_ lanes: [(key: ProviderModel, limits: Limits, inFlight: Int)]) -> Bool {
        for lane in lanes { if let concurrency = lane.limits.concurrency, lane.inFlight >= concurrency { return false } }
        let rated = lanes.compactMap { lane in lane.limits.rpm.map { (key: lane.key, perMinute: $0) } }
        return rated.isEmpty || rates.takeAll(rated)
    }
}
