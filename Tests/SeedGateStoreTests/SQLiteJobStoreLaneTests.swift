import Foundation
import GRDB
import SeedGateCore
import Testing

@testable import SeedGateStoreSQLite

/// The SQLite side of `v6-submission-lanes`: older files get each waiting job's lane from its body, and a lane is
/// read from its partial index.
@Suite struct SQLiteJobStoreLaneTests {
    @Test func upgradesAVersion5Database() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("jobs.sqlite").path
            let now = Date()
            let (first, second, accepted) = JobFixtures.storedBeforeLanes(now: now)
            do {
                let old = try DatabaseQueue(path: path)
                try SQLiteJobStore.migrator.migrate(old, upTo: "v5-archive-and-retention")
                for job in [first, second, accepted] {
                    let body = try StoredRows.jobRow(job).body
                    try await old.write { db in
                        try db.execute(
                            sql: """
                                INSERT INTO jobs (id, tenant, status, model, provider, submission, due_at, created_at, updated_at, version, body)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                                """,
                            arguments: [
                                job.id.rawValue, job.tenant, job.status.rawValue, job.model, job.provider?.rawValue,
                                job.submission.rawValue, job.dueAt?.timeIntervalSince1970, job.createdAt.timeIntervalSince1970,
                                job.updatedAt.timeIntervalSince1970, body,
                            ])
                    }
                }
                try old.close()
            }
            let store = try SQLiteJobStore(path: path)
            defer { try? store.close() }
            #expect(try await store.appliedMigrations().last == "v7-trace-ids")
            try await JobStoreBehaviour.backfilledLanesAreFound(store, first: first, second: second, now: now)
        }
    }

    @Test func aLaneIsReadFromItsIndex() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteJobStore(path: directory.appendingPathComponent("jobs.sqlite").path)
            defer { try? store.close() }
            let (sql, arguments) = SQLiteJobStore.laneSQL(ProviderModel(provider: "volcengine-ark", model: "m"), dueBy: Date(), limit: 10)
            let detail = try await store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
            .joined(separator: "; ")
            #expect(detail.contains("USING INDEX jobs_lanes"), "\(detail)")
            #expect(!detail.contains("TEMP B-TREE"), "no sort: \(detail)")
        }
    }
}
