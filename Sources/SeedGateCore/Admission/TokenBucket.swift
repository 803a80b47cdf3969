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
        refill(now: now)
        guard hasToken else { return false }
        tokens -= 1
        return true
    }

    /// Adds the tokens earned since the last look.
    mutating func refill(now: ContinuousClock.Instant) {
        let seconds = max(0, (now - last) / .seconds(1))
        tokens = min(capacity, tokens + seconds * refillPerSecond)
        last = now
    }

    var hasToken: Bool { tokens >= 1 }
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

    /// Takes one token from each bucket, or none when any of them is empty.
    public func takeAll(_ requests: [(key: Key, perMinute: Int)]) -> Bool {
        buckets.withLock { buckets in
            let now = ContinuousClock.now
            var taken = requests.map { request in
                var bucket = buckets[request.key] ?? TokenBucket(perMinute: request.perMinute, now: now)
                bucket.refill(now: now)
                return bucket
            }
            let all = taken.allSatisfy(\.hasToken)
            for index in taken.indices {
                if all { _ = taken[index].take(now: now) }
                buckets[requests[index].key] = taken[index]
            }
            return all
        }
    }
}
