import Foundation
import PostgresNIO
import SeedGateCore
import Synchronization

/// A `JobStore` on PostgreSQL, for several gateway replicas sharing one database.
///
/// Lifecycle: the store owns a `PostgresClient` (`client`), which is a ServiceLifecycle `Service`: put
/// `store.client` in the server's service group (or call `await store.client.run()` in a long-running task).
/// Queries wait until the client runs. The schema is brought up to date on first use, or explicitly with
/// `migrate()` at start-up; migrations run once per database under a transaction-scoped advisory lock, so
/// replicas starting together do not race.
///
/// Semantics match `InMemoryJobStore`: every write of an existing job is compare-and-set on `version`, and a write's
/// events and webhook deliveries are stored in the same transaction. Claims (`claimDueForCheck`,
/// `claimDueDeliveries`, `claimDueArchives`) lock the due rows with `FOR UPDATE SKIP LOCKED` and move their lease in the same
/// transaction, so each due row is taken by exactly one replica per lease. Errors are `PostgresJobStoreError`s
/// (plus `JobStoreError.duplicateIdempotencyKey`).
public final class PostgresJobStore: JobStore {
    /// The connection pool. Run it (it is a ServiceLifecycle `Service`) for as long as the store is used.
    public let client: PostgresClient
    let logger: Logger
    /// The one-time schema migration (see `migrate()`).
    let migrationGate = Mutex(MigrationState.pending)

    /// A store on the database at `url` (`postgres://user[:password]@host[:port]/database`, see
    /// `configuration(url:)`). Opens no connection until `client` runs and the store is used.
    public convenience init(url: String, maximumConnections: Int = 20, logger: Logger = Logger(label: "seedgate.postgres")) throws {
        var configuration = try Self.configuration(url: url)
        configuration.options.maximumConnections = maximumConnections
        self.init(configuration: configuration, logger: logger)
    }

    /// A store with a ready-made client configuration. `logger` receives the client's background messages and
    /// the store's query logs (at debug level; they never contain the password).
    public init(configuration: PostgresClient.Configuration, logger: Logger = Logger(label: "seedgate.postgres")) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    // MARK: - Writes

    /// Stores a new job at version 1 with its events and their deliveries, in one transaction. Throws
    /// `.duplicateJobID` or `JobStoreError.duplicateIdempotencyKey` (the tenant already used the key) and then
    /// stores nothing.
    public func insert(_ job: Job, events: [JobEvent]) async throws -> Job {
        var stored = job
        stored.version = 1
        let row = try PostgresRows.JobRow(stored)
        let eventRows = try events.map(PostgresRows.EventRow.init)
        try await transaction { connection in
            _ = try await Self.writingJob(row) {
                try await connection.query(
                    """
                    INSERT INTO jobs (id, tenant, status, model, provider, submission, upstream_task_id, due_at,
                        created_at, updated_at, idempotency_key, callback_token, finished_at, archive_phase, archive_due_at,
                        lane_provider, trace_id, version, body)
                    VALUES (\(row.id.rawValue), \(row.tenant), \(row.status), \(row.model), \(row.provider), \(row.submission),
                        \(row.upstreamTaskID), \(row.dueAt), \(row.createdAt), \(row.updatedAt), \(row.idempotencyKey),
                        \(row.callbackToken), \(row.finishedAt), \(row.archivePhase), \(row.archiveDueAt), \(row.laneProvider),
                        \(row.traceID), 1, \(row.body))
                    """,
                    logger: logger
                )
            }
            try await insertEvents(eventRows, connection)
        }
        return stored
    }

