import Foundation
import Synchronization

/// Skips a provider that keeps failing: after `threshold` consecutive transient failures (429, 5xx, timeouts,
/// connection errors) its circuit opens for `coolDown`; then one trial request is let through (half-open), and a
/// success closes the circuit again.
///
/// A provider's model can also be *held*: no create for that model goes to it until the hold ends, whatever the
/// circuit says. A hold is placed when the provider says retrying is pointless for a while (an exhausted quota,
/// which Ark counts per model) and is not lifted by a successful status read.
public final class CircuitBreakers: Sendable {
    public enum State: String, Sendable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    private struct Circuit {
        var failures = 0
        var openedAt: ContinuousClock.Instant?
        var trialInFlight = false
    }

    private let circuits = Mutex<[ProviderID: Circuit]>([:])
    private let holds = Mutex<[ProviderModel: ContinuousClock.Instant]>([:])
    let threshold: Int
    let coolDown: Duration

    public init(threshold: Int = 5, coolDown: Duration = .seconds(30)) {
        self.threshold = threshold
        self.coolDown = coolDown
    }

    /// Whether a request to `provider` may go out now (a half-open circuit lets exactly one through).
    public func allows(_ provider: ProviderID, model: String? = nil, now: ContinuousClock.Instant = .now) -> Bool {
        if let model, isHeld(provider, model: model, now: now) { return false }
        return circuits.withLock { circuits in
            guard let openedAt = circuits[provider]?.openedAt else { return true }
            guard now - openedAt >= coolDown, circuits[provider]?.trialInFlight == false else { return false }
            circuits[provider]?.trialInFlight = true
            return true
        }
    }

    /// Sends no create for `model` to `provider` for `duration` (a later, longer hold extends it; a shorter one is
    /// ignored).
    public func hold(_ provider: ProviderID, model: String, for duration: Duration, now: ContinuousClock.Instant = .now) {
        let key = ProviderModel(provider: provider, model: model)
        holds.withLock { holds in holds[key] = max(holds[key] ?? now, now + duration) }
    }

    /// Whether creates for `model` to `provider` are held now.
    public func isHeld(_ provider: ProviderID, model: String, now: ContinuousClock.Instant = .now) -> Bool {
        let key = ProviderModel(provider: provider, model: model)
        return holds.withLock { holds in
            guard let until = holds[key] else { return false }
            if until <= now { holds[key] = nil }
            return until > now
        }
    }

    public func recordSuccess(_ provider: ProviderID) {
        circuits.withLock { $0[provider] = nil }
    }

    public func recordFailure(_ provider: ProviderID, now: ContinuousClock.Instant = .now) {
        circuits.withLock { circuits in
            var circuit = circuits[provider] ?? Circuit()
            circuit.failures += 1
            if circuit.trialInFlight || circuit.failures >= threshold {
                circuit.openedAt = now
                circuit.trialInFlight = false
            }
            circuits[provider] = circuit
        }
    }

    public func state(_ provider: ProviderID, now: ContinuousClock.Instant = .now) -> State {
        circuits.withLock { circuits in
            guard let openedAt = circuits[provider]?.openedAt else { return .closed }
            return now - openedAt >= coolDown ? .halfOpen : .open
        }
    }
}
