import Foundation

/// State an adapter shares with the same adapter in every other replica: a small versioned key/value map with
/// compare-and-set writes, and leases (a lock with a holder and an expiry) so that exactly one replica at a time does
/// something the provider allows only once, such as exchanging credentials for a token that invalidates the
/// previous one (Chanjing, chanjing.md Authentication 4). The store every replica uses implements it
/// (`InMemoryJobStore`, SQLite, PostgreSQL); `ProviderContext.sharedState` hands it to the adapter.
///
/// Keys are the adapter's own (prefix them with the provider id). Values may be secrets: implementations never log
/// or print them, and neither may their callers. Leases are decided by the times the caller passes (each replica's
/// clock), so replicas' clocks are assumed to agree to well within a lease's length.
public protocol ProviderSharedState: Sendable {
    /// The value stored under `key` and its version; nil when no value has been written.
    func sharedValue(_ key: String) async throws -> SharedStateEntry?
    /// Compare-and-set: writes `value` under `key` if the stored version is still `version` (nil: no value has been
    /// written yet). Returns the entry as stored (its version one higher), or nil, writing nothing, on a conflict.
    func setSharedValue(_ key: String, to value: String, expecting version: Int?) async throws -> SharedStateEntry?
    /// Takes the lease named `key` for `holder` until `until` if nobody holds it, its holder's lease ended by `now`,
    /// or `holder` already holds it (then it is extended). True when `holder` holds the lease afterwards.
    func acquireSharedLease(_ key: String, holder: String, until: Date, now: Date) async throws -> Bool
    /// Ends `holder`'s lease on `key`; does nothing when someone else holds it (the lease ran out and was taken over).
    func releaseSharedLease(_ key: String, holder: String) async throws
}

/// A shared value and its compare-and-set version (1 after the first write). `description` hides the value.
public struct SharedStateEntry: Sendable, Equatable, CustomStringConvertible {
    public var value: String
    public var version: Int

    public init(value: String, version: Int) {
        self.value = value
        self.version = version
    }

    public var description: String { "SharedStateEntry(<redacted>, version \(version))" }
}
