import Foundation
import Synchronization

/// A rate limit as a token bucket: `perMinute` tokens a minute, bursts of up to `perMinute` (one minute's worth).
struct TokenBucket: Sendable {
    let capacity: Double
    let refillPerSecond: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant

    init(perMinute: Int, now: ContinuousClock.Instant = .now) {
        capacity = Double(max(1, perMinute))
        refillPerSecond = Double(max(1, perMinute)) / 60
        tokens = capacity
        last = now
    }

    /// Takes a token if one is available.
    mutating func take(now: ContinuousClock.Instant = .now) -> Bool {
        let elapsed = now - last
        let seconds = elapsed / .seconds(1)
        tokens = min(capacity, tokens + seconds * refillPerSecond)
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// Token buckets by key, shared between tasks.
public final class RateBudgets<Key: Hashable & Sendable>: Sendable {
    private let buckets = Mutex<[Key: TokenBucket]>([:])

    public init() {}

    /// Takes a token from `key`'s bucket (created at `perMinute` on first use).
    public func take(_ key: Key, perMinute: Int) -> Bool {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? TokenBucket(perMinute: perMinute)
            defer { buckets[key] = bucket }
            return bucket.take()
        }
    }
}
