import Foundation
import PostgresNIO
import SeedGateCore
import Testing

@testable import SeedGateStorePostgres

/// The PostgreSQL side of migration 7 (submission lanes): waiting jobs of an older database get their lane from
/// their body.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, "POSTGRES_URL not set"), .timeLimit(.minutes(2)))
struct PostgresJobStoreLaneTests {
    @Test func upgradesAVersion6Database() async throws {
        try await PostgresTestDatabase.withStores(1) { stores in
            let store = stores[0]
            try await PostgresTestDatabase.buildSchema(store, upTo: 6)
            let now = Date()
            let (first, second, accepted) = JobFixtures.storedBeforeLanes(now: now)
            for job in [first, second, accepted] {
                let row = try PostgresRows.JobRow(job)
                _ = try await store.client.query(
                    """
                    INSERT INTO jobs (id, tenant, status, model, provider, submission, upstream_task_id, due_at, created_at,
                        updated_at, version, body)
                    VALUES (\(row.id.rawValue), \(row.tenant), \(row.status), \(row.model), \(row.provider), \(row.submission),
                        \(row.upstreamTaskID), \(row.dueAt), \(row.createdAt), \(row.updatedAt), 1, \(row.body))
                    """, logger: PostgresTestDatabase.logger)
            }
            try await store.migrate()
            #expect(try await store.appliedMigrations() == PostgresJobStore.migrations.map(\.version))
            try await JobStoreBehaviour.backfilledLanesAreFound(store, first: first, second: second, now: now)
        }
    }
}
