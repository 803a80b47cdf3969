import PostgresNIO
import SeedGateCore

/// Why a `PostgresJobStore` call failed. Descriptions never contain SQL text, bound values or credentials.
public enum PostgresJobStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database URL could not be used; `reason` says why without repeating the URL (it may hold a password).
    case invalidURL(reason: String)
    /// A job with this id is already stored.
    case duplicateJobID(JobID)
    /// An event with this id is already stored.
    case duplicateEventID(String)
    /// A stored row could not be read back; `id` is the row's key.
    case unreadableRow(table: String, id: String)
    /// A job, event or delivery could not be encoded for storage.
    case unencodable(String)
    /// PostgreSQL or the connection failed. `sqlState` is the server's SQLSTATE (nil for client-side failures such as
    /// a refused connection); `reason` is the server's primary message (never its DETAIL, which can quote values) or
    /// the client error code.
    case database(sqlState: String?, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid PostgreSQL URL: \(reason)"
        case .duplicateJobID(let id): "job \(id) is already stored"
        case .duplicateEventID(let id): "event \(id) is already stored"
        case .unreadableRow(let table, let id): "stored row \(id) of \(table) could not be decoded"
        case .unencodable(let what): "\(what) could not be encoded for storage"
        case .database(let sqlState?, let reason): "PostgreSQL error \(sqlState): \(reason)"
        case .database(nil, let reason): "PostgreSQL client error: \(reason)"
        }
    }

    /// SQLSTATE of a unique violation.
    static let uniqueViolation = "23505"

    /// The driver error reduced to its SQLSTATE and primary message (or client error code).
    init(_ error: PSQLError) {
        if let info = error.serverInfo {
            self = .database(sqlState: info[.sqlState], reason: info[.message] ?? "server error")
        } else {
            self = .database(sqlState: nil, reason: error.code.description)
        }
    }

    /// The unique constraint or index a driver error violated, if it is a unique violation.
    static func violatedConstraint(_ error: any Error) -> String? {
        guard let error = error as? PSQLError, let info = error.serverInfo, info[.sqlState] == uniqueViolation else { return nil }
        return info[.constraintName]
    }

    /// Runs `operation`, replacing driver errors with `PostgresJobStoreError`s; other errors pass through.
    nonisolated(nonsending) static func mapping<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as PSQLError {
            throw PostgresJobStoreError(error)
        } catch is PostgresDecodingError {
            throw PostgresJobStoreError.unreadableRow(table: "?", id: "?")
        }
    }
}
