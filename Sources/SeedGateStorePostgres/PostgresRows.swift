import Foundation
import PostgresNIO
import SeedGateCore

/// Conversions between jobs, events and deliveries and their rows. The JSON body is authoritative and encoded
/// exactly as the SQLite store encodes it (default `.deferredToDate`, i.e. `Double` reference-date seconds, which
/// round-trips every `Date`; sorted keys; unescaped slashes), so a body moves between the two stores unchanged.
/// Query columns hold dates as `double precision` unix seconds.
enum PostgresRows {
    /// A job's queryable column values plus its JSON body, encoded before any transaction starts.
    struct JobRow: Sendable {
        let id: JobID
        let tenant: String
        let status: String
        let model: String
        let provider: String?
        let submission: String
        let upstreamTaskID: String?
        let dueAt: Double?
        let createdAt: Double
        let updatedAt: Double
        let idempotencyKey: String?
        let callbackToken: String?
        let finishedAt: Double?
        /// `output.archive.phase` (nil: the job has no archive).
        let archivePhase: String?
        /// The job's `archiveDueAt`.
        let archiveDueAt: Double?
        /// The provider of the job's `lane` (nil once it no longer waits).
        let laneProvider: String?
        /// The trace id of the job's `traceParent` (nil: none).
        let traceID: String?
        let body: String

        init(_ job: Job) throws {
            id = job.id
            tenant = job.tenant
            status = job.status.rawValue
            model = job.model
            provider = job.provider?.rawValue
            submission = job.submission.rawValue
            upstreamTaskID = job.upstream?.taskID
            dueAt = job.dueAt?.timeIntervalSince1970
            createdAt = job.createdAt.timeIntervalSince1970
            updatedAt = job.updatedAt.timeIntervalSince1970
            idempotencyKey = job.idempotencyKey
            callbackToken = job.callbackToken
            finishedAt = job.finishedAt?.timeIntervalSince1970
            archivePhase = job.output?.archive?.phase.rawValue
            archiveDueAt = job.archiveDueAt?.timeIntervalSince1970
            laneProvider = job.lane?.provider.rawValue
            traceID = job.traceID
            body = try PostgresRows.encode(job, what: "job \(job.id)")
        }
    }

    /// An event with the deliveries it fans out to, encoded before any transaction starts.
    struct EventRow: Sendable {
        let id: String
        let jobID: String
        let type: String
        let status: String
        let at: Double
        let body: String
        let deliveries: [DeliveryRow]

        init(_ event: JobEvent) throws {
            id = event.id
            jobID = event.jobID.rawValue
            type = event.type
            status = event.status.rawValue
            at = event.at.timeIntervalSince1970
            body = try PostgresRows.encode(event, what: "event \(event.id)")
            deliveries = try event.webhookURLs.map { try DeliveryRow(WebhookDelivery(id: WebhookDelivery.newID(), event: event, url: $0)) }
        }
    }

    /// A webhook delivery's columns and JSON body.
    struct DeliveryRow: Sendable {
        let id: String
        let eventID: String
        let jobID: String
        let status: String
        let nextAttemptAt: Double?
        let body: String

        init(_ delivery: WebhookDelivery) throws {
            id = delivery.id
            eventID = delivery.eventID
            jobID = delivery.jobID.rawValue
            status = delivery.status.rawValue
            nextAttemptAt = delivery.nextAttemptAt?.timeIntervalSince1970
            body = try PostgresRows.encode(delivery, what: "delivery \(delivery.id)")
        }
    }

    /// The columns every job query selects, in the order `job(_:)` decodes them.
    static let jobColumns = "id, version, body"

    /// Decodes a row selected with `jobColumns`; the `version` column wins over the copy inside the body.
    static func job(_ row: PostgresRow) throws -> Job {
        let (id, version, body) = try decodeColumns(row, (String, Int, String).self, table: "jobs")
        var job = try decode(Job.self, from: body, table: "jobs", id: id)
        job.version = version
        return job
    }

    /// Decodes an `(id, body)` row of `job_events`.
    static func event(_ row: PostgresRow) throws -> JobEvent {
        let (id, body) = try decodeColumns(row, (String, String).self, table: "job_events")
        return try decode(JobEvent.self, from: body, table: "job_events", id: id)
    }

    /// Decodes an `(id, body)` row of `webhook_deliveries`.
    static func delivery(_ row: PostgresRow) throws -> WebhookDelivery {
        let (id, body) = try decodeColumns(row, (String, String).self, table: "webhook_deliveries")
        return try decode(WebhookDelivery.self, from: body, table: "webhook_deliveries", id: id)
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: String, table: String, id: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body.utf8))
        } catch {
            throw PostgresJobStoreError.unreadableRow(table: table, id: id)
        }
    }

    static func encode(_ value: some Encodable, what: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw PostgresJobStoreError.unencodable(what)
        }
    }

    private static func decodeColumns<each Column: PostgresDecodable>(
        _ row: PostgresRow, _ types: (repeat each Column).Type, table: String
    ) throws -> (repeat each Column) {
        do {
            return try row.decode(types)
        } catch {
            throw PostgresJobStoreError.unreadableRow(table: table, id: "?")
        }
    }
}
