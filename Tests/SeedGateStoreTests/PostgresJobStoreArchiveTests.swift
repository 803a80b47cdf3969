import Foundation
import PostgresNIO
import SeedGateCore
import Testing

@testable import SeedGateStorePostgres

/// The PostgreSQL side of migration 6 (archive and retention): older databases are upgraded and backfilled in
/// place, replicas claim each archive once per lease, and the queries are answered from their indexes.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, "POSTGRES_URL not set"), .timeLimit(.minutes(2)))
struct PostgresJobStoreArchiveTests {
    /// A database at migration 5 with jobs in it is brought to 6 by the store, and its finished jobs get
    /// `finished_at` (and their archive columns) from their bodies.
    @Test func upgradesAVersion5Database() async throws {
        try await PostgresTestDatabase.withStores(1) { stores in
            let store = stores[0]
            let logger = PostgresTestDatabase.logger
            try await PostgresTestDatabase.buildSchema(store, upTo: 5)
            let now = Date()
            let (failed, archived, pending, running) = JobFixtures.storedBeforeArchiveColumns(now: now)
            for job in [failed, archived, pending, running] {
                let row = try PostgresRows.JobRow(job)
                _ = try await store.client.query(
                    """
                    INSERT INTO jobs (id, tenant, status, model, provider, submission, upstream_task_id, due_at, created_at,
                        updated_at, idempotency_key, callback_token, version, body)
                    VALUES (\(row.id.rawValue), \(row.tenant), \(row.status), \(row.model), \(row.provider), \(row.submission),
                        \(row.upstreamTaskID), \(row.dueAt), \(row.createdAt), \(row.updatedAt), \(row.idempotencyKey),
                        \(row.callbackToken), 1, \(row.body))
                    """, logger: logger)
            }

            try await store.migrate()
            #expect(try await store.appliedMigrations() == PostgresJobStore.migrations.map(\.version))
            #expect(try await store.job(id: failed.id) == failed)
            try await JobStoreBehaviour.backfilledJobsAreFound(
                store, failed: failed, archived: archived, pending: pending, running: running, now: now)
        }
    }

    /// Four replicas claiming 40 due archives at once: each is taken exactly once per lease, without being
    /// rewritten, and once the lease has passed, exactly once again.
    @Test func concurrentArchiveClaimersTakeEachJobOncePerLease() async throws {
        try await PostgresTestDatabase.withStores(4) { stores in
            let now = Date()
            let lease = now.addingTimeInterval(60)
            let jobs = JobFixtures.jobs(40, from: now.addingTimeInterval(-100)).enumerated().map { index, job in
                JobFixtures.succeeded(job, finishedAt: now.addingTimeInterval(-50 + Double(index)), archive: ArchiveState())
            }
            for job in jobs { _ = try await stores[0].insert(job, events: []) }

            let claimed = try await PostgresJobStoreTests.claimAll(stores) {
                try await $0.claimDueArchives(dueBy: now, limit: 3, leaseUntil: lease).map(\.id)
            }
            #expect(claimed.count == 40)
            #expect(Set(claimed) == Set(jobs.map(\.id)))
            for job in jobs { #expect(try await stores[1].job(id: job.id)?.version == 1, "a claim leases the job without rewriting it") }
            let again = try await PostgresJobStoreTests.claimAll(stores) {
                try await $0.claimDueArchives(dueBy: lease, limit: 3, leaseUntil: lease + 60).map(\.id)
            }
            #expect(again.count == 40 && Set(again) == Set(jobs.map(\.id)))
        }
    }

    /// A due archive locked by another transaction (a replica mid-claim or mid-write) is skipped, not waited for.
    @Test func lockedDueArchivesAreSkipped() async throws {
        try await PostgresTestDatabase.withStores(2) { stores in
            let now = Date()
            let jobs = JobFixtures.jobs(2, from: now.addingTimeInterval(-10)).map {
                JobFixtures.succeeded($0, finishedAt: now.addingTimeInterval(-5), archive: ArchiveState())
            }
            for job in jobs { _ = try await stores[0].insert(job, events: []) }
            try await stores[0].client.withConnection { connection in
                let logger = PostgresTestDatabase.logger
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("SELECT id FROM jobs WHERE id = \(jobs[0].id.rawValue) FOR UPDATE", logger: logger)
                let claimed = try await stores[1].claimDueArchives(dueBy: now, limit: 10, leaseUntil: now.addingTimeInterval(30))
                #expect(claimed.map(\.id) == [jobs[1].id])
                try await connection.query("ROLLBACK", logger: logger)
            }
            let released = try await stores[1].claimDueArchives(dueBy: now, limit: 10, leaseUntil: now.addingTimeInterval(30))
            #expect(released.map(\.id) == [jobs[0].id])
        }
    }

    /// With sequential scans, bitmap scans and sorts priced out (the tables are empty, so costs alone prove nothing),
    /// the claim and every retention shape are planned on their own partial index, in its order: the predicates imply
    /// the index conditions and the index gives the order.
    @Test func archiveAndRetentionQueriesUseTheirIndexes() async throws {
        try await PostgresTestDatabase.withStores(1) { stores in
            let store = stores[0]
            try await store.migrate()
            let now = Date()
            func plan(_ query: PostgresQuery) async throws -> String {
                try await store.transaction { connection in
                    for setting in ["enable_seqscan", "enable_bitmapscan", "enable_sort"] {
                        let off = PostgresQuery(unsafeSQL: "SET LOCAL \(setting) = off")
                        try await connection.query(off, logger: PostgresTestDatabase.logger)
                    }
                    var explain = query
                    explain.sql = "EXPLAIN " + query.sql
                    return try await connection.query(explain, logger: PostgresTestDatabase.logger).collect()
                        .map { try $0.decode(String.self) }.joined(separator: "\n")
                }
            }
            let claim = try await plan(PostgresJobStore.claimDueArchivesQuery(dueBy: now, limit: 10, leaseUntil: now))
            #expect(claim.contains("jobs_archive_due"), "\(claim)")
            #expect(claim.contains("LockRows"), "\(claim)")
            for (target, tenant, index) in JobStoreBehaviour.retentionIndexes {
                let query = RetentionQuery(target: target, tenant: tenant, excludingTenants: ["a"], finishedBefore: now, limit: 10)
                let detail = try await plan(PostgresJobStore.retentionQuery(query))
                #expect(detail.contains(index), "\(target) \(tenant ?? "-"): \(detail)")
                #expect(!detail.contains("Sort"), "no sort: \(detail)")
            }
        }
    }
}
