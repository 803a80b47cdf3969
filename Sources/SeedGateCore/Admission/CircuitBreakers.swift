import Foundation
import Synchronization

/// Skips a provider that keeps failing: after `threshold` consecutive transient failures (429, 5xx, timeouts,
/// connection errors) its circuit opens for `coolDown`; then one trial request is let through (half-open), and a
/// success closes the circuit again.
///
/// A provider can also be *held*: no create goes to it until the hold ends, whatever the circuit says. A hold is
/// placed when the provider says retrying is pointless for a while (an exhausted quota) and is not lifted by a
/// successful status read.
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
    private let holds = Mutex<[ProviderID: ContinuousClock.Instant]>([:])
    let threshold: Int
    let coolDown: Duration

    public init(threshold: Int = 5, coolDown: Duration = .seconds(30)) {
        self.threshold = threshold
        self.coolDown = coolDown
    }

    /// Whether a request to `provider` may go out now (a half-open circuit lets exactly one through).
    public func allows(_ provider: ProviderID, now: ContinuousClock.Instant = .now) -> Bool {
        if isHeld(provider, now: now) { return false }
        return circuits.withLock { circuits in
            guard let openedAt = circuits[provider]?.openedAt else { return true }
            guard now - openedAt >= coolDown, circuits[provider]?.trialInFlight == false else { return false }
            circuits[provider]?.trialInFlight = true
            return true
        }
    }

    /// Sends no create to `provider` for `duration` (a later, longer hold extends it; a shorter one is ignored).
    public func hold(_ provider: ProviderID, for duration: Duration, now: ContinuousClock.Instant = .now) {
        holds.withLock { holds in holds[provider] = max(holds[provider] ?? now, now + duration) }
    }

    /// Whether `provider` is held now.
    public func isHeld(_ provider: ProviderID, now: ContinuousClock.Instant = .now) -> Bool {
        holds.withLock { holds in
            guard let until = holds[provider] else { return false }
            if until <= now { holds[provider] = nil }
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
        if isHeld(provider, now: now) { return .open }
        return circuits.withLock { circuits in
            guard let openedAt = circuits[provider]?.openedAt else { return .closed }
            return now - openedAt >= coolDown ? .halfOpen : .open
        }
    }
}
