import Foundation
import PostgresNIO
import SeedGateCore

/// Provider shared state in the `provider_shared_state` table (migration 5), shared by every replica on the database.
/// Each operation is one statement (`INSERT … ON CONFLICT … DO UPDATE … WHERE` for the conditional ones), so
/// concurrent replicas are serialised by the row lock and exactly one of several racing writers wins. Values are
/// bound parameters: the store's query logs never contain them.
extension PostgresJobStore: ProviderSharedState {
    public func sharedValue(_ key: String) async throws -> SharedStateEntry? {
        let rows = try await read("SELECT value, version FROM provider_shared_state WHERE key = \(key) AND value IS NOT NULL")
        guard let row = rows.first else { return nil }
        let (value, version) = try Self.decodeShared(key) { try row.decode((String, Int).self) }
        return SharedStateEntry(value: value, version: version)
    }

    public func setSharedValue(_ key: String, to value: String, expecting version: Int?) async throws -> SharedStateEntry? {
        let rows: [PostgresRow]
        if let version {
            rows = try await read(
                """
                UPDATE provider_shared_state SET value = \(value), version = version + 1
                WHERE key = \(key) AND version = \(version) AND value IS NOT NULL
                RETURNING version
                """)
        } else {
            // No value yet: the row is absent, or holds only a lease.
            rows = try await read(
                """
                INSERT INTO provider_shared_state (key, value, version) VALUES (\(key), \(value), 1)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = provider_shared_state.version + 1
                WHERE provider_shared_state.value IS NULL
                RETURNING version
                """)
        }
        guard let row = rows.first else { return nil }
        let stored = try Self.decodeShared(key) { try row.decode(Int.self) }
        return SharedStateEntry(value: value, version: stored)
    }

    public func acquireSharedLease(_ key: String, holder: String, until: Date, now: Date) async throws -> Bool {
        let rows = try await read(
            """
            INSERT INTO provider_shared_state (key, lease_holder, lease_until)
            VALUES (\(key), \(holder), \(until.timeIntervalSince1970))
            ON CONFLICT (key) DO UPDATE SET lease_holder = excluded.lease_holder, lease_until = excluded.lease_until
            WHERE provider_shared_state.lease_holder IS NULL OR provider_shared_state.lease_holder = excluded.lease_holder
                OR provider_shared_state.lease_until IS NULL OR provider_shared_state.lease_until <= \(now.timeIntervalSince1970)
            RETURNING key
            """)
        return !rows.isEmpty
    }

    public func releaseSharedLease(_ key: String, holder: String) async throws {
        _ = try await read(
            "UPDATE provider_shared_state SET lease_holder = NULL, lease_until = NULL WHERE key = \(key) AND lease_holder = \(holder)")
    }

    /// A row of `provider_shared_state` read back, or `unreadableRow` naming its key (never its value).
    private static func decodeShared<T>(_ key: String, _ decode: () throws -> T) throws -> T {
        do { return try decode() } catch { throw PostgresJobStoreError.unreadableRow(table: "provider_shared_state", id: key) }
    }
}
