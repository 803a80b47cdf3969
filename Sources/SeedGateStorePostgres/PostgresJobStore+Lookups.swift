import Foundation
import PostgresNIO
import SeedGateCore

/// Lookups used by idempotency, provider callbacks, queue positions and admission control, and the status-check claim.
extension PostgresJobStore {
    /// The tenant's job created with this idempotency key, if any.
    public func job(tenant: String, idempotencyKey: String) async throws -> Job? {
        try await fetchJobs(
            "SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs WHERE tenant = \(tenant) AND idempotency_key = \(idempotencyKey)"
        ).first
    }

    /// The job whose provider callbacks carry this token, if any.
    public func job(callbackToken: String) async throws -> Job? {
        try await fetchJobs("SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs WHERE callback_token = \(callbackToken)").first
    }

    public func job(provider: ProviderID, upstreamTaskID: String) async throws -> Job? {
        try await fetchJobs(
            """
            SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs
            WHERE provider = \(provider.rawValue) AND upstream_task_id = \(upstreamTaskID) LIMIT 1
            """
        ).first
    }

    /// Claims up to `limit` due jobs in one transaction: `SELECT … FOR UPDATE SKIP LOCKED` takes the due rows no
    /// other transaction holds, then leases them until `leaseUntil` (the jobs themselves are not rewritten). A job
    /// claimed by another replica is either locked (skipped) or already leased past `dueBy` (no longer due), so
    /// each due job goes to exactly one claimer per lease; if that replica dies, the job is due again once the
    /// lease passes, and the next write of the job ends the lease. Returns the claimed jobs, earliest check first,
    /// each with the time it was due.
    public func claimDueForCheck(dueBy: Date, limit: Int, leaseUntil: Date) async throws -> [ClaimedCheck] {
        try await transaction { connection in
            let due = try await connection.query(Self.dueForCheck(dueBy: dueBy, limit: limit, suffix: "FOR UPDATE SKIP LOCKED"), logger: logger)
                .collect().map(PostgresRows.job)
            guard !due.isEmpty else { return [] }
            try await connection.query(
                "UPDATE jobs SET lease_until = \(leaseUntil.timeIntervalSince1970) WHERE id = ANY(\(due.map(\.id.rawValue))::text[])",
                logger: logger
            )
            return due.map { ClaimedCheck(job: $0, dueAt: $0.nextCheckAt) }
        }
    }

    /// How many unfinished jobs there are in each status (`queued`, `running`); statuses without jobs are absent.
    public func openJobCounts() async throws -> [JobStatus: Int] {
        let rows = try await read("SELECT status, count(*) FROM jobs WHERE status IN ('queued', 'running') GROUP BY status")
        var counts: [JobStatus: Int] = [:]
        for row in rows {
            let (status, count) = try row.decode((String, Int).self)
            if let status = JobStatus(rawValue: status) { counts[status] = count }
        }
        return counts
    }

    /// How many jobs waiting for submission were created before this one (0 = next in line).
    public func queuePosition(of id: JobID) async throws -> Int {
        let rows = try await read(
            "SELECT count(*) FROM jobs WHERE status = 'queued' AND submission = 'pending' AND id < \(id.rawValue)"
        )
        return try rows.first?.decode(Int.self) ?? 0
    }

    /// How many jobs of `lane` waiting for submission were created before this one (0 = next in its lane).
    public func queuePosition(of id: JobID, in lane: ProviderModel) async throws -> Int {
        let rows = try await read(
            """
            SELECT count(*) FROM jobs
            WHERE lane_provider = \(lane.provider.rawValue) AND model = \(lane.model)
              AND status = 'queued' AND submission = 'pending' AND id < \(id.rawValue)
            """
        )
        return try rows.first?.decode(Int.self) ?? 0
    }

    /// Unconfirmed creates whose callback window ended by `expiredBy`, earliest first.
    public func jobsUnconfirmed(expiredBy: Date, limit: Int) async throws -> [Job] {
        try await fetchJobs(
            """
            SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs
            WHERE status = 'queued' AND submission = 'unconfirmed' AND due_at <= \(expiredBy.timeIntervalSince1970)
            ORDER BY due_at, id LIMIT \(Self.clamped(limit))
            """
        )
    }

