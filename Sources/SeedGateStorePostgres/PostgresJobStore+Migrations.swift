import PostgresNIO

/// One schema step. Steps are append-only: never edit or renumber a released one, add the next version after it.
struct PostgresMigration: Sendable {
    let version: Int
    let name: String
    /// Statements run in order, inside the migration transaction (one statement per query).
    let statements: [String]
}

extension PostgresJobStore {
    /// The schema, in version order.
    ///
    /// `body` holds the whole job (event, delivery) as JSON text and is authoritative; the other columns exist to
    /// be queried. Dates are `double precision` unix seconds. Ids use the "C" collation so they order bytewise,
    /// which is creation order, whatever the database's locale. `seq` keeps events and deliveries in insertion order.
    static let migrations: [PostgresMigration] = [
        PostgresMigration(
            version: 1, name: "jobs",
            statements: [
                """
                CREATE TABLE jobs (
                    id text COLLATE "C" PRIMARY KEY,
                    tenant text NOT NULL,
                    status text NOT NULL,
                    model text NOT NULL,
                    provider text,
                    submission text NOT NULL,
                    upstream_task_id text,
                    next_check_at double precision,
                    created_at double precision NOT NULL,
                    updated_at double precision NOT NULL,
                    idempotency_key text,
                    callback_token text,
                    version bigint NOT NULL,
                    body text NOT NULL
                )
                """,
                "CREATE INDEX jobs_tenant ON jobs (tenant, id)",
                "CREATE INDEX jobs_upstream ON jobs (provider, upstream_task_id)",
                "CREATE UNIQUE INDEX jobs_idempotency ON jobs (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL",
                "CREATE UNIQUE INDEX jobs_callback_token ON jobs (callback_token) WHERE callback_token IS NOT NULL",
                // The work queues, as partial indexes that hold only the jobs each queue can return.
                "CREATE INDEX jobs_awaiting_submission ON jobs (id) WHERE status = 'queued' AND submission = 'pending'",
                """
                CREATE INDEX jobs_due_for_check ON jobs (next_check_at, id)
                    WHERE status IN ('queued', 'running') AND submission = 'accepted'
                """,
                """
                CREATE INDEX jobs_in_flight ON jobs (provider, model)
                    WHERE status IN ('queued', 'running') AND submission IN ('submitting', 'accepted')
                """,
            ]),
        PostgresMigration(
            version: 2, name: "job-events",
            statements: [
                """
                CREATE TABLE job_events (
                    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id text NOT NULL CONSTRAINT job_events_id_key UNIQUE,
                    job_id text COLLATE "C" NOT NULL,
                    type text NOT NULL,
                    status text NOT NULL,
                    at double precision NOT NULL,
                    body text NOT NULL
                )
                """,
                "CREATE INDEX job_events_job ON job_events (job_id, seq)",
            ]),
        PostgresMigration(
            version: 3, name: "webhook-deliveries",
            statements: [
                // The webhook outbox: one row per (event, endpoint), written in the same transaction as the event.
                """
                CREATE TABLE webhook_deliveries (
                    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id text NOT NULL CONSTRAINT webhook_deliveries_id_key UNIQUE,
                    event_id text NOT NULL REFERENCES job_events (id),
                    job_id text COLLATE "C" NOT NULL,
                    status text NOT NULL,
                    next_attempt_at double precision,
                    body text NOT NULL
                )
                """,
                "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, seq) WHERE status = 'pending'",
                "CREATE INDEX webhook_deliveries_job ON webhook_deliveries (job_id, seq)",
            ]),
        PostgresMigration(
            version: 4, name: "due-at-and-leases",
            statements: [
                // `next_check_at` held three things (a pending job's retry time, an accepted job's next check, and a
                // claim's lease); it becomes `due_at` (the job's `dueAt`) and claims get their own `lease_until`, which
                // every write of the job clears. A pending job written before this step keeps its back-off in `due_at`
                // (its body has no `submitAfter`) until its next write.
                "ALTER TABLE jobs RENAME COLUMN next_check_at TO due_at",
                "ALTER TABLE jobs ADD COLUMN lease_until double precision",
            ]),
        PostgresMigration(
            version: 5, name: "provider-shared-state",
            statements: [
                // What adapters share across replicas (`ProviderSharedState`): one versioned value and one lease per
                // key, e.g. Chanjing's access token, which a new exchange invalidates. `value` is NULL while only a
                // lease has been taken; `version` counts value writes (compare-and-set). `value` may be a secret.
                """
                CREATE TABLE provider_shared_state (
                    key text COLLATE "C" PRIMARY KEY,
                    value text,
                    version bigint NOT NULL DEFAULT 0,
                    lease_holder text,
                    lease_until double precision
                )
                """
            ]),
        PostgresMigration(
            version: 6, name: "archive-and-retention",
            statements: [
                // Archiving and retention query jobs by when they finished and by their archive, so both get columns
                // of their own (a JSON body is never scanned): `finished_at` (the job's `finishedAt`), `archive_phase`
                // (`output.archive.phase`, NULL without an archive), `archive_due_at` (the job's `archiveDueAt`) and
                // the archive claim's `archive_lease_until`, which, like `lease_until`, every write of the job clears.
                """
                ALTER TABLE jobs ADD COLUMN finished_at double precision, ADD COLUMN archive_phase text,
                    ADD COLUMN archive_due_at double precision, ADD COLUMN archive_lease_until double precision
                """,
                // Finished rows are backfilled from their body, parsed once per row (JSON dates are reference-date
                // seconds, the columns unix seconds); unfinished ones have nothing to fill.
                """
                UPDATE jobs SET
                    finished_at = (old.doc ->> 'finishedAt')::double precision + 978307200,
                    archive_phase = old.doc #>> '{output,archive,phase}',
                    archive_due_at = CASE
                        WHEN jobs.status = 'succeeded' AND old.doc #>> '{output,archive,phase}' = 'pending' THEN
                            coalesce(old.doc #>> '{output,archive,nextAttemptAt}', old.doc ->> 'finishedAt', old.doc ->> 'updatedAt')
                                ::double precision + 978307200
                        END
                FROM (
                    SELECT id, body::jsonb AS doc FROM jobs WHERE status IN ('succeeded', 'failed', 'cancelled', 'expired')
                ) AS old
                WHERE jobs.id = old.id
                """,
                // Partial indexes that hold only the rows each query can return: the archive queue, and per retention
                // target (all tenants, or one) the jobs still holding what it removes, so a job whose media or key
                // retention took leaves its index and later sweeps never step over it again.
                "CREATE INDEX jobs_archive_due ON jobs (archive_due_at, id) WHERE archive_due_at IS NOT NULL",
                "CREATE INDEX jobs_retention ON jobs (finished_at, id) WHERE finished_at IS NOT NULL",
                "CREATE INDEX jobs_tenant_retention ON jobs (tenant, finished_at, id) WHERE finished_at IS NOT NULL",
                """
                CREATE INDEX jobs_media_retention ON jobs (finished_at, id)
                    WHERE finished_at IS NOT NULL AND archive_phase <> 'deleted'
                """,
                """
                CREATE INDEX jobs_tenant_media_retention ON jobs (tenant, finished_at, id)
                    WHERE finished_at IS NOT NULL AND archive_phase <> 'deleted'
                """,
                "CREATE INDEX jobs_key_retention ON jobs (finished_at, id) WHERE finished_at IS NOT NULL AND idempotency_key IS NOT NULL",
                """
                CREATE INDEX jobs_tenant_key_retention ON jobs (tenant, finished_at, id)
                    WHERE finished_at IS NOT NULL AND idempotency_key IS NOT NULL
                """,
            ]),
        PostgresMigration(
            version: 7, name: "submission-lanes",
            statements: [
                // A waiting job queues in a lane (`Job.lane`: its next provider with its model), and the dispatcher reads
                // each lane's oldest jobs on its own; `lane_provider` is that provider (NULL once the job no longer
                // waits). Waiting rows are backfilled from their body: the route's entry after as many retryable
                // attempts as were made. The partial index holds only waiting rows, so it stays as small as the queue.
                "ALTER TABLE jobs ADD COLUMN lane_provider text",
                """
                UPDATE jobs SET lane_provider = old.doc -> 'route' ->> (
                    (SELECT count(*) FROM jsonb_array_elements(coalesce(old.doc -> 'attempts', '[]'::jsonb)) AS attempt
                     WHERE attempt ->> 'outcome' = 'retryable') % jsonb_array_length(old.doc -> 'route'))::int
                FROM (SELECT id, body::jsonb AS doc FROM jobs WHERE status = 'queued' AND submission = 'pending') AS old
                WHERE jobs.id = old.id AND jsonb_array_length(old.doc -> 'route') > 0
                """,
                "CREATE INDEX jobs_lanes ON jobs (lane_provider, model, id) WHERE status = 'queued' AND submission = 'pending'",
            ]),
        PostgresMigration(
            version: 8, name: "trace-ids",
            statements: [
                // A job remembers the trace context of the request that created it (`Job.traceParent`, in the body);
                // its trace id gets a column of its own, so the job behind a log line's `trace_id` is one indexed
                // lookup. Rows whose body already has a traceparent are backfilled (its second field); older jobs
                // have none. The partial index holds only jobs with a trace id.
                "ALTER TABLE jobs ADD COLUMN trace_id text",
                """
                UPDATE jobs SET trace_id = substr(old.doc ->> 'traceParent', 4, 32)
                FROM (SELECT id, body::jsonb AS doc FROM jobs WHERE body LIKE '%"traceParent"%') AS old
                WHERE jobs.id = old.id AND old.doc ->> 'traceParent' ~ '^[0-9a-f]{2}-[0-9a-f]{32}-'
                """,
                "CREATE INDEX jobs_trace ON jobs (trace_id) WHERE trace_id IS NOT NULL",
            ]),
    ]

