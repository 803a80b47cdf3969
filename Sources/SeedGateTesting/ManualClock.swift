import Foundation
import Synchronization

/// A clock that moves only when the test says so: hand `now` to `JobService` (and through it to every service), then
/// `advance(by:)` to make retries, checks, leases and deadlines come due without sleeping.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    /// The clock's time now.
    public var date: Date { current.withLock { $0 } }

    /// The clock as the engine takes it.
    public var now: @Sendable () -> Date { { self.date } }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
