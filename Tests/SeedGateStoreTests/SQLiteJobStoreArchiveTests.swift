import Foundation
import GRDB
import SeedGateCore
import Testing

@testable import SeedGateStoreSQLite

/// The SQLite side of `v5-archive-and-retention`: older files are upgraded and backfilled in place, and the archive
/// and retention queries are answered from their indexes.
@Suite struct SQLiteJobStoreArchiveTests {
    /// A database made before `v5-archive-and-retention` opens, is migrated in place, and its finished jobs get
    /// `finished_at` (and their archive columns) from their bodies: retention finds them, and a pending archive is due.
    @Test func upgradesAVersion4Database() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("jobs.sqlite").path
            let now = Date()
            let (failed, archived, pending, running) = JobFixtures.storedBeforeArchiveColumns(now: now)
            do {
                let old = try DatabaseQueue(path: path)
                try SQLiteJobStore.migrator.migrate(old, upTo: "v4-provider-shared-state")
                for job in [failed, archived, pending, running] {
                    let body = try StoredRows.jobRow(job).body
                    try await old.write { db in
                        try db.execute(
                            sql: """
                                INSERT INTO jobs (id, tenant, status, model, provider, submission, due_at, created_at, updated_at,
                                    idempotency_key, version, body)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                                """,
                            arguments: [
                                job.id.rawValue, job.tenant, job.status.rawValue, job.model, job.provider?.rawValue,
                                job.submission.rawValue, job.dueAt?.timeIntervalSince1970, job.createdAt.timeIntervalSince1970,
                                job.updatedAt.timeIntervalSince1970, job.idempotencyKey, body,
                            ])
                    }
                }
                try old.close()
            }
            let store = try SQLiteJobStore(path: path)
            defer { try? store.close() }
            #expect(try await store.appliedMigrations().contains("v5-archive-and-retention"))
            #expect(try await store.job(id: failed.id) == failed)
            try await JobStoreBehaviour.backfilledJobsAreFound(
                store, failed: failed, archived: archived, pending: pending, running: running, now: now)
            let lease = now.addingTimeInterval(30)
            #expect(try await store.update(pending.with { $0.output?.archive?.phase = .archived }, expecting: 1, events: [])?.version == 2)
            #expect(try await store.claimDueArchives(dueBy: lease, limit: 10, leaseUntil: lease).isEmpty)
        }
    }

    /// The claim, each retention shape and the deletion are answered from indexes, never by scanning the table or
    /// sorting it.
    @Test func archiveAndRetentionQueriesUseTheirIndexes() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteJobStore(path: directory.appendingPathComponent("jobs.sqlite").path)
            defer { try? store.close() }
            func plan(_ sql: String, _ arguments: StatementArguments) async throws -> String {
                try await store.pool.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
                }
                .joined(separator: "; ")
            }
            let now = Date()
            let claim = try await plan(SQLiteJobStore.dueArchivesSQL, SQLiteJobStore.dueArchivesArguments(dueBy: now, limit: 10))
            #expect(claim.contains("USING INDEX jobs_archive_due"), "\(claim)")
            for (target, tenant, index) in JobStoreBehaviour.retentionIndexes {
                let query = RetentionQuery(target: target, tenant: tenant, excludingTenants: ["a"], finishedBefore: now, limit: 10)
                let (sql, arguments) = SQLiteJobStore.retentionSQL(query)
                let detail = try await plan(sql, arguments)
                #expect(detail.contains("USING INDEX \(index)"), "\(target) \(tenant ?? "-"): \(detail)")
                #expect(!detail.contains("TEMP B-TREE"), "no sort: \(detail)")
            }
            for (table, column) in [("jobs", "id"), ("job_events", "job_id"), ("webhook_deliveries", "job_id")] {
                let detail = try await plan("DELETE FROM \(table) WHERE \(column) = ?", ["job_x"])
                #expect(detail.contains("USING") && detail.contains("INDEX"), "\(table): \(detail)")
            }
        }
    }
}
