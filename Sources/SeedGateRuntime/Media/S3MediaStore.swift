import AsyncHTTPClient
import Foundation
import SeedGateCore

/// A `MediaStore` on S3-compatible object storage (AWS S3, MinIO, Ceph, R2, moto…), through `S3Client`.
///
/// `put` reads the body up to one part: a body no larger than `S3Settings.partSize` goes as one PutObject with its
/// SHA-256 signed; a larger one as a multipart upload, one part in memory at a time, aborted on any failure (the
/// body's, the store's or cancellation) so no object and no stray parts are left. Either way the object appears
/// whole or not at all. `read` streams GetObject's body, with `Range` when a range is asked.
public struct S3MediaStore: MediaStore {
    public let kind = "s3"
    public let client: S3Client

    /// A store for `settings` over `httpClient` (the server's shared client). Throws `.failed` for an unusable
    /// endpoint, region or bucket name.
    public init(settings: S3Settings, httpClient: HTTPClient) throws {
        self.client = try S3Client(settings: settings, httpClient: httpClient)
    }

    /// A store over an existing client.
    public init(client: S3Client) {
        self.client = client
    }

    /// Creates the bucket unless it exists already (tests, first start against a fresh store).
    public func createBucketIfNeeded() async throws {
        try await client.createBucket()
    }

    public func put(_ key: String, contentType: String, body: MediaByteStream) async throws -> Int64 {
        try Self.check(key)
        let partSize = client.settings.effectivePartSize
        var reader = PartReader(body.makeAsyncIterator(), partSize: partSize)
        let first = try await reader.nextPart()
        guard reader.hasMore else {
            try await client.putObject(key, contentType: contentType, body: .bytes(first))
            return Int64(first.count)
        }
        let uploadID = try await client.createMultipartUpload(key, contentType: contentType)
        do {
            var parts: [S3Client.CompletedPart] = []
            var part = first
            var total: Int64 = 0
            while true {
                let number = parts.count + 1
                guard number <= S3Settings.maximumPartCount else {
                    throw MediaStoreError(
                        .failed, "S3 put \(client.objectKey(key)): larger than \(S3Settings.maximumPartCount) parts of \(partSize) bytes")
                }
                parts.append(try await client.uploadPart(key, uploadID: uploadID, number: number, bytes: part))
                total += Int64(part.count)
                guard reader.hasMore else { break }
                part = try await reader.nextPart()
                if part.isEmpty { break }
            }
            try Task.checkCancellation()
            try await client.completeMultipartUpload(key, uploadID: uploadID, parts: parts)
            return total
        } catch {
            await abort(key, uploadID: uploadID)
            throw error
        }
    }

    public func read(_ key: String, range: ClosedRange<Int64>?) async throws -> MediaByteStream {
        try Self.check(key)
        return try await client.getObject(key, range: range).body
    }

    public func delete(_ key: String) async throws {
        try Self.check(key)
        try await client.deleteObject(key)
    }

    public func size(of key: String) async throws -> Int64? {
        try Self.check(key)
        return try await client.headObject(key)?.size
    }

    /// Aborts an upload even when the task is cancelled (the abort runs in a task of its own); its failure is
    /// dropped: the error that caused the abort is the one worth reporting (and a bucket lifecycle rule for
    /// incomplete uploads is the backstop).
    private func abort(_ key: String, uploadID: String) async {
        let client = client
        await Task { try? await client.abortMultipartUpload(key, uploadID: uploadID) }.value
    }

    /// Keys are SeedGate's own relative paths; one that is empty, absolute or has empty, `.` or dot-file segments
    /// is refused (as `DirectoryMediaStore` refuses it), so both stores accept the same keys.
    static func check(_ key: String) throws {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let usable =
            !key.isEmpty && !key.hasPrefix("/") && key.utf8.count <= 900
            && parts.allSatisfy { !$0.isEmpty && !$0.hasPrefix(".") }
            && !key.unicodeScalars.contains { $0.properties.generalCategory == .control }
        guard usable else { throw MediaStoreError(.failed, "not a usable media key: \(key)") }
    }
}

/// Cuts a byte stream into parts of `partSize` bytes (the last one shorter), holding at most one part and one
/// chunk in memory. `hasMore` is false once the stream has ended and everything read has been handed out.
struct PartReader {
    private var iterator: MediaByteStream.AsyncIterator
    private let partSize: Int
    private var pending: [UInt8] = []
    private var ended = false

    init(_ iterator: MediaByteStream.AsyncIterator, partSize: Int) {
        self.iterator = iterator
        self.partSize = partSize
    }

    var hasMore: Bool { !ended || !pending.isEmpty }

    /// The next part: `partSize` bytes, or what is left when the stream ends before that. The stream is read one
    /// chunk past a full part, so that after a part that ends the stream `hasMore` is already false.
    mutating func nextPart() async throws -> [UInt8] {
        while !ended, pending.count <= partSize {
            if let chunk = try await iterator.next() {
                pending += chunk
            } else {
                ended = true
            }
        }
        if pending.count <= partSize {
            defer { pending = [] }
            return pending
        }
        let part = Array(pending[..<partSize])
        pending = Array(pending[partSize...])
        return part
    }
}
