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

    /// Whether one more task may be created now; takes a rate token when it may.
    public func admit(_ key: ProviderModel, limits: Limits, inFlight: Int) -> Bool {
        if let concurrency = limits.concurrency, inFlight >= concurrency { return false }
        guard let rpm = limits.rpm else { return true }
        return rates.take(key, perMinute: rpm)
    }
}