    /// The key of the transaction-scoped advisory lock that serialises migrations across replicas ("SeedGate").
    static let migrationLockKey: Int = 0x5365_6564_4761_7465

    /// Brings the schema up to date, once per store; later calls return at once. Concurrent callers share one
    /// attempt; after a failure (e.g. the database was unreachable) the next call tries again. Safe to run from
    /// several replicas at the same time: each takes `pg_advisory_xact_lock` first, so one applies the missing steps
    /// and the others find them recorded in `seedgate_migrations`.
    public func migrate() async throws {
        let task: Task<Void, any Error>? = migrationGate.withLock { state in
            switch state {
            case .done:
                return nil
            case .running(let task):
                return task
            case .pending:
                let task = Task { try await self.applyMigrations() }
                state = .running(task)
                return task
            }
        }
        guard let task else { return }
        do {
            try await task.value
            migrationGate.withLock { $0 = .done }
        } catch {
            migrationGate.withLock { state in
                if case .running = state { state = .pending }
            }
            throw error
        }
    }

    /// The versions recorded in `seedgate_migrations`, ascending.
    func appliedMigrations() async throws -> [Int] {
        try await read("SELECT version FROM seedgate_migrations ORDER BY version").map { try $0.decode(Int.self) }
    }

    /// One transaction: take the advisory lock, create the bookkeeping table if needed, apply the missing steps.
    private func applyMigrations() async throws {
        try await PostgresJobStoreError.mapping {
            try await client.withConnection { connection in
                try await Self.inTransaction(connection, logger: logger) { connection in
                    // Replicas starting together wait here for the one migrating, however long its steps take (a
                    // backfill of a large table can take a while), so this wait alone is exempt from `lock_timeout`;
                    // the steps themselves keep it, so one stuck behind live queries still gives up. The rows are
                    // read so that a failed wait is reported as itself, not as the next statement's aborted transaction.
                    try await connection.query("SET LOCAL lock_timeout = 0", logger: logger)
                    _ = try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger).collect()
                    try await connection.query("SET LOCAL lock_timeout TO DEFAULT", logger: logger)
                    try await connection.query(
                        """
                        CREATE TABLE IF NOT EXISTS seedgate_migrations (
                            version bigint PRIMARY KEY,
                            name text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now()
                        )
                        """,
                        logger: logger
                    )
                    let applied = Set(
                        try await connection.query("SELECT version FROM seedgate_migrations", logger: logger).collect()
                            .map { try $0.decode(Int.self) }
                    )
                    for migration in Self.migrations where !applied.contains(migration.version) {
                        for statement in migration.statements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query(
                            "INSERT INTO seedgate_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                            logger: logger
                        )
                        logger.info("applied database migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                    }
                }
            }
        }
    }
}
