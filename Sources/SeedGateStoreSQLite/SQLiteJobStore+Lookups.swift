import Foundation
import GRDB
import SeedGateCore

/// Lookups used by idempotency, provider callbacks, queue positions and admission control.
extension SQLiteJobStore {
    public func job(tenant: String, idempotencyKey: String) async throws -> Job? {
        try await fetchJobs(
            "SELECT \(StoredRows.jobColumns) FROM jobs WHERE tenant = ? AND idempotency_key = ?", [tenant, idempotencyKey]
        ).first
    }

    /// One write transaction (SQLite has a single writer): select the due jobs, then lease them. The jobs themselves
    /// are not rewritten.
    public func claimDueForCheck(dueBy: Date, limit: Int, leaseUntil: Date) async throws -> [ClaimedCheck] {
        try await SQLiteJobStoreError.mapping {
            try await pool.write { db in
                let due = try Row.fetchAll(db, sql: Self.dueForCheckSQL, arguments: Self.dueForCheckArguments(dueBy: dueBy, limit: limit))
                    .map(StoredRows.job)
                for job in due {
                    try db.execute(
                        sql: "UPDATE jobs SET lease_until = ? WHERE id = ?", arguments: [leaseUntil.timeIntervalSince1970, job.id.rawValue])
                }
                return due.map { ClaimedCheck(job: $0, dueAt: $0.nextCheckAt) }
            }
        }
    }

    public func openJobCounts() async throws -> [JobStatus: Int] {
        try await SQLiteJobStoreError.mapping {
            try await pool.read { db in
                let rows = try Row.fetchAll(
                    db, sql: "SELECT status, COUNT(*) AS n FROM jobs WHERE status IN (?, ?) GROUP BY status",
                    arguments: [JobStatus.queued.rawValue, JobStatus.running.rawValue]
                )
                var counts: [JobStatus: Int] = [:]
                for row in rows { if let status = JobStatus(rawValue: row["status"]) { counts[status] = row["n"] } }
                return counts
            }
        }
    }

    public func jobsStuckSubmitting(updatedBefore: Date, limit: Int) async throws -> [Job] {
        try await fetchJobs(
            "SELECT \(StoredRows.jobColumns) FROM jobs WHERE status = ? AND submission = ? AND updated_at < ? ORDER BY id LIMIT ?",
            [JobStatus.queued.rawValue, SubmissionState.submitting.rawValue, updatedBefore.timeIntervalSince1970, Self.clamped(limit)]
        )
    }

    public func job(callbackToken: String) async throws -> Job? {
        try await fetchJobs("SELECT \(StoredRows.jobColumns) FROM jobs WHERE callback_token = ?", [callbackToken]).first
    }

    public func job(provider: ProviderID, upstreamTaskID: String) async throws -> Job? {
        try await fetchJobs(
            "SELECT \(StoredRows.jobColumns) FROM jobs WHERE provider = ? AND upstream_task_id = ? LIMIT 1", [provider.rawValue, upstreamTaskID]
        ).first
    }

    public func queuePosition(of id: JobID) async throws -> Int {
        try await SQLiteJobStoreError.mapping {
            try await pool.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM jobs WHERE status = ? AND submission = ? AND id < ?",
                    arguments: [JobStatus.queued.rawValue, SubmissionState.pending.rawValue, id.rawValue]
                ) ?? 0
            }
        }
    }

    public func queuePosition(of id: JobID, in lane: ProviderModel) async throws -> Int {
        try await SQLiteJobStoreError.mapping {
            try await pool.read { db in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM jobs
                        WHERE lane_provider = ? AND model = ? AND status = 'queued' AND submission = 'pending' AND id < ?
                        """,
                    arguments: [lane.provider.rawValue, lane.model, id.rawValue]
                ) ?? 0
            }
        }
    }

    public func jobsUnconfirmed(expiredBy: Date, limit: Int) async throws -> [Job] {
        try await fetchJobs(
            "SELECT \(StoredRows.jobColumns) FROM jobs WHERE status = ? AND submission = ? AND due_at <= ? ORDER BY due_at, id LIMIT ?",
            [JobStatus.queued.rawValue, SubmissionState.unconfirmed.rawValue, expiredBy.timeIntervalSince1970, Self.clamped(limit)]
        )
    }

    public func inFlightCounts() async throws -> [ProviderModel: Int] {
        try await inFlightCounts(condition: "", [])
    }

    /// In-flight jobs are few (bounded by the providers' concurrency), so reading the resolution from their JSON body
    /// costs little; the status index finds them.
    public func inFlightCounts(resolution: String) async throws -> [ProviderModel: Int] {
        try await inFlightCounts(condition: "AND json_extract(body, '$.spec.resolution') = ?", [resolution])
    }

    private func inFlightCounts(condition: String, _ extra: StatementArguments) async throws -> [ProviderModel: Int] {
        let open = JobStatus.allCases.filter { !$0.isTerminal }.map(\.rawValue)
        return try await SQLiteJobStoreError.mapping {
            try await pool.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT provider, model, COUNT(*) AS n FROM jobs
                        WHERE status IN (?, ?) AND submission IN (?, ?) AND provider IS NOT NULL \(condition)
                        GROUP BY provider, model
                        """,
                    arguments: StatementArguments(open) + [SubmissionState.submitting.rawValue, SubmissionState.accepted.rawValue] + extra
                )
                var counts: [ProviderModel: Int] = [:]
                for row in rows {
                    counts[ProviderModel(provider: ProviderID(row["provider"] as String), model: row["model"])] = row["n"]
                }
                return counts
            }
        }
    }
}

/// The webhook outbox.
extension SQLiteJobStore {
    public func claimDueDeliveries(dueBy: Date, limit: Int, leaseUntil: Date) async throws -> [ClaimedDelivery] {
        try await SQLiteJobStoreError.mapping {
            try await pool.write { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT d.id, d.body, e.id AS event_id, e.body AS event_body FROM webhook_deliveries d
                        JOIN job_events e ON e.id = d.event_id
                        WHERE d.status = ? AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT ?
                        """,
                    arguments: [WebhookDelivery.Status.pending.rawValue, dueBy.timeIntervalSince1970, Self.clamped(limit)]
                )
                return try rows.map { row in
                    var delivery = try StoredRows.delivery(row)
                    delivery.nextAttemptAt = leaseUntil
                    try Self.save(delivery, db)
                    let event = try StoredRows.event(Row(["id": row["event_id"], "body": row["event_body"]]))
                    return ClaimedDelivery(delivery: delivery, event: event)
                }
            }
        }
    }

    public func recordDeliveryAttempt(_ id: String, at date: Date, outcome: DeliveryOutcome) async throws {
        try await SQLiteJobStoreError.mapping {
            try await pool.write { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT id, body FROM webhook_deliveries WHERE id = ?", arguments: [id]) else { return }
                var delivery = try StoredRows.delivery(row)
                delivery.apply(outcome, at: date)
                try Self.save(delivery, db)
            }
        }
    }

    public func deliveries(jobID: JobID) async throws -> [WebhookDelivery] {
        try await SQLiteJobStoreError.mapping {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT id, body FROM webhook_deliveries WHERE job_id = ? ORDER BY rowid", arguments: [jobID.rawValue])
                    .map(StoredRows.delivery)
            }
        }
    }

    private static func save(_ delivery: WebhookDelivery, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, body = ? WHERE id = ?",
            arguments: [delivery.status.rawValue, delivery.nextAttemptAt?.timeIntervalSince1970, try StoredRows.body(delivery), delivery.id]
        )
    }
}
