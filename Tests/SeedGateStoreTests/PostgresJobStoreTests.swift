import Foundation
import PostgresNIO
import SeedGateCore
import Testing

@testable import SeedGateStorePostgres

/// What only the PostgreSQL store has to prove: several replicas on one database. Each test runs on a fresh
/// database of the server in `POSTGRES_URL`; without it every test here is reported as skipped.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, "POSTGRES_URL not set"), .timeLimit(.minutes(2)))
struct PostgresJobStoreTests {
    /// The marker for the shared suite: when POSTGRES_URL is unset this shows up as a skip, so the behaviour suite
    /// running on two backends instead of three is visible.
    @Test func postgresBackendRuns() async throws {
        try await PostgresTestDatabase.withStores(1) { stores in
            try await stores[0].ping()
            #expect(try await stores[0].appliedMigrations() == PostgresJobStore.migrations.map(\.version))
        }
    }

    /// Four replicas claiming 40 due checks and 40 due deliveries at once: each is taken exactly once per lease,
    /// and once the lease has passed, exactly once again.
    @Test func concurrentClaimersTakeEachJobOncePerLease() async throws {
        try await PostgresTestDatabase.withStores(4) { stores in
            let now = Date()
            let lease = now.addingTimeInterval(60)
            let jobs = JobFixtures.jobs(40, from: now.addingTimeInterval(-100)).map(Self.dueForCheck(at: now))
            for job in jobs {
                let event = JobEvent.statusChanged(job, at: now.addingTimeInterval(-1), webhookURLs: ["https://hooks.example/a"])
                _ = try await stores[0].insert(job, events: [event])
            }

            let checks = try await Self.claimAll(stores) { try await $0.claimDueForCheck(dueBy: now, limit: 3, leaseUntil: lease).map(\.job.id) }
            #expect(checks.count == 40)
            #expect(Set(checks) == Set(jobs.map(\.id)))
            for job in jobs {
                let stored = try #require(try await stores[1].job(id: job.id))
                #expect(stored.version == 1 && stored.nextCheckAt == job.nextCheckAt, "a claim leases the job without rewriting it")
            }
            let again = try await Self.claimAll(stores) {
                try await $0.claimDueForCheck(dueBy: lease, limit: 3, leaseUntil: lease + 60).map(\.job.id)
            }
            #expect(again.count == 40 && Set(again) == Set(jobs.map(\.id)))

            let deliveries = try await Self.claimAll(stores) {
                try await $0.claimDueDeliveries(dueBy: now, limit: 3, leaseUntil: lease).map(\.delivery.id)
            }
            #expect(deliveries.count == 40)
            #expect(Set(deliveries).count == 40)
            #expect(try await stores[2].claimDueDeliveries(dueBy: now, limit: 100, leaseUntil: lease).isEmpty)
        }
    }

    /// Four stores started together on an empty database: one applies the migrations, the others wait for the
    /// advisory lock and find them recorded; starting again applies nothing.
    @Test func migrationsAreAppliedOnceWhenReplicasStartTogether() async throws {
        try await PostgresTestDatabase.withStores(4) { stores in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores { group.addTask { try await store.migrate() } }
                try await group.waitForAll()
            }
            let versions = PostgresJobStore.migrations.map(\.version)
            for store in stores { #expect(try await store.appliedMigrations() == versions) }
            let rows = try await stores[0].client.query("SELECT count(*) FROM seedgate_migrations").collect()
            #expect(try rows.first?.decode(Int.self) == versions.count)

            _ = try await stores[1].insert(JobFixtures.job(), events: [])
            let restarted = PostgresJobStore(configuration: try await Self.configuration(of: stores[0]), logger: PostgresTestDatabase.logger)
            try await PostgresTestDatabase.running([restarted.client]) {
                try await restarted.migrate()
                #expect(try await restarted.appliedMigrations() == versions)
                #expect(try await restarted.list(JobQuery()).jobs.count == 1)
            }
        }
    }

