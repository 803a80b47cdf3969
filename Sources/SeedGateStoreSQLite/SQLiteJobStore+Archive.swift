import Foundation
import GRDB
import SeedGateCore

/// Archive claims and retention (`v5-archive-and-retention`): every query here is served by a partial index on its
/// own columns (`jobs_archive_due`, and `jobs_[tenant_][media_|key_]retention` for each retention target and shape)
/// and never reads a JSON body to filter.
extension SQLiteJobStore {
    /// One write transaction (SQLite has a single writer): select the jobs whose archive try is due and whose archive
    /// claim (if any) has run out, most overdue first, then lease them until `leaseUntil`. The jobs themselves are not
    /// rewritten (the version stays), and the check lease is left alone; the next write of a job ends both.
    public func claimDueArchives(dueBy: Date, limit: Int, leaseUntil: Date) async throws -> [Job] {
        let limit = Self.clamped(limit)
        guard limit > 0 else { return [] }
        return try await SQLiteJobStoreError.mapping {
            try await pool.write { db in
                let due = try Row.fetchAll(db, sql: Self.dueArchivesSQL, arguments: Self.dueArchivesArguments(dueBy: dueBy, limit: limit))
                    .map(StoredRows.job)
                guard !due.isEmpty else { return [] }
                let placeholders = due.map { _ in "?" }.joined(separator: ", ")
                try db.execute(
                    sql: "UPDATE jobs SET archive_lease_until = ? WHERE id IN (\(placeholders))",
                    arguments: [leaseUntil.timeIntervalSince1970] + StatementArguments(due.map(\.id.rawValue))
                )
                return due
            }
        }
    }

    /// Finished jobs `query` selects, oldest finish first (ties by id), at most `query.limit` (a negative limit
    /// counts as 0).
    public func retentionCandidates(_ query: RetentionQuery) async throws -> [Job] {
        guard Self.clamped(query.limit) > 0 else { return [] }
        let (sql, arguments) = Self.retentionSQL(query)
        return try await fetchJobs(sql, arguments)
    }

    /// Deletes the job, its events and their webhook deliveries in one transaction. A missing job is not an error.
    public func deleteJob(_ id: JobID) async throws {
        try await SQLiteJobStoreError.mapping {
            try await pool.write { db in
                try db.execute(sql: "DELETE FROM jobs WHERE id = ?", arguments: [id.rawValue])
                try db.execute(sql: "DELETE FROM webhook_deliveries WHERE job_id = ?", arguments: [id.rawValue])
                try db.execute(sql: "DELETE FROM job_events WHERE job_id = ?", arguments: [id.rawValue])
            }
        }
    }

    // MARK: - Queries

    /// The due archive tries. `archive_due_at` is set only for succeeded jobs whose archive is pending, so it alone
    /// says which jobs the archiver has work for.
    static let dueArchivesSQL = """
        SELECT \(StoredRows.jobColumns) FROM jobs
        WHERE archive_due_at IS NOT NULL AND archive_due_at <= ? AND (archive_lease_until IS NULL OR archive_lease_until <= ?)
        ORDER BY archive_due_at, id LIMIT ?
        """

    static func dueArchivesArguments(dueBy: Date, limit: Int) -> StatementArguments {
        [dueBy.timeIntervalSince1970, dueBy.timeIntervalSince1970, clamped(limit)]
    }

    /// The statement `RetentionQuery.matches(_:)` describes: finished (a terminal status and a finish time strictly
    /// before the cutoff), of the tenant or of none of the excluded ones, holding what the target removes. The target's
    /// condition is literal SQL, spelled as in its index's `WHERE`, which is how SQLite recognises the partial index.
    /// The status terms carry a unary `+`, which keeps SQLite from answering them from `jobs_due` (without statistics
    /// it rates an `IN` on an indexed column above the `finished_at` range) and then sorting what it found.
    static func retentionSQL(_ query: RetentionQuery) -> (sql: String, arguments: StatementArguments) {
        let terminal = JobStatus.allCases.filter(\.isTerminal).map(\.rawValue)
        var conditions = [
            "finished_at IS NOT NULL", "finished_at < ?", "+status IN (\(terminal.map { _ in "?" }.joined(separator: ", ")))",
        ]
        var arguments: StatementArguments = [query.finishedBefore.timeIntervalSince1970]
        arguments += StatementArguments(terminal)
        if let tenant = query.tenant {
            conditions.append("tenant = ?")
            arguments += [tenant]
        } else if !query.excludingTenants.isEmpty {
            conditions.append("tenant NOT IN (\(query.excludingTenants.map { _ in "?" }.joined(separator: ", ")))")
            arguments += StatementArguments(query.excludingTenants)
        }
        switch query.target {
        case .media:
            conditions.append("+status = 'succeeded' AND archive_phase <> 'deleted'")
        case .record:
            break
        case .idempotencyKey:
            conditions.append("idempotency_key IS NOT NULL")
        }
        arguments += [clamped(query.limit)]
        let sql = """
            SELECT \(StoredRows.jobColumns) FROM jobs
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY finished_at, id LIMIT ?
            """
        return (sql, arguments)
    }
}
