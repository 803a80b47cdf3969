import Foundation
import GRDB
import SeedGateCore

/// Conversions between jobs and events and their rows. The JSON keeps dates as `Double` reference-date seconds
/// (the default `.deferredToDate` strategy), which round-trips every `Date` exactly; the query columns hold unix seconds.
enum StoredRows {
    /// The columns every job query selects.
    static let jobColumns = "id, version, body"

    /// The queryable `jobs` columns besides `id` and `version`, in the order of `JobRow.values`. `due_at` is the job's
    /// `dueAt` and `archive_due_at` its `archiveDueAt`, `lane_provider` its `lane`'s provider; `archive_phase` is `output.archive.phase` (NULL: no archive).
    /// `trace_id` is the trace id of the job's `traceParent` (NULL: none).
    /// `lease_until` and `archive_lease_until` are always written empty: every write of a job ends a claim on its
    /// check and on its archive.
    static let valueColumns = [
        "tenant", "status", "model", "provider", "submission", "upstream_task_id", "due_at", "created_at",
        "updated_at", "idempotency_key", "callback_token", "lease_until", "finished_at", "archive_phase",
        "archive_due_at", "archive_lease_until", "lane_provider", "trace_id",
    ]

    /// A job's queryable columns plus its JSON body, encoded before the write transaction starts.
    struct JobRow: Sendable {
        let id: JobID
        let tenant: String
        let values: StatementArguments
        let body: String
    }

    static func jobRow(_ job: Job) throws -> JobRow {
        let values: StatementArguments = [
            job.tenant, job.status.rawValue, job.model, job.provider?.rawValue, job.submission.rawValue,
            job.upstream?.taskID, job.dueAt?.timeIntervalSince1970, job.createdAt.timeIntervalSince1970,
            job.updatedAt.timeIntervalSince1970, job.idempotencyKey, job.callbackToken, nil as Double?,
            job.finishedAt?.timeIntervalSince1970, job.output?.archive?.phase.rawValue, job.archiveDueAt?.timeIntervalSince1970,
            nil as Double?, job.lane?.provider.rawValue, job.traceID,
        ]
        return JobRow(id: job.id, tenant: job.tenant, values: values, body: try encode(job, what: "job \(job.id)"))
    }

    /// An event's columns and JSON body, in `job_events` column order (without `delivered_at`).
    static func eventArguments(_ event: JobEvent) throws -> StatementArguments {
        [
            event.id, event.jobID.rawValue, event.type, event.status.rawValue, event.at.timeIntervalSince1970,
            try encode(event, what: "event \(event.id)"),
        ]
    }

    /// Decodes a row selected with `jobColumns`; the `version` column wins over the copy inside the body.
    static func job(_ row: Row) throws -> Job {
        let id = try row.decode(String.self, forColumn: "id")
        let body = try row.decode(String.self, forColumn: "body")
        var job = try decode(Job.self, from: body, table: "jobs", id: id)
        job.version = try row.decode(Int.self, forColumn: "version")
        return job
    }

    /// A delivery's columns and JSON body, in `webhook_deliveries` column order.
    static func deliveryArguments(_ delivery: WebhookDelivery) throws -> StatementArguments {
        [
            delivery.id, delivery.eventID, delivery.jobID.rawValue, delivery.status.rawValue,
            delivery.nextAttemptAt?.timeIntervalSince1970, try encode(delivery, what: "delivery \(delivery.id)"),
        ]
    }

    static func body(_ delivery: WebhookDelivery) throws -> String { try encode(delivery, what: "delivery \(delivery.id)") }

    static func delivery(_ row: Row) throws -> WebhookDelivery {
        let id = try row.decode(String.self, forColumn: "id")
        return try decode(WebhookDelivery.self, from: try row.decode(String.self, forColumn: "body"), table: "webhook_deliveries", id: id)
    }

    static func event(_ row: Row) throws -> JobEvent {
        let id = try row.decode(String.self, forColumn: "id")
        return try decode(JobEvent.self, from: try row.decode(String.self, forColumn: "body"), table: "job_events", id: id)
    }

    private static func encode(_ value: some Encodable, what: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw SQLiteJobStoreError.unencodable(what)
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, from body: String, table: String, id: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body.utf8))
        } catch {
            throw SQLiteJobStoreError.unreadableRow(table: table, id: id)
        }
    }
}
