import Foundation

/// When to retry a failed webhook delivery: exponential backoff with jitter, bounded by a total retry window.
///
/// The nominal delay after the `n`-th failed attempt is `min(cap, base × factor^(n-1))`; jitter is then applied
/// and the result is clamped to `cap`, so `cap` is a hard maximum. Delays are rounded to whole milliseconds.
public struct RetrySchedule: Sendable, Hashable {
    /// How the nominal delay is randomised, so that many failing deliveries do not retry in lock-step.
    public enum Jitter: Sendable, Hashable {
        /// No randomness: always the nominal delay.
        case none
        /// "Full jitter": uniform in `0...nominal`.
        case full
        /// Uniform in `nominal × (1 - fraction) ... nominal × (1 + fraction)`; `fraction` is in `0...1`.
        case proportional(Double)

        /// ±20 % around the nominal delay.
        public static let standard = Jitter.proportional(0.2)
    }

    /// Delay after the first failed attempt (before jitter).
    public let base: Duration
    /// Growth factor between consecutive delays (≥ 1).
    public let factor: Double
    /// Largest delay ever returned.
    public let cap: Duration
    /// How delays are randomised.
    public let jitter: Jitter
    /// Total time, measured from the first attempt, after which no further attempt is made.
    public let window: Duration

    /// Creates a schedule. Defaults: 5 s base, factor 2, 1 h cap, ±20 % jitter, 24 h window.
    ///
    /// - Precondition: `base > 0`, `factor ≥ 1`, `cap ≥ base`, `window ≥ 0`, proportional fraction in `0...1`.
    public init(
        base: Duration = .seconds(5), factor: Double = 2, cap: Duration = .seconds(60 * 60),
        jitter: Jitter = .standard, window: Duration = .seconds(24 * 60 * 60)
    ) {
        precondition(base > .zero, "RetrySchedule base must be positive")
        precondition(factor >= 1 && factor.isFinite, "RetrySchedule factor must be finite and at least 1")
        precondition(cap >= base, "RetrySchedule cap must not be below base")
        precondition(window >= .zero, "RetrySchedule window must not be negative")
        if case .proportional(let fraction) = jitter {
            precondition((0...1).contains(fraction), "RetrySchedule jitter fraction must be in 0...1")
        }
        self.base = base
        self.factor = factor
        self.cap = cap
        self.jitter = jitter
        self.window = window
    }

    /// The delay before the next attempt, without jitter, after `n` failed attempts (`n` below 1 counts as 1).
    public func nominalDelay(afterAttempt n: Int) -> Duration {
        Self.rounded(nominalSeconds(afterAttempt: n))
    }

    /// The delay before the next attempt after `n` failed attempts (`n` below 1 counts as 1), with jitter drawn
    /// from `generator`. Never exceeds `cap`.
    public func delay(afterAttempt n: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let nominal = nominalSeconds(afterAttempt: n)
        let jittered: Double
        switch jitter {
        case .none:
            jittered = nominal
        case .full:
            jittered = Double.random(in: 0...nominal, using: &generator)
        case .proportional(let fraction):
            jittered = nominal * Double.random(in: (1 - fraction)...(1 + fraction), using: &generator)
        }
        return Self.rounded(min(jittered, Self.seconds(cap)))
    }

    /// The delay before the next attempt after `n` failed attempts, with jitter from the system generator.
    public func delay(afterAttempt n: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: n, using: &generator)
    }

    /// Whether the retry window that began with the first attempt has run out at `now`.
    public func isExhausted(firstAttemptAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(firstAttemptAt) >= Self.seconds(window)
    }

    /// When to make the next attempt after `n` failed attempts, or `nil` when that would fall outside the window.
    public func nextAttempt(
        afterAttempt n: Int, firstAttemptAt: Date, now: Date, using generator: inout some RandomNumberGenerator
    ) -> Date? {
        let next = now.addingTimeInterval(Self.seconds(delay(afterAttempt: n, using: &generator)))
        return isExhausted(firstAttemptAt: firstAttemptAt, now: next) ? nil : next
    }

    private func nominalSeconds(afterAttempt n: Int) -> Double {
        let exponent = Double(max(n, 1) - 1)
        // pow may overflow to +infinity for large n; min with the cap keeps the result finite.
        return min(Self.seconds(base) * pow(factor, exponent), Self.seconds(cap))
    }

    private static func seconds(_ duration: Duration) -> Double {
        duration / .seconds(1)
    }

    private static func rounded(_ seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
