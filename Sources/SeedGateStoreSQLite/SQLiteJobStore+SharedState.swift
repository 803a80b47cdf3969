import Foundation
import GRDB
import SeedGateCore

/// Provider shared state in the `provider_shared_state` table (migration `v4-provider-shared-state`), shared by every
/// process that opens the same database file. Each operation is one conditional statement, so it is atomic across
/// processes whatever the transaction mode; values are bound, never logged.
extension SQLiteJobStore: ProviderSharedState {
    public func sharedValue(_ key: String) async throws -> SharedStateEntry? {
        try await SQLiteJobStoreError.mapping {
            try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT value, version FROM provider_shared_state WHERE key = ? AND value IS NOT NULL", arguments: [key])
                    .map { SharedStateEntry(value: $0["value"], version: $0["version"]) }
            }
        }
    }

    public func setSharedValue(_ key: String, to value: String, expecting version: Int?) async throws -> SharedStateEntry? {
        try await SQLiteJobStoreError.mapping {
            try await pool.write { db -> SharedStateEntry? in
                if let version {
                    try db.execute(
                        sql: """
                            UPDATE provider_shared_state SET value = ?, version = version + 1
                            WHERE key = ? AND version = ? AND value IS NOT NULL
                            """,
                        arguments: [value, key, version])
                } else {
                    // No value yet: the row is absent, or holds only a lease.
                    try db.execute(
                        sql: """
                            INSERT INTO provider_shared_state (key, value, version) VALUES (?, ?, 1)
                            ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = provider_shared_state.version + 1
                            WHERE provider_shared_state.value IS NULL
                            """,
                        arguments: [key, value])
                }
                guard db.changesCount > 0 else { return nil }
                let stored = try Int.fetchOne(db, sql: "SELECT version FROM provider_shared_state WHERE key = ?", arguments: [key]) ?? 0
                return SharedStateEntry(value: value, version: stored)
            }
        }
    }

    public func acquireSharedLease(_ key: String, holder: String, until: Date, now: Date) async throws -> Bool {
        try await SQLiteJobStoreError.mapping {
            try await pool.write { db -> Bool in
                try db.execute(
                    sql: """
                        INSERT INTO provider_shared_state (key, lease_holder, lease_until) VALUES (?, ?, ?)
                        ON CONFLICT (key) DO UPDATE SET lease_holder = excluded.lease_holder, lease_until = excluded.lease_until
                        WHERE provider_shared_state.lease_holder IS NULL OR provider_shared_state.lease_holder = excluded.lease_holder
                            OR provider_shared_state.lease_until IS NULL OR provider_shared_state.lease_until <= ?
                        """,
                    arguments: [key, holder, until.timeIntervalSince1970, now.timeIntervalSince1970])
                return db.changesCount > 0
            }
        }
    }

    public func releaseSharedLease(_ key: String, holder: String) async throws {
        try await SQLiteJobStoreError.mapping {
            try await pool.write { db in
                try db.execute(
                    sql: "UPDATE provider_shared_state SET lease_holder = NULL, lease_until = NULL WHERE key = ? AND lease_holder = ?",
                    arguments: [key, holder])
            }
        }
    }
}
