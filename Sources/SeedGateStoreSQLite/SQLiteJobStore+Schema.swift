import GRDB

extension SQLiteJobStore {
    /// The schema, as append-only migration steps. Never edit a registered step: add a new one (`v2-…`) after it.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-jobs") { db in
            // `body` holds the whole job as JSON and is authoritative; the other columns exist to be queried.
            // Dates are REAL unix seconds. `version` is the compare-and-set counter.
            try db.execute(
                sql: """
                    CREATE TABLE jobs (
                        id TEXT PRIMARY KEY NOT NULL,
                        tenant TEXT NOT NULL,
                        status TEXT NOT NULL,
                        model TEXT NOT NULL,
                        provider TEXT,
                        submission TEXT NOT NULL,
                        upstream_task_id TEXT,
                        next_check_at REAL,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        idempotency_key TEXT,
                        version INTEGER NOT NULL,
                        body TEXT NOT NULL
                    );
                    CREATE INDEX jobs_due ON jobs (status, submission, next_check_at);
                    CREATE INDEX jobs_tenant ON jobs (tenant, id);
                    CREATE INDEX jobs_upstream ON jobs (provider, upstream_task_id);
                    CREATE UNIQUE INDEX jobs_idempotency ON jobs (tenant, idempotency_key)
                        WHERE idempotency_key IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v1-job-events") { db in
            // The outbox. Rows are read back in insertion (rowid) order; `delivered_at` is set once sent.
            try db.execute(
                sql: """
                    CREATE TABLE job_events (
                        id TEXT PRIMARY KEY NOT NULL,
                        job_id TEXT NOT NULL,
                        type TEXT NOT NULL,
                        status TEXT NOT NULL,
                        at REAL NOT NULL,
                        delivered_at REAL,
                        body TEXT NOT NULL
                    );
                    CREATE INDEX job_events_job ON job_events (job_id);
                    """)
        }
        migrator.registerMigration("v2-callbacks-and-deliveries") { db in
            // Provider callback tokens are looked up on every callback; deliveries are the webhook outbox, one row
            // per (event, endpoint), written in the same transaction as the event.
            try db.execute(
                sql: """
                    ALTER TABLE jobs ADD COLUMN callback_token TEXT;
                    CREATE UNIQUE INDEX jobs_callback_token ON jobs (callback_token) WHERE callback_token IS NOT NULL;
                    CREATE TABLE webhook_deliveries (
                        id TEXT PRIMARY KEY NOT NULL,
                        event_id TEXT NOT NULL,
                        job_id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        next_attempt_at REAL,
                        body TEXT NOT NULL
                    );
                    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
                    CREATE INDEX webhook_deliveries_job ON webhook_deliveries (job_id);
                    """)
        }
        migrator.registerMigration("v3-due-at-and-leases") { db in
            // `next_check_at` held three things (a pending job's retry time, an accepted job's next check, and a
            // claim's lease); it becomes `due_at` (the job's `dueAt`: next create attempt or next check) and claims get
            // their own `lease_until`, which every write of the job clears. A pending job written before this step
            // keeps its back-off in `due_at` (and its body has no `submitAfter`) until its next write.
            try db.execute(
                sql: """
                    ALTER TABLE jobs RENAME COLUMN next_check_at TO due_at;
                    ALTER TABLE jobs ADD COLUMN lease_until REAL;
                    """)
        }
        migrator.registerMigration("v4-provider-shared-state") { db in
            // What adapters share across replicas (`ProviderSharedState`): one versioned value and one lease per key,
            // e.g. Chanjing's access token, which a new exchange invalidates. `value` is NULL while only a lease has
            // been taken; `version` counts value writes (compare-and-set). `value` may be a secret.
            try db.execute(
                sql: """
                    CREATE TABLE provider_shared_state (
                        key TEXT PRIMARY KEY NOT NULL,
                        value TEXT,
                        version INTEGER NOT NULL DEFAULT 0,
                        lease_holder TEXT,
                        lease_until REAL
                    );
                    """)
        }
        migrator.registerMigration("v5-archive-and-retention") { db in
            // Archiving and retention query jobs by when they finished and by their archive, so both get columns of
            // their own (a JSON body is never scanned): `finished_at` (the job's `finishedAt`), `archive_phase`
            // (`output.archive.phase`, NULL without an archive), `archive_due_at` (the job's `archiveDueAt`) and the
            // archive claim's `archive_lease_until`, which, like `lease_until`, every write of the job clears. Finished
            // rows are backfilled from their body (JSON dates are reference-date seconds, the columns unix seconds);
            // unfinished ones have nothing to fill. The partial indexes hold only the rows each query can return: the
            // archive queue, and per retention target (all tenants, or one) the jobs still holding what it removes, so
            // a job whose media or key retention took leaves its index and later sweeps never step over it again.
            try db.execute(
                sql: """
                    ALTER TABLE jobs ADD COLUMN finished_at REAL;
                    ALTER TABLE jobs ADD COLUMN archive_phase TEXT;
                    ALTER TABLE jobs ADD COLUMN archive_due_at REAL;
                    ALTER TABLE jobs ADD COLUMN archive_lease_until REAL;
                    UPDATE jobs SET
                        finished_at = json_extract(body, '$.finishedAt') + 978307200,
                        archive_phase = json_extract(body, '$.output.archive.phase'),
                        archive_due_at = CASE
                            WHEN status = 'succeeded' AND json_extract(body, '$.output.archive.phase') = 'pending' THEN
                                coalesce(
                                    json_extract(body, '$.output.archive.nextAttemptAt'), json_extract(body, '$.finishedAt'),
                                    json_extract(body, '$.updatedAt')
                                ) + 978307200
                            END
                    WHERE status IN ('succeeded', 'failed', 'cancelled', 'expired');
                    CREATE INDEX jobs_archive_due ON jobs (archive_due_at, id) WHERE archive_due_at IS NOT NULL;
                    CREATE INDEX jobs_retention ON jobs (finished_at, id) WHERE finished_at IS NOT NULL;
                    CREATE INDEX jobs_tenant_retention ON jobs (tenant, finished_at, id) WHERE finished_at IS NOT NULL;
                    CREATE INDEX jobs_media_retention ON jobs (finished_at, id)
                        WHERE finished_at IS NOT NULL AND archive_phase <> 'deleted';
                    CREATE INDEX jobs_tenant_media_retention ON jobs (tenant, finished_at, id)
                        WHERE finished_at IS NOT NULL AND archive_phase <> 'deleted';
                    CREATE INDEX jobs_key_retention ON jobs (finished_at, id)
                        WHERE finished_at IS NOT NULL AND idempotency_key IS NOT NULL;
                    CREATE INDEX jobs_tenant_key_retention ON jobs (tenant, finished_at, id)
                        WHERE finished_at IS NOT NULL AND idempotency_key IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v6-submission-lanes") { db in
            // A waiting job queues in a lane (`Job.lane`: its next provider with its model), and the dispatcher reads
            // each lane's oldest jobs on its own; `lane_provider` is that provider (NULL once the job no longer waits).
            // Waiting rows are backfilled from their body: the route's entry after as many retryable attempts as
            // were made. The partial index holds only waiting rows, so it stays as small as the queue.
            try db.execute(
                sql: """
                    ALTER TABLE jobs ADD COLUMN lane_provider TEXT;
                    UPDATE jobs SET lane_provider = json_extract(body, '$.route[' || (
                        (SELECT count(*) FROM json_each(jobs.body, '$.attempts') WHERE json_extract(value, '$.outcome') = 'retryable')
                        % json_array_length(body, '$.route')) || ']')
                    WHERE status = 'queued' AND submission = 'pending' AND json_array_length(body, '$.route') > 0;
                    CREATE INDEX jobs_lanes ON jobs (lane_provider, model, id) WHERE status = 'queued' AND submission = 'pending';
                    """)
        }
        migrator.registerMigration("v7-trace-ids") { db in
            // A job remembers the trace context of the request that created it (`Job.traceParent`, in the body); its
            // trace id gets a column of its own, so the job behind a log line's `trace_id` is one indexed lookup. Rows
            // whose body already has a traceparent are backfilled (its second field); older jobs have none. The
            // partial index holds only jobs with a trace id.
            try db.execute(
                sql: """
                    ALTER TABLE jobs ADD COLUMN trace_id TEXT;
                    UPDATE jobs SET trace_id = substr(json_extract(body, '$.traceParent'), 4, 32)
                    WHERE substr(json_extract(body, '$.traceParent'), 3, 1) = '-'
                        AND substr(json_extract(body, '$.traceParent'), 36, 1) = '-'
                        AND substr(json_extract(body, '$.traceParent'), 4, 32) NOT GLOB '*[^0-9a-f]*';
                    CREATE INDEX jobs_trace ON jobs (trace_id) WHERE trace_id IS NOT NULL;
                    """)
        }
        return migrator
    }
}