    /// Compare-and-set: writes `job`, its events and their deliveries in one transaction if the stored version is
    /// still `version`. Returns the job at `version + 1`, or nil (writing nothing) when the job is missing or was
    /// changed meanwhile.
    public func update(_ job: Job, expecting version: Int, events: [JobEvent]) async throws -> Job? {
        var stored = job
        stored.version = version + 1
        let row = try PostgresRows.JobRow(stored)
        let eventRows = try events.map(PostgresRows.EventRow.init)
        let written = try await transaction { connection -> Bool in
            let updated = try await Self.writingJob(row) {
                try await connection.query(
                    """
                    UPDATE jobs SET tenant = \(row.tenant), status = \(row.status), model = \(row.model),
                        provider = \(row.provider), submission = \(row.submission), upstream_task_id = \(row.upstreamTaskID),
                        due_at = \(row.dueAt), created_at = \(row.createdAt), updated_at = \(row.updatedAt),
                        idempotency_key = \(row.idempotencyKey), callback_token = \(row.callbackToken),
                        finished_at = \(row.finishedAt), archive_phase = \(row.archivePhase), archive_due_at = \(row.archiveDueAt),
                        lane_provider = \(row.laneProvider), trace_id = \(row.traceID), body = \(row.body), lease_until = NULL,
                        archive_lease_until = NULL, version = version + 1
                    WHERE id = \(row.id.rawValue) AND version = \(version)
                    RETURNING id
                    """,
                    logger: logger
                ).collect()
            }
            guard !updated.isEmpty else { return false }
            try await insertEvents(eventRows, connection)
            return true
        }
        return written ? stored : nil
    }

    // MARK: - Reads

    /// The stored job, or nil.
    public func job(id: JobID) async throws -> Job? {
        try await fetchJobs("SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs WHERE id = \(id.rawValue)").first
    }

    /// Jobs matching every filter of `query`, newest first (ids sort by creation time, compared bytewise),
    /// older than `query.after`. A negative limit counts as 0.
    public func list(_ query: JobQuery) async throws -> JobPage {
        let limit = Self.clamped(query.limit)
        let rows = try await fetchJobs(
            """
            SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs
            WHERE (\(query.tenant)::text IS NULL OR tenant = \(query.tenant))
              AND (\(query.status?.rawValue)::text IS NULL OR status = \(query.status?.rawValue))
              AND (\(query.model)::text IS NULL OR model = \(query.model))
              AND (\(query.provider?.rawValue)::text IS NULL OR provider = \(query.provider?.rawValue))
              AND (\(query.after?.rawValue)::text IS NULL OR id < \(query.after?.rawValue))
            ORDER BY id DESC LIMIT \(limit + 1)
            """
        )
        return JobPage(rows: rows, limit: limit)
    }

    /// Queued jobs with submission `pending` whose `submitAfter` is unset or not after `dueBy`, oldest first.
    public func jobsAwaitingSubmission(dueBy: Date, limit: Int) async throws -> [Job] {
        try await fetchJobs(
            """
            SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs
            WHERE status = 'queued' AND submission = 'pending'
              AND (due_at IS NULL OR due_at <= \(dueBy.timeIntervalSince1970))
            ORDER BY id LIMIT \(Self.clamped(limit))
            """
        )
    }

    /// The same within one lane (nil: jobs in no lane), through the partial index `jobs_lanes`.
    public func jobsAwaitingSubmission(in lane: ProviderModel?, dueBy: Date, limit: Int) async throws -> [Job] {
        let due = dueBy.timeIntervalSince1970
        guard let lane else {
            return try await fetchJobs(
                """
                SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs
                WHERE lane_provider IS NULL AND status = 'queued' AND submission = 'pending' AND (due_at IS NULL OR due_at <= \(due))
                ORDER BY id LIMIT \(Self.clamped(limit))
                """
            )
        }
        return try await fetchJobs(
            """
            SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs
            WHERE lane_provider = \(lane.provider.rawValue) AND model = \(lane.model)
              AND status = 'queued' AND submission = 'pending' AND (due_at IS NULL OR due_at <= \(due))
            ORDER BY id LIMIT \(Self.clamped(limit))
            """
        )
    }

    /// Unfinished jobs with submission `accepted` whose `nextCheckAt` is not after `dueBy` and whose claim (if any)
    /// has run out, earliest check first.
    public func jobsDueForCheck(dueBy: Date, limit: Int) async throws -> [Job] {
        try await fetchJobs(Self.dueForCheck(dueBy: dueBy, limit: limit, suffix: ""))
    }