    /// Unfinished jobs handed to (`submitting`) or held by (`accepted`) each provider, per model.
    public func inFlightCounts() async throws -> [ProviderModel: Int] {
        try Self.counts(
            try await read(
                """
                SELECT provider, model, count(*) FROM jobs
                WHERE status IN ('queued', 'running') AND submission IN ('submitting', 'accepted') AND provider IS NOT NULL
                GROUP BY provider, model
                """
            ))
    }

    /// The same for jobs asking for `resolution`: in-flight jobs are few, so reading it from their JSON body is cheap.
    public func inFlightCounts(resolution: String) async throws -> [ProviderModel: Int] {
        try Self.counts(
            try await read(
                """
                SELECT provider, model, count(*) FROM jobs
                WHERE status IN ('queued', 'running') AND submission IN ('submitting', 'accepted') AND provider IS NOT NULL
                AND (body::jsonb #>> '{spec,resolution}') = \(resolution)
                GROUP BY provider, model
                """
            ))
    }

    private static func counts(_ rows: [PostgresRow]) throws -> [ProviderModel: Int] {
        var counts: [ProviderModel: Int] = [:]
        for row in rows {
            let (provider, model, count) = try row.decode((String, String, Int).self)
            counts[ProviderModel(provider: ProviderID(provider), model: model)] = count
        }
        return counts
    }
}

/// The webhook outbox.
extension PostgresJobStore {
    /// Takes up to `limit` pending deliveries due by `dueBy`, with `FOR UPDATE SKIP LOCKED`, and moves their next
    /// attempt to `leaseUntil` in the same transaction, so no other worker or replica takes them meanwhile.
    public func claimDueDeliveries(dueBy: Date, limit: Int, leaseUntil: Date) async throws -> [ClaimedDelivery] {
        let lease = leaseUntil.timeIntervalSince1970
        return try await transaction { connection in
            let rows = try await connection.query(
                """
                SELECT d.id, d.body, e.id, e.body FROM webhook_deliveries d
                JOIN job_events e ON e.id = d.event_id
                WHERE d.status = 'pending' AND d.next_attempt_at <= \(dueBy.timeIntervalSince1970)
                ORDER BY d.next_attempt_at, d.seq LIMIT \(Self.clamped(limit))
                FOR UPDATE OF d SKIP LOCKED
                """,
                logger: logger
            ).collect()
            guard !rows.isEmpty else { return [] }
            let claimed = try rows.map { row in
                let (id, body, eventID, eventBody) = try row.decode((String, String, String, String).self)
                var delivery = try PostgresRows.decode(WebhookDelivery.self, from: body, table: "webhook_deliveries", id: id)
                delivery.nextAttemptAt = leaseUntil
                let event = try PostgresRows.decode(JobEvent.self, from: eventBody, table: "job_events", id: eventID)
                return ClaimedDelivery(delivery: delivery, event: event)
            }
            let ids = claimed.map(\.delivery.id)
            let bodies = try claimed.map { try PostgresRows.encode($0.delivery, what: "delivery \($0.delivery.id)") }
            try await connection.query(
                """
                UPDATE webhook_deliveries SET next_attempt_at = \(lease), body = claimed.body
                FROM unnest(\(ids)::text[], \(bodies)::text[]) AS claimed (id, body)
                WHERE webhook_deliveries.id = claimed.id
                """,
                logger: logger
            )
            return claimed
        }
    }

    /// Folds an attempt's outcome into the delivery (locked for the read-modify-write). Unknown ids are ignored.
    public func recordDeliveryAttempt(_ id: String, at date: Date, outcome: DeliveryOutcome) async throws {
        try await transaction { connection in
            guard
                let row = try await connection.query(
                    "SELECT id, body FROM webhook_deliveries WHERE id = \(id) FOR UPDATE", logger: logger
                ).collect().first
            else { return }
            var delivery = try PostgresRows.delivery(row)
            delivery.apply(outcome, at: date)
            let stored = try PostgresRows.DeliveryRow(delivery)
            try await connection.query(
                """
                UPDATE webhook_deliveries SET status = \(stored.status), next_attempt_at = \(stored.nextAttemptAt),
                    body = \(stored.body)
                WHERE id = \(id)
                """,
                logger: logger
            )
        }
    }

    /// A job's webhook deliveries in the order they were stored.
    public func deliveries(jobID: JobID) async throws -> [WebhookDelivery] {
        try await read("SELECT id, body FROM webhook_deliveries WHERE job_id = \(jobID.rawValue) ORDER BY seq")
            .map(PostgresRows.delivery)
    }
}