    /// A replica starting while another holds the migration lock waits for it past its own `lock_timeout` (a long
    /// backfill must not make the others fail), then finds every step applied.
    @Test func aStartingReplicaWaitsForAMigrationPastItsLockTimeout() async throws {
        try await PostgresTestDatabase.withDatabase { configuration in
            var impatient = configuration
            impatient.options.additionalStartupParameters = [("lock_timeout", "1s")]
            let holder = PostgresJobStore(configuration: configuration, logger: PostgresTestDatabase.logger)
            let waiter = PostgresJobStore(configuration: impatient, logger: PostgresTestDatabase.logger)
            try await PostgresTestDatabase.running([holder.client, waiter.client]) {
                try await holder.client.withConnection { connection in
                    let logger = PostgresTestDatabase.logger
                    try await connection.query("BEGIN", logger: logger)
                    _ = try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresJobStore.migrationLockKey))", logger: logger).collect()
                    let migration = Task { try await waiter.migrate() }
                    try await Task.sleep(for: .seconds(2))
                    try await connection.query("ROLLBACK", logger: logger)
                    try await migration.value
                }
                #expect(try await waiter.appliedMigrations() == PostgresJobStore.migrations.map(\.version))
            }
        }
    }

    /// A replica that claimed checks and deliveries and then died holds them only until the lease passes.
    @Test func deadReplicasClaimsAreReclaimableAfterTheLease() async throws {
        try await PostgresTestDatabase.withDatabase { configuration in
            let dying = PostgresJobStore(configuration: configuration, logger: PostgresTestDatabase.logger)
            let survivor = PostgresJobStore(configuration: configuration, logger: PostgresTestDatabase.logger)
            let now = Date()
            let lease = now.addingTimeInterval(30)
            let jobs = JobFixtures.jobs(2, from: now.addingTimeInterval(-10)).map(Self.dueForCheck(at: now))
            try await PostgresTestDatabase.running([dying.client]) {
                for job in jobs {
                    _ = try await dying.insert(job, events: [JobEvent.statusChanged(job, at: now, webhookURLs: ["https://hooks.example/a"])])
                }
                #expect(try await dying.claimDueForCheck(dueBy: now, limit: 10, leaseUntil: lease).count == 2)
                #expect(try await dying.claimDueDeliveries(dueBy: now, limit: 10, leaseUntil: lease).count == 2)
            } // the dying replica's client is shut down here, mid-lease
            try await PostgresTestDatabase.running([survivor.client]) {
                #expect(try await survivor.claimDueForCheck(dueBy: now, limit: 10, leaseUntil: lease + 30).isEmpty)
                #expect(try await survivor.claimDueDeliveries(dueBy: now, limit: 10, leaseUntil: lease + 30).isEmpty)
                let reclaimed = try await survivor.claimDueForCheck(dueBy: lease, limit: 10, leaseUntil: lease + 30)
                #expect(reclaimed.map(\.job.id) == jobs.map(\.id))
                let due = Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, $0.nextCheckAt) })
                #expect(reclaimed.allSatisfy { $0.job.version == 1 && $0.dueAt == due[$0.job.id] ?? nil })
                #expect(try await survivor.claimDueDeliveries(dueBy: lease, limit: 10, leaseUntil: lease + 30).count == 2)
            }
        }
    }

    /// A due job locked by another transaction (a replica mid-claim) is skipped, not waited for; when that
    /// replica's connection dies without committing, the job is claimable at once.
    @Test func lockedDueJobsAreSkippedUntilTheirHolderDies() async throws {
        try await PostgresTestDatabase.withStores(2) { stores in
            let now = Date()
            let jobs = JobFixtures.jobs(2, from: now.addingTimeInterval(-10)).map(Self.dueForCheck(at: now))
            for job in jobs { _ = try await stores[0].insert(job, events: []) }
            let lease = now.addingTimeInterval(30)
            try await stores[0].client.withConnection { connection in
                try await connection.query("BEGIN", logger: PostgresTestDatabase.logger)
                try await connection.query("SELECT id FROM jobs WHERE id = \(jobs[0].id.rawValue) FOR UPDATE", logger: PostgresTestDatabase.logger)
                let claimed = try await stores[1].claimDueForCheck(dueBy: now, limit: 10, leaseUntil: lease)
                #expect(claimed.map(\.job.id) == [jobs[1].id])
                try await connection.close()
            }
            // The server releases the dead session's locks as soon as it notices the disconnect.
            var afterDeath: [ClaimedCheck] = []
            for _ in 0..<50 where afterDeath.isEmpty {
                afterDeath = try await stores[1].claimDueForCheck(dueBy: now, limit: 10, leaseUntil: lease)
                if afterDeath.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(afterDeath.map(\.job.id) == [jobs[0].id])
        }
    }

    /// Store-specific errors, and that a failed write leaves neither the job change nor its events behind.
    @Test func failedWritesLeaveNothingBehind() async throws {
        try await PostgresTestDatabase.withStores(1) { stores in
            let store = stores[0]
            let job = JobFixtures.job(idempotencyKey: "k1")
            let first = JobEvent.statusChanged(job, at: Date(), webhookURLs: ["https://hooks.example/a"])
            _ = try await store.insert(job, events: [first])
            await #expect(throws: PostgresJobStoreError.duplicateJobID(job.id)) {
                try await store.insert(job.with { $0.idempotencyKey = nil }, events: [])
            }
            let duplicate = JobFixtures.job(idempotencyKey: "k1")
            await #expect(throws: JobStoreError.duplicateIdempotencyKey) {
                try await store.insert(duplicate, events: [JobFixtures.event(duplicate)])
            }
            #expect(try await store.job(id: duplicate.id) == nil)
            #expect(try await store.events(jobID: duplicate.id).isEmpty)

            let running = job.with { $0.status = .running }
            await #expect(throws: PostgresJobStoreError.duplicateEventID(first.id)) {
                try await store.update(running, expecting: 1, events: [first])
            }
            #expect(try await store.job(id: job.id) == job.with { $0.version = 1 })
            #expect(try await store.events(jobID: job.id) == [first])
            #expect(try await store.deliveries(jobID: job.id).count == 1)
        }
    }

    /// The JSON body is authoritative and encoded like the SQLite store's; ids sort bytewise whatever the locale.
    @Test func storesTheJSONBodyAsTheSQLiteStoreDoes() async throws {
        try await PostgresTestDatabase.withStores(1) { stores in
            let job = JobFixtures.detailed().with { $0.version = 1 }
            _ = try await stores[0].insert(job, events: [])
            let rows = try await stores[0].client.query("SELECT body FROM jobs WHERE id = \(job.id.rawValue)").collect()
            let body = try #require(try rows.first?.decode(String.self))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            #expect(body == String(decoding: try encoder.encode(job), as: UTF8.self))
            let collation = try await stores[0].client.query(
                "SELECT collation_name::text FROM information_schema.columns WHERE table_name = 'jobs' AND column_name = 'id'"
            ).collect()
            #expect(try collation.first?.decode(String.self) == "C")
        }
    }

    // MARK: - Helpers

    /// Turns a fixture into an accepted, running job whose status check was due 5 s before `now`.
    static func dueForCheck(at now: Date) -> (Job) -> Job {
        { job in
            job.with {
                $0.status = .running
                $0.submission = .accepted
                $0.provider = "volcengine-ark"
                $0.upstream = UpstreamRef(taskID: "task-\($0.id)", status: nil)
                $0.nextCheckAt = now.addingTimeInterval(-5)
            }
        }
    }

    /// Runs `claim` on every store concurrently, each until it comes back empty; returns everything claimed.
    static func claimAll<T: Sendable>(
        _ stores: [PostgresJobStore], _ claim: @escaping @Sendable (PostgresJobStore) async throws -> [T]
    ) async throws -> [T] {
        try await withThrowingTaskGroup(of: [T].self) { group in
            for store in stores {
                group.addTask {
                    var taken: [T] = []
                    while true {
                        let batch = try await claim(store)
                        if batch.isEmpty { return taken }
                        taken += batch
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// The configuration a store was made with, recovered from its database name.
    static func configuration(of store: PostgresJobStore) async throws -> PostgresClient.Configuration {
        let rows = try await store.client.query("SELECT current_database()").collect()
        var configuration = try PostgresJobStore.configuration(url: try #require(PostgresTestDatabase.url))
        configuration.database = try rows.first?.decode(String.self)
        configuration.options.maximumConnections = 2
        return configuration
    }
}