    /// The due-for-check query, with `suffix` appended (a locking clause).
    static func dueForCheck(dueBy: Date, limit: Int, suffix: String) -> PostgresQuery {
        let due = dueBy.timeIntervalSince1970
        return """
            SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs
            WHERE status IN ('queued', 'running') AND submission = 'accepted' AND due_at <= \(due)
              AND (lease_until IS NULL OR lease_until <= \(due))
            ORDER BY due_at, id LIMIT \(clamped(limit)) \(unescaped: suffix)
            """
    }

    /// Jobs left in `submitting` since before `updatedBefore`, oldest first.
    public func jobsStuckSubmitting(updatedBefore: Date, limit: Int) async throws -> [Job] {
        try await fetchJobs(
            """
            SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs
            WHERE status = 'queued' AND submission = 'submitting' AND updated_at < \(updatedBefore.timeIntervalSince1970)
            ORDER BY id LIMIT \(Self.clamped(limit))
            """
        )
    }

    /// The job's events in the order they were stored.
    public func events(jobID: JobID) async throws -> [JobEvent] {
        try await read("SELECT id, body FROM job_events WHERE job_id = \(jobID.rawValue) ORDER BY seq").map(PostgresRows.event)
    }

    /// Runs `SELECT 1` (bringing the schema up to date first if this is the store's first call).
    public func ping() async throws {
        _ = try await read("SELECT 1")
    }

    // MARK: - Helpers

    /// Brings the schema up to date once, then runs `query` on any pooled connection and collects its rows.
    func read(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await migrate()
        return try await PostgresJobStoreError.mapping {
            try await client.query(query, logger: logger).collect()
        }
    }

    func fetchJobs(_ query: PostgresQuery) async throws -> [Job] {
        try await read(query).map(PostgresRows.job)
    }

    /// Runs `body` in a transaction on one pooled connection (after bringing the schema up to date): commits when it
    /// returns, rolls back when it throws. A connection whose rollback fails is closed, so the pool never hands out
    /// a connection left inside a transaction.
    nonisolated(nonsending) func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await migrate()
        return try await PostgresJobStoreError.mapping {
            try await client.withConnection { connection in
                try await Self.inTransaction(connection, logger: logger, body)
            }
        }
    }

    nonisolated(nonsending) static func inTransaction<T: Sendable>(
        _ connection: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.query("BEGIN", logger: logger)
        do {
            let result = try await body(connection)
            try await connection.query("COMMIT", logger: logger)
            return result
        } catch {
            do { try await connection.query("ROLLBACK", logger: logger) } catch { try? await connection.close() }
            throw error
        }
    }

    /// Limits as PostgreSQL takes them: never negative (an error there), never overflowing `limit + 1`.
    static func clamped(_ limit: Int) -> Int { min(max(limit, 0), Int(Int32.max)) }

    /// Runs a job insert or update, turning unique violations into the matching error.
    nonisolated(nonsending) private static func writingJob<T>(_ row: PostgresRows.JobRow, _ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch {
            switch PostgresJobStoreError.violatedConstraint(error) {
            case "jobs_pkey": throw PostgresJobStoreError.duplicateJobID(row.id)
            case "jobs_idempotency": throw JobStoreError.duplicateIdempotencyKey
            default: throw error
            }
        }
    }

    private func insertEvents(_ events: [PostgresRows.EventRow], _ connection: PostgresConnection) async throws {
        for event in events {
            do {
                try await connection.query(
                    """
                    INSERT INTO job_events (id, job_id, type, status, at, body)
                    VALUES (\(event.id), \(event.jobID), \(event.type), \(event.status), \(event.at), \(event.body))
                    """,
                    logger: logger
                )
            } catch  where PostgresJobStoreError.violatedConstraint(error) == "job_events_id_key" {
                throw PostgresJobStoreError.duplicateEventID(event.id)
            }
            for delivery in event.deliveries {
                try await connection.query(
                    """
                    INSERT INTO webhook_deliveries (id, event_id, job_id, status, next_attempt_at, body)
                    VALUES (\(delivery.id), \(delivery.eventID), \(delivery.jobID), \(delivery.status),
                        \(delivery.nextAttemptAt), \(delivery.body))
                    """,
                    logger: logger
                )
            }
        }
    }
}

/// Where the one-time schema migration of a store stands.
enum MigrationState: Sendable {
    case pending
    case running(Task<Void, any Error>)
    case done
}
