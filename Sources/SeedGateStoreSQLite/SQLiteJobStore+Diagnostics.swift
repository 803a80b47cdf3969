import GRDB

/// Read-only facts about the database file, for tests and operational checks.
extension SQLiteJobStore {
    /// SQLite's journal mode (`wal` once opened by this store).
    func journalMode() async throws -> String {
        try await SQLiteJobStoreError.mapping {
            try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
        }
    }

    /// The migration steps applied to the file, in registration order.
    func appliedMigrations() async throws -> [String] {
        try await SQLiteJobStoreError.mapping {
            try await pool.read { db in try Self.migrator.appliedMigrations(db) }
        }
    }

    /// The names of the explicitly created indexes of `table`.
    func indexNames(on table: String) async throws -> Set<String> {
        try await SQLiteJobStoreError.mapping {
            try await pool.read { db in
                try String.fetchSet(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                    arguments: [table]
                )
            }
        }
    }
}
