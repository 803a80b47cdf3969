import Synchronization

/// Keeps one label's values to a fixed number: the first `limit` distinct values pass as they are, and any value
/// first seen after that is reported as `other`. For labels whose values come from outside (a provider's status
/// words, a request), so that no upstream answer or client can grow the number of series without end.
final class BoundedLabel: Sendable {
    /// What every value past the limit becomes.
    static let overflow = "other"

    let limit: Int
    private let seen = Mutex(Set<String>())

    init(limit: Int) { self.limit = limit }

    /// `value` if it has been seen before or there is room for it; `other` otherwise.
    func callAsFunction(_ value: String) -> String {
        seen.withLock { seen in
            if seen.contains(value) { return value }
            guard seen.count < limit else { return Self.overflow }
            seen.insert(value)
            return value
        }
    }
}
