import Foundation
import Synchronization

/// Skips a provider that keeps failing. Creates and status reads have circuits of their own, so reads that succeed
/// never hide creates that fail (and a read outage never stops creates): after `threshold` consecutive transient
/// failures (429, 5xx, timeouts, connection errors) of one operation, that operation's circuit opens for `coolDown`;
/// then one trial call is let through (half-open), and its outcome closes or reopens the circuit.
///
/// Every call goes out under a `Permit`, and whoever takes one settles it exactly once (`settle`): with the call's
/// verdict, or `.released` when no verdict came (the job was not admitted, lost its claim, or failed for a reason
/// that says nothing about the provider's health). A released trial slot is free for the next caller at once; a
/// trial never settled at all (its task died) is given up after `trialTimeout`, so a circuit always recovers.
///
/// A provider's model can also be *held*: no create for that model goes to it until the hold ends, whatever the
/// circuit says. A hold is placed when the provider says retrying is pointless for a while (an exhausted quota,
/// which Ark counts per model) and is not lifted by any success.
public final class CircuitBreakers: Sendable {
    public enum State: String, Sendable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    /// What a circuit is kept for.
    public enum Operation: String, Sendable, CaseIterable {
        case create
        case read
    }

    /// Leave to make one call: through a closed circuit, or as the one trial of a half-open one.
    public enum Permit: Sendable, Equatable {
        case closed
        case trial
    }

    /// What came of a call made under a permit.
    public enum Verdict: Sendable, Equatable {
        /// The provider answered: the circuit closes.
        case success
        /// A transient failure: it counts towards opening the circuit, and a failed trial reopens it.
        case failure
        /// No verdict on the provider's health: a trial slot is given back, nothing else changes.
        case released
    }

    private struct Key: Hashable {
        var provider: ProviderID
        var operation: Operation
    }

    private struct Circuit {
        var failures = 0
        var openedAt: Date?
        var trialStartedAt: Date?
    }

    private let circuits = Mutex<[Key: Circuit]>([:])
    private let holds = Mutex<[ProviderModel: Date]>([:])
    let threshold: Int
    let coolDown: TimeInterval
    let trialTimeout: TimeInterval
    let now: @Sendable () -> Date

    /// `now`: the clock the circuits run on (the engine's, so tests can drive cool-downs).
    public init(
        threshold: Int = 5, coolDown: Duration = .seconds(30), trialTimeout: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.threshold = max(1, threshold)
        self.coolDown = Self.seconds(coolDown)
        self.trialTimeout = Self.seconds(trialTimeout)
        self.now = now
    }

    /// Leave for one `operation` call to `provider` now, or nil (the circuit is open, its trial is out, or creates for
    /// `model` are held). A `.trial` permit must be settled; settling a `.closed` one only records the verdict.
    public func permit(_ provider: ProviderID, _ operation: Operation, model: String? = nil) -> Permit? {
        if operation == .create, let model, isHeld(provider, model: model) { return nil }
        let date = now()
        return circuits.withLock { circuits -> Permit? in
            let key = Key(provider: provider, operation: operation)
            guard var circuit = circuits[key], let openedAt = circuit.openedAt else { return .closed }
            guard date.timeIntervalSince(openedAt) >= coolDown else { return nil }
            if let started = circuit.trialStartedAt, date.timeIntervalSince(started) < trialTimeout { return nil }
            circuit.trialStartedAt = date
            circuits[key] = circuit
            return .trial
        }
    }

    /// Records what came of a call made under `permit` (see `Verdict`).
    public func settle(_ provider: ProviderID, _ operation: Operation, _ permit: Permit, _ verdict: Verdict) {
        let key = Key(provider: provider, operation: operation)
        let date = now()
        circuits.withLock { circuits in
            switch verdict {
            case .success:
                circuits[key] = nil
            case .failure:
                var circuit = circuits[key] ?? Circuit()
                circuit.failures += 1
                if permit == .trial || circuit.failures >= threshold {
                    circuit.openedAt = date
                    circuit.trialStartedAt = nil
                }
                circuits[key] = circuit
            case .released:
                if permit == .trial { circuits[key]?.trialStartedAt = nil }
            }
        }
    }

    /// A success outside any permit (the circuit closes).
    public func recordSuccess(_ provider: ProviderID, _ operation: Operation) {
        settle(provider, operation, .closed, .success)
    }

    /// A transient failure outside any permit.
    public func recordFailure(_ provider: ProviderID, _ operation: Operation) {
        settle(provider, operation, .closed, .failure)
    }

    public func state(_ provider: ProviderID, _ operation: Operation) -> State {
        let date = now()
        return circuits.withLock { circuits in
            guard let openedAt = circuits[Key(provider: provider, operation: operation)]?.openedAt else { return .closed }
            return date.timeIntervalSince(openedAt) >= coolDown ? .halfOpen : .open
        }
    }

    /// When an open circuit lets its trial through (nil: it is not open).
    public func reopensAt(_ provider: ProviderID, _ operation: Operation) -> Date? {
        circuits.withLock { circuits in
            circuits[Key(provider: provider, operation: operation)]?.openedAt.map { $0.addingTimeInterval(coolDown) }
        }
    }

    /// Sends no create for `model` to `provider` for `duration` (a later, longer hold extends it; a shorter one is
    /// ignored).
    public func hold(_ provider: ProviderID, model: String, for duration: Duration) {
        let key = ProviderModel(provider: provider, model: model)
        let until = now().addingTimeInterval(Self.seconds(duration))
        holds.withLock { holds in holds[key] = max(holds[key] ?? until, until) }
    }

    /// Whether creates for `model` to `provider` are held now.
    public func isHeld(_ provider: ProviderID, model: String) -> Bool {
        let key = ProviderModel(provider: provider, model: model)
        let date = now()
        return holds.withLock { holds in
            guard let until = holds[key] else { return false }
            if until <= date { holds[key] = nil }
            return until > date
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let parts = duration.components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
