import Foundation

/// Where archived result files live: a directory on the local disk (`DirectoryMediaStore`, the embedded default) or
/// S3-compatible object storage (`S3MediaStore`). Keys are `/`-separated relative paths chosen by SeedGate
/// (`<tenant>/<job id>/video.mp4`), never by clients. Writes are all-or-nothing: a reader sees the previous object
/// or the whole new one, never a part. Implementations never log credentials or signed URLs.
public protocol MediaStore: Sendable {
    /// A short name for logs, metrics and `output.archive.store` (`directory`, `s3`).
    var kind: String { get }
    /// Streams `body` into the object `key`, replacing any object there. Returns the number of bytes stored.
    /// Throws `MediaStoreError` (or the body's own error, which aborts the write and leaves no object behind).
    func put(_ key: String, contentType: String, body: MediaByteStream) async throws -> Int64
    /// Streams the object `key`, or the byte range `range` of it (inclusive bounds, already checked against the
    /// object's size by the caller). Throws `MediaStoreError.notFound` when there is no such object.
    func read(_ key: String, range: ClosedRange<Int64>?) async throws -> MediaByteStream
    /// Removes the object `key`; removing a missing object is not an error.
    func delete(_ key: String) async throws
    /// The stored size of `key`, or nil when there is no such object (used to verify a write and by health checks).
    func size(of key: String) async throws -> Int64?
}

/// A stream of byte chunks, pulled by its reader (so a slow reader slows the writer down; nothing is buffered whole).
public typealias MediaByteStream = AsyncThrowingStream<[UInt8], any Error>

/// Why a media store operation failed. Messages never hold credentials or signed URLs.
public struct MediaStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// No object under the key.
        case notFound = "not_found"
        /// The store refused the credentials or the signature.
        case unauthorized
        /// The store could not be reached or answered with a server error (worth retrying).
        case unavailable
        /// Anything else the store refused.
        case failed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }

    public static func notFound(_ key: String) -> MediaStoreError { MediaStoreError(.notFound, "no stored object \(key)") }
}

extension MediaByteStream {
    /// A stream that pulls its chunks from `next` one at a time (nil ends it): the reader's pace sets the writer's.
    public static func pulling(_ next: @escaping @Sendable () async throws -> [UInt8]?) -> MediaByteStream {
        AsyncThrowingStream(unfolding: next)
    }

    /// A stream of one in-memory buffer, in chunks of `chunkSize` (tests, small files).
    public static func bytes(_ bytes: [UInt8], chunkSize: Int = 64 * 1024) -> MediaByteStream {
        AsyncThrowingStream { continuation in
            var start = 0
            while start < bytes.count {
                let end = Swift.min(start + chunkSize, bytes.count)
                continuation.yield(Array(bytes[start..<end]))
                start = end
            }
            continuation.finish()
        }
    }

    /// Reads the whole stream into memory (tests and small objects only).
    public func collect(upTo limit: Int = 64 * 1024 * 1024) async throws -> [UInt8] {
        var all: [UInt8] = []
        for try await chunk in self {
            all += chunk
            if all.count > limit { throw MediaStoreError(.failed, "the object is larger than \(limit) bytes") }
        }
        return all
    }
}
