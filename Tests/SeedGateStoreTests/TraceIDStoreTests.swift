import Foundation
import GRDB
import PostgresNIO
import SeedGateCore
import Testing

@testable import SeedGateStorePostgres
@testable import SeedGateStoreSQLite

/// A job's remembered trace context (`Job.traceParent`) on every store, and the `trace_id` column of SQLite's
/// `v7-trace-ids` and PostgreSQL's migration 8.
enum TraceIDFixtures {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let traceParent = "00-\(traceID)-00f067aa0ba902b7-01"

    /// A job with a trace, one without, and one whose body holds a malformed traceparent (never given a trace id).
    static func jobs(now: Date) -> (traced: Job, untraced: Job, malformed: Job) {
        var traced = JobFixtures.job(createdAt: now)
        traced.traceParent = traceParent
        traced.version = 1
        var untraced = JobFixtures.job(createdAt: now.addingTimeInterval(1))
        untraced.version = 1
        var malformed = JobFixtures.job(createdAt: now.addingTimeInterval(2))
        malformed.traceParent = "00-\(traceID.uppercased())-00f067aa0ba902b7-01"
        malformed.version = 1
        return (traced, untraced, malformed)
    }
}

@Suite struct TraceParentStoreBehaviourTests {
    /// The trace context is stored with the job and survives its writes, on every backend.
    @Test(arguments: StoreBackend.allCases)
    func aJobKeepsItsTraceParent(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var job = JobFixtures.job()
            job.traceParent = TraceIDFixtures.traceParent
            let stored = try await store.insert(job, events: [JobFixtures.event(job)])
            #expect(try await store.job(id: job.id)?.traceParent == TraceIDFixtures.traceParent)
            #expect(try await store.events(jobID: job.id).first?.job?.traceParent == TraceIDFixtures.traceParent, "the event's copy too")
            var running = stored
            running.status = .running
            _ = try #require(try await store.update(running, expecting: stored.version, events: []))
            #expect(try await store.job(id: job.id)?.traceParent == TraceIDFixtures.traceParent)
            let plain = JobFixtures.job()
            _ = try await store.insert(plain, events: [])
            #expect(try await store.job(id: plain.id)?.traceParent == nil)
        }
    }
}

@Suite struct SQLiteTraceIDMigrationTests {
    static func traceIDs(_ store: SQLiteJobStore) async throws -> [String: String?] {
        try await store.pool.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, trace_id FROM jobs").map { row in
                    (row["id"] as String, row["trace_id"] as String?)
                })
        }
    }

    /// A file made before `v7-trace-ids` opens and is migrated in place: a body that already names a valid trace
    /// gets its trace id, the others none; the jobs read back unchanged, and later writes keep the column.
    @Test func upgradesAVersion6Database() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("jobs.sqlite").path
            let (traced, untraced, malformed) = TraceIDFixtures.jobs(now: Date())
            do {
                let old = try DatabaseQueue(path: path)
                try SQLiteJobStore.migrator.migrate(old, upTo: "v6-submission-lanes")
                for job in [traced, untraced, malformed] {
                    let body = try StoredRows.jobRow(job).body
                    try await old.write { db in
                        try db.execute(
                            sql: """
                                INSERT INTO jobs (id, tenant, status, model, submission, created_at, updated_at, version, body)
                                VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
                                """,
                            arguments: [
                                job.id.rawValue, job.tenant, job.status.rawValue, job.model, job.submission.rawValue,
                                job.createdAt.timeIntervalSince1970, job.updatedAt.timeIntervalSince1970, body,
                            ])
                    }
                }
                try old.close()
            }
            let store = try SQLiteJobStore(path: path)
            defer { try? store.close() }
            #expect(try await store.appliedMigrations().last == "v7-trace-ids")
            #expect(
                try await Self.traceIDs(store) == [
                    traced.id.rawValue: TraceIDFixtures.traceID, untraced.id.rawValue: nil, malformed.id.rawValue: nil,
                ])
            #expect(try await store.job(id: traced.id) == traced)
            #expect(try await store.job(id: untraced.id) == untraced)

            var later = JobFixtures.job()
            later.traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"
            _ = try await store.insert(later, events: [])
            var retraced = untraced
            retraced.traceParent = TraceIDFixtures.traceParent
            _ = try #require(try await store.update(retraced, expecting: 1, events: []))
            let ids = try await Self.traceIDs(store)
            #expect(ids[later.id.rawValue] == "0af7651916cd43dd8448eb211c80319c")
            #expect(ids[untraced.id.rawValue] == TraceIDFixtures.traceID)
        }
    }

    @Test func aTraceIDIsFoundThroughItsIndex() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteJobStore(path: directory.appendingPathComponent("jobs.sqlite").path)
            defer { try? store.close() }
            #expect(try await store.indexNames(on: "jobs").contains("jobs_trace"))
            let detail = try await store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE trace_id = ?", arguments: [TraceIDFixtures.traceID])
                    .map { $0["detail"] as String }
            }
            .joined(separator: "; ")
            #expect(detail.contains("jobs_trace"), "\(detail)")
        }
    }
}

@Suite(.enabled(if: PostgresTestDatabase.isAvailable, "POSTGRES_URL not set"), .timeLimit(.minutes(2)))
struct PostgresTraceIDMigrationTests {
    /// A database at migration 7 is brought to 8: a body that already names a valid trace gets its trace id, the
    /// others none; the jobs read back unchanged, and later writes keep the column.
    @Test func upgradesAVersion7Database() async throws {
        try await PostgresTestDatabase.withStores(1) { stores in
            let store = stores[0]
            try await PostgresTestDatabase.buildSchema(store, upTo: 7)
            let (traced, untraced, malformed) = TraceIDFixtures.jobs(now: Date())
            for job in [traced, untraced, malformed] {
                let row = try PostgresRows.JobRow(job)
                _ = try await store.client.query(
                    """
                    INSERT INTO jobs (id, tenant, status, model, submission, created_at, updated_at, version, body)
                    VALUES (\(row.id.rawValue), \(row.tenant), \(row.status), \(row.model), \(row.submission), \(row.createdAt),
                        \(row.updatedAt), 1, \(row.body))
                    """, logger: PostgresTestDatabase.logger)
            }
            try await store.migrate()
            #expect(try await store.appliedMigrations() == PostgresJobStore.migrations.map(\.version))
            func traceIDs() async throws -> [String: String?] {
                var ids: [String: String?] = [:]
                for try await (id, traceID) in try await store.client.query("SELECT id, trace_id FROM jobs", logger: PostgresTestDatabase.logger)
                    .decode((String, String?).self)
                {
                    ids[id] = traceID
                }
                return ids
            }
            #expect(
                try await traceIDs() == [traced.id.rawValue: TraceIDFixtures.traceID, untraced.id.rawValue: nil, malformed.id.rawValue: nil])
            #expect(try await store.job(id: traced.id) == traced)

            var retraced = untraced
            retraced.traceParent = TraceIDFixtures.traceParent
            _ = try #require(try await store.update(retraced, expecting: 1, events: []))
            var later = JobFixtures.job()
            later.traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"
            _ = try await store.insert(later, events: [])
            let ids = try await traceIDs()
            #expect(ids[untraced.id.rawValue] == TraceIDFixtures.traceID)
            #expect(ids[later.id.rawValue] == "0af7651916cd43dd8448eb211c80319c")
        }
    }
}
