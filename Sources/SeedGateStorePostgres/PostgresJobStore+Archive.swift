import Foundation
import PostgresNIO
import SeedGateCore

/// Archive claims and retention (migration 6): every query here is served by a partial index on its own columns
/// (`jobs_archive_due`, and `jobs_[tenant_][media_|key_]retention` for each retention target and shape) and never
/// reads a JSON body to filter.
extension PostgresJobStore {
    /// Claims up to `limit` due archive tries in one statement: the inner `SELECT … FOR UPDATE SKIP LOCKED` takes the
    /// due rows no other transaction holds, and the `UPDATE` around it leases them until `leaseUntil` (the jobs
    /// themselves are not rewritten, and their check lease is left alone). A job another replica claimed is either
    /// locked (skipped) or already leased past `dueBy` (no longer due), so each due job goes to exactly one claimer
    /// per lease; the next write of the job ends the lease. Returns the claimed jobs, most overdue first.
    public func claimDueArchives(dueBy: Date, limit: Int, leaseUntil: Date) async throws -> [Job] {
        guard Self.clamped(limit) > 0 else { return [] }
        return try await fetchJobs(Self.claimDueArchivesQuery(dueBy: dueBy, limit: limit, leaseUntil: leaseUntil))
    }

    /// Finished jobs `query` selects, oldest finish first (ties by id), at most `query.limit` (a negative limit
    /// counts as 0).
    public func retentionCandidates(_ query: RetentionQuery) async throws -> [Job] {
        guard Self.clamped(query.limit) > 0 else { return [] }
        return try await fetchJobs(Self.retentionQuery(query))
    }

    /// Deletes the job, its webhook deliveries and its events in one transaction. The job row goes first: its row
    /// lock makes a concurrent update of the job wait, then find nothing to write (so it adds no events), and the
    /// deliveries go before the events they reference. A missing job is not an error.
    public func deleteJob(_ id: JobID) async throws {
        try await transaction { connection in
            try await connection.query("DELETE FROM jobs WHERE id = \(id.rawValue)", logger: logger)
            try await connection.query("DELETE FROM webhook_deliveries WHERE job_id = \(id.rawValue)", logger: logger)
            try await connection.query("DELETE FROM job_events WHERE job_id = \(id.rawValue)", logger: logger)
        }
    }

    // MARK: - Queries

    /// The archive claim. `archive_due_at` is set only for succeeded jobs whose archive is pending, so it alone says
    /// which jobs the archiver has work for; `RETURNING` gives no order, so the claimed rows are sorted afterwards.
    static func claimDueArchivesQuery(dueBy: Date, limit: Int, leaseUntil: Date) -> PostgresQuery {
        let due = dueBy.timeIntervalSince1970
        return """
            WITH claimed AS (
                UPDATE jobs SET archive_lease_until = \(leaseUntil.timeIntervalSince1970)
                WHERE id IN (
                    SELECT id FROM jobs
                    WHERE archive_due_at IS NOT NULL AND archive_due_at <= \(due)
                      AND (archive_lease_until IS NULL OR archive_lease_until <= \(due))
                    ORDER BY archive_due_at, id LIMIT \(clamped(limit))
                    FOR UPDATE SKIP LOCKED
                )
                RETURNING \(unescaped: PostgresRows.jobColumns), archive_due_at
            )
            SELECT \(unescaped: PostgresRows.jobColumns) FROM claimed ORDER BY archive_due_at, id
            """
    }

    /// The statement `RetentionQuery.matches(_:)` describes: finished (a terminal status and a finish time strictly
    /// before the cutoff), of the tenant or of none of the excluded ones, holding what the target removes. The target's
    /// condition is literal SQL, spelled as in its index's `WHERE`, so the planner can prove the partial index applies.
    static func retentionQuery(_ query: RetentionQuery) -> PostgresQuery {
        let terminal = JobStatus.allCases.filter(\.isTerminal).map(\.rawValue)
        let before = query.finishedBefore.timeIntervalSince1970
        let limit = clamped(query.limit)
        let target =
            switch query.target {
            case .media: "AND status = 'succeeded' AND archive_phase <> 'deleted'"
            case .record: ""
            case .idempotencyKey: "AND idempotency_key IS NOT NULL"
            }
        if let tenant = query.tenant {
            return """
                SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs
                WHERE finished_at IS NOT NULL AND finished_at < \(before) AND status = ANY(\(terminal)::text[])
                  AND tenant = \(tenant) \(unescaped: target)
                ORDER BY finished_at, id LIMIT \(limit)
                """
        }
        return """
            SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs
            WHERE finished_at IS NOT NULL AND finished_at < \(before) AND status = ANY(\(terminal)::text[])
              AND tenant <> ALL(\(query.excludingTenants)::text[]) \(unescaped: target)
            ORDER BY finished_at, id LIMIT \(limit)
            """
    }
}
