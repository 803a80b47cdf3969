import Foundation
import GRDB
import SeedGateCore

#if canImport(Glibc)
    import Glibc
    private let closeFile = Glibc.close
#elseif canImport(Darwin)
    import Darwin
    private let closeFile = Darwin.close
#endif

/// The default `JobStore`: one SQLite file in WAL mode, read through a GRDB `DatabasePool` (concurrent readers,
/// one writer). Semantics match `InMemoryJobStore`: every write of an existing job is compare-and-set on `version`,
/// and a write's events are stored in the same transaction. Errors are `SQLiteJobStoreError`s.
public final class SQLiteJobStore: JobStore {
    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// Opens (creating it and its parent directories if needed) the database at `path` and brings its schema up
    /// to date. A writer waits up to 5 s for a lock before failing.
    public init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "seedgate.jobs"
        do {
            // Several processes (replicas) opening a fresh file at once would each read the applied migrations and
            // race to apply them, and race to switch the new file to WAL (which SQLite can answer with "database is
            // locked" at once, without waiting); a lock on a file beside the database lets one open and migrate at a time.
            self.pool = try Self.whileLocked(url.path + ".migrations.lock") {
                let pool = try DatabasePool(path: url.path, configuration: configuration)
                try Self.migrator.migrate(pool)
                return pool
            }
        } catch let error as DatabaseError {
            throw SQLiteJobStoreError(error)
        }
        self.path = url.path
    }

    /// Runs `body` holding an exclusive `flock` on `lockPath` (created if needed), released when `body` returns. If the
    /// lock file cannot be opened (a read-only directory), `body` runs unlocked, as it did before there was a lock.
    static func whileLocked<T>(_ lockPath: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return try body() }
        defer { _ = closeFile(descriptor) }
        while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
        defer { _ = flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// Closes the database. Later calls throw; calling it again does nothing.
    public func close() throws {
        do { try pool.close() } catch let error as DatabaseError { throw SQLiteJobStoreError(error) }
    }

    // MARK: - Writes

    /// Stores a new job at version 1 with its events, in one transaction. Throws `.duplicateJobID` or
    /// `JobStoreError.duplicateIdempotencyKey` (the tenant already used the key) and then stores nothing.
    public func insert(_ job: Job, events: [JobEvent]) async throws -> Job {
        var stored = job
        stored.version = 1
        let row = try StoredRows.jobRow(stored)
        let eventRows = try events.map { event in
            (
                id: event.id, arguments: try StoredRows.eventArguments(event),
                deliveries: try event.webhookURLs.map {
                    try StoredRows.deliveryArguments(WebhookDelivery(id: WebhookDelivery.newID(), event: event, url: $0))
                }
            )
        }
        try await SQLiteJobStoreError.mapping {
            try await pool.write { db in
                try Self.writeJob(row, db, sql: Self.insertJobSQL, arguments: [row.id.rawValue] + row.values + [row.body])
                try Self.insertEvents(eventRows, db)
            }
        }
        return stored
    }

    /// Compare-and-set: writes `job` and its events in one transaction if the stored version is still `version`.
    /// Returns the job at `version + 1`, or nil (writing nothing) when the job is missing or was changed meanwhile.
    public func update(_ job: Job, expecting version: Int, events: [JobEvent]) async throws -> Job? {
        var stored = job
        stored.version = version + 1
        let row = try StoredRows.jobRow(stored)
        let eventRows = try events.map { event in
            (
                id: event.id, arguments: try StoredRows.eventArguments(event),
                deliveries: try event.webhookURLs.map {
                    try StoredRows.deliveryArguments(WebhookDelivery(id: WebhookDelivery.newID(), event: event, url: $0))
                }
            )
        }
        let written = try await SQLiteJobStoreError.mapping {
            try await pool.write { db -> Bool in
                try Self.writeJob(row, db, sql: Self.updateJobSQL, arguments: row.values + [row.body, row.id.rawValue, version])
                guard db.changesCount > 0 else { return false }
                try Self.insertEvents(eventRows, db)
                return true
            }
        }
        return written ? stored : nil
    }

    // MARK: - Reads

    /// The stored job, or nil.
    public func job(id: JobID) async throws -> Job? {
        try await fetchJobs("SELECT \(StoredRows.jobColumns) FROM jobs WHERE id = ?", [id.rawValue]).first
    }

    /// Jobs matching every filter of `query`, newest first (ids sort by creation time), older than `query.after`.
    /// A negative limit counts as 0.
    public func list(_ query: JobQuery) async throws -> JobPage {
        var conditions: [String] = []
        var arguments = StatementArguments()
        func filter(_ condition: String, _ value: String?) {
            guard let value else { return }
            conditions.append(condition)
            arguments += [value]
        }
        filter("tenant = ?", query.tenant)
        filter("status = ?", query.status?.rawValue)
        filter("model = ?", query.model)
        filter("provider = ?", query.provider?.rawValue)
        filter("id < ?", query.after?.rawValue)
        let limit = Self.clamped(query.limit)
        arguments += [limit + 1]
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try await fetchJobs(
            "SELECT \(StoredRows.jobColumns) FROM jobs\(whereClause) ORDER BY id DESC LIMIT ?", arguments
        )
        return JobPage(rows: rows, limit: limit)
    }

    /// Queued jobs with submission `pending` whose `submitAfter` is unset or not after `dueBy`, oldest first.
    public func jobsAwaitingSubmission(dueBy: Date, limit: Int) async throws -> [Job] {
        try await fetchJobs(
            """
            SELECT \(StoredRows.jobColumns) FROM jobs
            WHERE status = ? AND submission = ? AND (due_at IS NULL OR due_at <= ?)
            ORDER BY id LIMIT ?
            """,
            [JobStatus.queued.rawValue, SubmissionState.pending.rawValue, dueBy.timeIntervalSince1970, Self.clamped(limit)]
        )
    }

    /// The same within one lane (nil: jobs in no lane).
    public func jobsAwaitingSubmission(in lane: ProviderModel?, dueBy: Date, limit: Int) async throws -> [Job] {
        let (sql, arguments) = Self.laneSQL(lane, dueBy: dueBy, limit: limit)
        return try await fetchJobs(sql, arguments)
    }

    /// A lane's waiting jobs, oldest first. The status words are literals so that SQLite can use the partial index
    /// `jobs_lanes` (a bound parameter cannot prove the index's condition).
    static func laneSQL(_ lane: ProviderModel?, dueBy: Date, limit: Int) -> (String, StatementArguments) {
        let waiting = "status = 'queued' AND submission = 'pending' AND (due_at IS NULL OR due_at <= ?)"
        guard let lane else {
            return (
                "SELECT \(StoredRows.jobColumns) FROM jobs WHERE lane_provider IS NULL AND \(waiting) ORDER BY id LIMIT ?",
                [dueBy.timeIntervalSince1970, clamped(limit)]
            )
        }
        return (
            "SELECT \(StoredRows.jobColumns) FROM jobs WHERE lane_provider = ? AND model = ? AND \(waiting) ORDER BY id LIMIT ?",
            [lane.provider.rawValue, lane.model, dueBy.timeIntervalSince1970, clamped(limit)]
        )
    }

    /// Unfinished jobs with submission `accepted` whose `nextCheckAt` is not after `dueBy` and whose claim (if any)
    /// has run out, earliest check first.
    public func jobsDueForCheck(dueBy: Date, limit: Int) async throws -> [Job] {
        try await fetchJobs(Self.dueForCheckSQL, Self.dueForCheckArguments(dueBy: dueBy, limit: limit))
    }

    static let dueForCheckSQL = """
        SELECT \(StoredRows.jobColumns) FROM jobs
        WHERE status IN (?, ?) AND submission = ? AND due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
        ORDER BY due_at, id LIMIT ?
        """

    static func dueForCheckArguments(dueBy: Date, limit: Int) -> StatementArguments {
        let open = JobStatus.allCases.filter { !$0.isTerminal }.map(\.rawValue)
        return StatementArguments(open)
            + [SubmissionState.accepted.rawValue, dueBy.timeIntervalSince1970, dueBy.timeIntervalSince1970, clamped(limit)]
    }

    /// The job's events in the order they were stored.
    public func events(jobID: JobID) async throws -> [JobEvent] {
        try await SQLiteJobStoreError.mapping {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT id, body FROM job_events WHERE job_id = ? ORDER BY rowid", arguments: [jobID.rawValue])
                    .map(StoredRows.event)
            }
        }
    }

    /// Runs `SELECT 1` on a reader connection.
    public func ping() async throws {
        _ = try await SQLiteJobStoreError.mapping {
            try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
        }
    }

    // MARK: - Helpers

    func fetchJobs(_ sql: String, _ arguments: StatementArguments) async throws -> [Job] {
        try await SQLiteJobStoreError.mapping {
            try await pool.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(StoredRows.job) }
        }
    }

    /// Limits as SQLite takes them: never negative (SQLite reads that as "no limit"), never overflowing `limit + 1`.
    static func clamped(_ limit: Int) -> Int { min(max(limit, 0), Int(Int32.max)) }

    private static let insertJobSQL = """
        INSERT INTO jobs (id, \(StoredRows.valueColumns.joined(separator: ", ")), body, version)
        VALUES (?, \(StoredRows.valueColumns.map { _ in "?" }.joined(separator: ", ")), ?, 1)
        """

    private static let updateJobSQL = """
        UPDATE jobs SET \(StoredRows.valueColumns.map { "\($0) = ?" }.joined(separator: ", ")), body = ?,
            version = version + 1
        WHERE id = ? AND version = ?
        """

    /// Runs an insert or update of a job row, turning uniqueness violations into the matching error.
    private static func writeJob(_ row: StoredRows.JobRow, _ db: Database, sql: String, arguments: StatementArguments) throws {
        do {
            try db.execute(sql: sql, arguments: arguments)
        } catch let error as DatabaseError where SQLiteJobStoreError.isViolation(error, of: .SQLITE_CONSTRAINT_PRIMARYKEY) {
            throw SQLiteJobStoreError.duplicateJobID(row.id)
        } catch let error as DatabaseError where SQLiteJobStoreError.isViolation(error, of: .SQLITE_CONSTRAINT_UNIQUE) {
            // The unique indexes besides the primary key: idempotency keys (per tenant) and callback tokens (random).
            throw JobStoreError.duplicateIdempotencyKey
        }
    }

    private static func insertEvents(_ events: [(id: String, arguments: StatementArguments, deliveries: [StatementArguments])], _ db: Database) throws
    {
        for event in events {
            do {
                try db.execute(
                    sql: "INSERT INTO job_events (id, job_id, type, status, at, body) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: event.arguments
                )
            } catch let error as DatabaseError where SQLiteJobStoreError.isViolation(error, of: .SQLITE_CONSTRAINT_PRIMARYKEY) {
                throw SQLiteJobStoreError.duplicateEventID(event.id)
            }
            for delivery in event.deliveries {
                try db.execute(
                    sql: "INSERT INTO webhook_deliveries (id, event_id, job_id, status, next_attempt_at, body) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: delivery
                )
            }
        }
    }
}
