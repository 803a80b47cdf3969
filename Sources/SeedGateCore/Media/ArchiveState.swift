import Foundation

/// SeedGate's own copy of a succeeded job's result files (`output.archive`): where archiving stands, what is stored,
/// and why the last try failed. Archiving is a step of its own after `succeeded`: the job's status never changes for
/// it; a `job.archived` event tells the client when the copy exists.
public struct ArchiveState: Sendable, Codable, Equatable {
    public enum Phase: String, Sendable, Codable {
        /// Not stored yet: waiting for its first try, or for a retry after a failure (`lastError`).
        case pending
        /// Stored; `video` (and `lastFrame` where the provider gave one) describe the files.
        case archived
        /// Gave up after `ArchivePolicy.maxAttempts` tries; `lastError` says why. The provider's URL is all there is.
        case failed
        /// Removed, early by the client (`DELETE /v1/jobs/{id}/content`) or by retention; `deletedAt` says when.
        case deleted
    }

    public var phase: Phase
    /// Tries so far.
    public var attempts: Int
    /// When the next try is due (pending only).
    public var nextAttemptAt: Date?
    public var lastError: ArchiveFailure?
    /// The backend holding the files (`directory`, `s3`).
    public var store: String?
    public var video: ArchivedFile?
    public var lastFrame: ArchivedFile?
    public var archivedAt: Date?
    public var deletedAt: Date?
    /// Who removed the files: `client` or `retention`.
    public var deletedBy: String?

    public init(phase: Phase = .pending, attempts: Int = 0, nextAttemptAt: Date? = nil) {
        self.phase = phase
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
    }
}

/// One stored file: where it is in the media store and what was verified about it.
public struct ArchivedFile: Sendable, Codable, Equatable {
    /// The key in the media store (never shown to clients).
    public var key: String
    public var bytes: Int64
    /// Lower-case hex SHA-256 of the bytes, computed while they were stored; the file's ETag.
    public var sha256: String
    public var contentType: String

    public init(key: String, bytes: Int64, sha256: String, contentType: String) {
        self.key = key
        self.bytes = bytes
        self.sha256 = sha256
        self.contentType = contentType
    }
}

/// Why an archive try failed: a stable code, a message that names no secret, and when.
public struct ArchiveFailure: Sendable, Codable, Equatable {
    public enum Code: String, Sendable, Codable {
        /// The provider's file server answered an error status (403/404/410: the link expired or was removed).
        case sourceStatus = "source_status"
        /// The download could not connect, stalled past the timeout, or was cut short.
        case sourceUnreachable = "source_unreachable"
        /// Fewer or more bytes arrived than the server announced.
        case lengthMismatch = "length_mismatch"
        /// The file is not the media it should be (an HTML page, say): checked by its content type and first bytes.
        case notMedia = "not_media"
        /// The file is larger than `archive.max_bytes`.
        case tooLarge = "too_large"
        /// The URL is not one SeedGate may fetch (a private, link-local or metadata address, a denied host).
        case forbiddenDestination = "forbidden_destination"
        /// The media store refused or failed the write.
        case storeFailed = "store_failed"
    }

    public var code: Code
    public var message: String
    public var at: Date
    /// Permanent failures are not retried (a forbidden destination, say).
    public var permanent: Bool

    public init(code: Code, message: String, at: Date, permanent: Bool = false) {
        self.code = code
        self.message = message
        self.at = at
        self.permanent = permanent
    }
}

/// How archiving behaves: set from configuration `archive:`.
public struct ArchivePolicy: Sendable, Equatable {
    /// Off: jobs keep the provider's URLs only (no `output.archive`).
    public var enabled: Bool
    /// Tries before giving up (`failed`).
    public var maxAttempts: Int
    /// First retry delay; each later one doubles, up to `maxBackoff`.
    public var baseBackoff: TimeInterval
    public var maxBackoff: TimeInterval
    /// How long one try may hold its claim before another worker or replica may take it over.
    public var lease: TimeInterval

    public init(enabled: Bool = true, maxAttempts: Int = 8, baseBackoff: TimeInterval = 5, maxBackoff: TimeInterval = 1800, lease: TimeInterval = 300)
    {
        self.enabled = enabled
        self.maxAttempts = maxAttempts
        self.baseBackoff = baseBackoff
        self.maxBackoff = maxBackoff
        self.lease = lease
    }

    /// The delay before try number `attempt + 1`, after `attempt` failed tries.
    public func backoff(afterAttempts attempt: Int) -> TimeInterval {
        min(maxBackoff, baseBackoff * pow(2, Double(max(0, attempt - 1))))
    }
}

extension Job {
    /// When the archiver should next try this job (nil: nothing to do). Stores index it.
    public var archiveDueAt: Date? {
        guard status == .succeeded, let archive = output?.archive, archive.phase == .pending else { return nil }
        return archive.nextAttemptAt ?? finishedAt ?? updatedAt
    }
}
