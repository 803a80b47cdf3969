import Foundation

/// How the archiver downloads (configuration `archive:`).
public struct ArchiveSettings: Sendable, Equatable {
    /// Downloads at once, across all jobs.
    public var concurrency: Int
    /// Bytes per second all downloads together may use (nil: unlimited).
    public var bandwidthBytesPerSecond: Int?
    /// Largest file archived; a larger one fails the archive (`too_large`) without being stored.
    public var maxBytes: Int64
    /// A download that receives nothing for this long is abandoned (`source_unreachable`).
    public var stallTimeout: TimeInterval
    /// A download that takes longer than this in total is abandoned.
    public var totalTimeout: TimeInterval
    /// Redirects followed (each hop is checked by the destination guard).
    public var maxRedirects: Int
    /// How often the archiver looks for due work when nothing rang its doorbell.
    public var tick: Duration

    public init(
        concurrency: Int = 4, bandwidthBytesPerSecond: Int? = nil, maxBytes: Int64 = 2 * 1024 * 1024 * 1024, stallTimeout: TimeInterval = 30,
        totalTimeout: TimeInterval = 1800, maxRedirects: Int = 5, tick: Duration = .seconds(1)
    ) {
        self.concurrency = concurrency
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
        self.maxBytes = maxBytes
        self.stallTimeout = stallTimeout
        self.totalTimeout = totalTimeout
        self.maxRedirects = maxRedirects
        self.tick = tick
    }
}

/// Shares a byte rate between concurrent downloads (a token bucket holding one second of bytes).
public actor BandwidthLimiter {
    let rate: Double
    var available: Double
    var last: ContinuousClock.Instant

    public init(bytesPerSecond: Int) {
        rate = Double(max(1, bytesPerSecond))
        available = rate
        last = .now
    }

    /// Takes `bytes` from the bucket; returns how long the caller must wait before using them.
    func reserve(_ bytes: Int) -> Duration {
        let now = ContinuousClock.now
        let elapsed = now - last
        last = now
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        available = min(rate, available + seconds * rate) - Double(bytes)
        return available >= 0 ? .zero : .milliseconds(Int((-available / rate * 1000).rounded(.up)))
    }

    /// Waits until `bytes` more may be used.
    public nonisolated func take(_ bytes: Int) async throws {
        let wait = await reserve(bytes)
        if wait > .zero { try await Task.sleep(for: wait) }
    }
}
