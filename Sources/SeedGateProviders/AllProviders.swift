import SeedGateCore

/// The one registration list: every provider adapter SeedGate ships, by id. Each id equals a folder under
/// `Providers/` holding the provider's manifest and recorded contracts (the contract tests check both ways).
public enum AllProviders {
    /// Provider id → adapter; one line per provider.
    public static let adapters: [ProviderID: any ProviderAdapter] = [
        VolcengineArkAdapter.providerID: VolcengineArkAdapter(),
        BytePlusModelArkAdapter.providerID: BytePlusModelArkAdapter(),
        ModelVerseAdapter.providerID: ModelVerseAdapter(),
        ChanjingAdapter.providerID: ChanjingAdapter(),
        AceDataAdapter.providerID: AceDataAdapter(),
    ]
}
