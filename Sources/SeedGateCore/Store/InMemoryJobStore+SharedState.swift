import Foundation

/// Provider shared state held in memory, with the semantics of the database stores' `provider_shared_state` table:
/// one versioned value and one lease per key, in the same process only (which is all an in-memory store serves).
extension InMemoryJobStore: ProviderSharedState {
    public func sharedValue(_ key: String) -> SharedStateEntry? {
        sharedRows[key].flatMap { row in row.value.map { SharedStateEntry(value: $0, version: row.version) } }
    }

    public func setSharedValue(_ key: String, to value: String, expecting version: Int?) -> SharedStateEntry? {
        var row = sharedRows[key] ?? SharedStateRow()
        let current = row.value == nil ? nil : row.version
        guard current == version else { return nil }
        row.value = value
        row.version += 1
        sharedRows[key] = row
        return SharedStateEntry(value: value, version: row.version)
    }

    public func acquireSharedLease(_ key: String, holder: String, until: Date, now: Date) -> Bool {
        var row = sharedRows[key] ?? SharedStateRow()
        if let current = row.leaseHolder, current != holder, let end = row.leaseUntil, end > now { return false }
        row.leaseHolder = holder
        row.leaseUntil = until
        sharedRows[key] = row
        return true
    }

    public func releaseSharedLease(_ key: String, holder: String) {
        guard sharedRows[key]?.leaseHolder == holder else { return }
        sharedRows[key]?.leaseHolder = nil
        sharedRows[key]?.leaseUntil = nil
    }
}

/// One key of `InMemoryJobStore`'s shared state.
struct SharedStateRow: Sendable {
    var value: String?
    /// Counts value writes: 0 while only a lease has been taken.
    var version = 0
    var leaseHolder: String?
    var leaseUntil: Date?
}
