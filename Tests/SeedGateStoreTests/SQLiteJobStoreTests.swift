import Foundation
import GRDB
import SeedGateCore
import Testing

@testable import SeedGateStoreSQLite

/// What only the SQLite store has: a file, WAL, migrations, and constraints the protocol does not spell out.
@Suite struct SQLiteJobStoreTests {
    @Test func usesWriteAheadLog() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("jobs.sqlite").path
            let store = try SQLiteJobStore(path: path)
            defer { try? store.close() }
            _ = try await store.insert(JobFixtures.job(), events: [])
            #expect(try await store.journalMode() == "wal")
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    /// Replicas starting together on a fresh file: each opening migrates under a lock, so none sees a half-made
    /// schema (before the lock, one could fail with "no such column"). Repeated to give a race room to show.
    @Test func storesOpenedAtOnceOnAFreshFileAllWork() async throws {
        for _ in 0..<5 {
            try await TemporaryDirectory.with { directory in
                let path = directory.appendingPathComponent("jobs.sqlite").path
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            let store = try SQLiteJobStore(path: path)
                            defer { try? store.close() }
                            _ = try await store.insert(JobFixtures.job(), events: [])
                            #expect(try await store.appliedMigrations().count == 8)
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
    }

    @Test func createsParentDirectoriesAndSchema() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("a/b/c/jobs.sqlite").path
            let store = try SQLiteJobStore(path: path)
            defer { try? store.close() }
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(
                try await store.appliedMigrations() == [
                    "v1-jobs", "v1-job-events", "v2-callbacks-and-deliveries", "v3-due-at-and-leases", "v4-provider-shared-state",
                    "v5-archive-and-retention", "v6-submission-lanes", "v7-trace-ids",
                ])
            #expect(
                try await store.indexNames(on: "jobs") == [
                    "jobs_due", "jobs_tenant", "jobs_upstream", "jobs_idempotency", "jobs_callback_token", "jobs_archive_due",
                    "jobs_retention", "jobs_tenant_retention", "jobs_media_retention", "jobs_tenant_media_retention",
                    "jobs_key_retention", "jobs_tenant_key_retention", "jobs_lanes", "jobs_trace",
                ])
            #expect(try await store.indexNames(on: "job_events") == ["job_events_job"])
        }
    }

    @Test func survivesReopening() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("jobs.sqlite").path
            let detailed = JobFixtures.detailed()
            let plain = JobFixtures.job()
            let events = [JobFixtures.event(detailed), JobFixtures.event(detailed.with { $0.status = .running })]
            do {
                let store = try SQLiteJobStore(path: path)
                _ = try await store.insert(detailed, events: [events[0]])
                _ = try await store.insert(plain, events: [])
                _ = try #require(try await store.update(detailed, expecting: 1, events: [events[1]]))
                try store.close()
                try store.close()
                await #expect(throws: SQLiteJobStoreError.self) { try await store.ping() }
            }
            let reopened = try SQLiteJobStore(path: path)
            defer { try? reopened.close() }
            #expect(
                try await reopened.appliedMigrations() == [
                    "v1-jobs", "v1-job-events", "v2-callbacks-and-deliveries", "v3-due-at-and-leases", "v4-provider-shared-state",
                    "v5-archive-and-retention", "v6-submission-lanes", "v7-trace-ids",
                ])
            #expect(try await reopened.job(id: detailed.id) == detailed.with { $0.version = 2 })
            #expect(try await reopened.job(id: plain.id) == plain.with { $0.version = 1 })
            #expect(try await reopened.events(jobID: detailed.id) == events)
            #expect(try await reopened.list(JobQuery()).jobs.count == 2)
        }
    }

    /// A database made before `v3-due-at-and-leases` (a job's next check in `next_check_at`, no leases) opens, is
    /// migrated in place, and its accepted job is still due, claimable and writable.
    @Test func upgradesAVersion2Database() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("jobs.sqlite").path
            let now = Date()
            let job = JobFixtures.job().with {
                $0.status = .running
                $0.submission = .accepted
                $0.provider = "volcengine-ark"
                $0.nextCheckAt = now.addingTimeInterval(-5)
                $0.version = 1
            }
            do {
                let old = try DatabaseQueue(path: path)
                try SQLiteJobStore.migrator.migrate(old, upTo: "v2-callbacks-and-deliveries")
                let body = try StoredRows.jobRow(job).body
                try await old.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO jobs (id, tenant, status, model, provider, submission, next_check_at, created_at, updated_at, version, body)
                            VALUES (?, ?, 'running', ?, 'volcengine-ark', 'accepted', ?, ?, ?, 1, ?)
                            """,
                        arguments: [
                            job.id.rawValue, job.tenant, job.model, job.nextCheckAt!.timeIntervalSince1970, job.createdAt.timeIntervalSince1970,
                            job.updatedAt.timeIntervalSince1970, body,
                        ])
                }
                try old.close()
            }
            let store = try SQLiteJobStore(path: path)
            defer { try? store.close() }
            #expect(try await store.appliedMigrations().last == "v7-trace-ids")
            #expect(try await store.job(id: job.id) == job)
            #expect(try await store.jobsDueForCheck(dueBy: now, limit: 10).map(\.id) == [job.id], "its next check carried over")
            let claimed = try await store.claimDueForCheck(dueBy: now, limit: 10, leaseUntil: now.addingTimeInterval(30))
            #expect(claimed.map(\.job.id) == [job.id])
            #expect(try await store.jobsDueForCheck(dueBy: now, limit: 10).isEmpty, "leased")
            #expect(try await store.update(job.with { $0.status = .succeeded }, expecting: 1, events: [])?.version == 2)
        }
    }

    @Test func idempotencyKeyIsUniquePerTenant() async throws {
        try await StoreBackend.sqlite.withStore { store in
            _ = try await store.insert(JobFixtures.job(tenant: "acme", idempotencyKey: "k1"), events: [])
            let duplicate = JobFixtures.job(tenant: "acme", idempotencyKey: "k1")
            await #expect(throws: JobStoreError.duplicateIdempotencyKey) {
                try await store.insert(duplicate, events: [JobFixtures.event(duplicate)])
            }
            #expect(try await store.job(id: duplicate.id) == nil)
            #expect(try await store.events(jobID: duplicate.id).isEmpty)

            _ = try await store.insert(JobFixtures.job(tenant: "globex", idempotencyKey: "k1"), events: [])
            _ = try await store.insert(JobFixtures.job(tenant: "acme"), events: [])
            _ = try await store.insert(JobFixtures.job(tenant: "acme"), events: [])
            #expect(try await store.list(JobQuery()).jobs.count == 4)
        }
    }

    @Test func failedWritesLeaveNothingBehind() async throws {
        try await StoreBackend.sqlite.withStore { store in
            let job = JobFixtures.job()
            let first = JobFixtures.event(job)
            _ = try await store.insert(job, events: [first])
            await #expect(throws: SQLiteJobStoreError.duplicateJobID(job.id)) {
                try await store.insert(job, events: [JobFixtures.event(job)])
            }
            // An update whose event cannot be stored rolls back the job change too.
            let running = job.with { $0.status = .running }
            await #expect(throws: SQLiteJobStoreError.duplicateEventID(first.id)) {
                try await store.update(running, expecting: 1, events: [first])
            }
            #expect(try await store.job(id: job.id) == job.with { $0.version = 1 })
            #expect(try await store.events(jobID: job.id) == [first])
        }
    }

    @Test func errorsDoNotCarrySQL() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteJobStore(path: directory.appendingPathComponent("jobs.sqlite").path)
            try store.close()
            let error = await #expect(throws: SQLiteJobStoreError.self) {
                try await store.job(id: JobID.generate())
            }
            let description = try #require(error).description
            #expect(!description.contains("SELECT"))
            #expect(!description.contains("job_"))
            await #expect(throws: SQLiteJobStoreError.self) {
                try await store.insert(JobFixtures.job(), events: [])
            }
        }
    }
}
