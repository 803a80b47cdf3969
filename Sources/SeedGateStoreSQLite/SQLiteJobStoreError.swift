import GRDB
import SeedGateCore

/// Why a `SQLiteJobStore` call failed. Descriptions never contain SQL text or bound values.
public enum SQLiteJobStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A job with this id is already stored.
    case duplicateJobID(JobID)
    /// An event with this id is already stored.
    case duplicateEventID(String)
    /// A stored row could not be read back; `id` is the row's primary key.
    case unreadableRow(table: String, id: String)
    /// A job or event could not be encoded for storage.
    case unencodable(String)
    /// SQLite failed (busy past the timeout, closed, out of space, corrupt, …). `code` is the extended result code;
    /// `reason` is SQLite's own message, which names tables and columns but never values.
    case database(code: Int32, reason: String)

    public var description: String {
        switch self {
        case .duplicateJobID(let id): "job \(id) is already stored"
        case .duplicateEventID(let id): "event \(id) is already stored"
        case .unreadableRow(let table, let id): "stored row \(id) of \(table) could not be decoded"
        case .unencodable(let what): "\(what) could not be encoded for storage"
        case .database(let code, let reason): "SQLite error \(code): \(reason)"
        }
    }

    /// The GRDB error without its SQL or arguments.
    init(_ error: DatabaseError) {
        let reason = error.message ?? error.extendedResultCode.description
        self = .database(code: error.extendedResultCode.rawValue, reason: reason)
    }

    /// Runs `operation`, replacing GRDB errors with `SQLiteJobStoreError`s; other errors pass through.
    static func mapping<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as DatabaseError {
            throw SQLiteJobStoreError(error)
        }
    }

    /// Whether `error` is a violation of a primary key (`.SQLITE_CONSTRAINT_PRIMARYKEY`) or of another unique index
    /// (`.SQLITE_CONSTRAINT_UNIQUE`).
    static func isViolation(_ error: DatabaseError, of constraint: ResultCode) -> Bool {
        error.extendedResultCode == constraint
    }
}
