import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import SeedGateCore

/// One file's trip from the provider's file server into the media store: destination check on every hop, status,
/// declared type and length, the first bytes, a running size limit and SHA-256, a stall timeout, shared bandwidth,
/// and a length check at the end. Any failure aborts the store's write, so nothing partial is ever kept.
struct ArchiveTransfer: Sendable {
    let client: HTTPClient
    let media: any MediaStore
    let destinations: DestinationGuard
    let settings: ArchiveSettings
    let limiter: BandwidthLimiter?

    /// A failed transfer, as recorded on the job.
    struct Failure: Error {
        var code: ArchiveFailure.Code
        var message: String
        var permanent = false
    }

    /// Downloads `url` and stores it under `keyStem` plus the extension its content shows.
    func transfer(_ url: String, keyStem: String, expected: MediaSniffer.Expected) async throws(Failure) -> ArchivedFile {
        let started = ContinuousClock.now
        let response = try await open(url)
        let declaredLength = response.headers.first(name: "content-length").flatMap { Int64($0) }
        if let declaredLength, declaredLength > settings.maxBytes {
            throw Failure(code: .tooLarge, message: "the file is \(declaredLength) bytes; archive.max_bytes is \(settings.maxBytes)", permanent: true)
        }
        let declaredType = response.headers.first(name: "content-type")
        if MediaSniffer.isNotMedia(declared: declaredType) {
            throw Failure(code: .notMedia, message: "the file server answered \(declaredType ?? "?") instead of the \(expected.rawValue)")
        }
        let stall = settings.stallTimeout
        let body = BodyReader(iterator: response.body.makeAsyncIterator())
        let first: [UInt8]
        do {
            first = try await body.next(within: stall) ?? []
        } catch {
            throw Failure(code: .sourceUnreachable, message: "the download broke off: \(Self.describe(error))")
        }
        guard let contentType = MediaSniffer.contentType(of: first, expected: expected) else {
            throw Failure(code: .notMedia, message: "the file's first bytes are not a \(expected.rawValue) (declared \(declaredType ?? "no type"))")
        }
        let key = "\(keyStem).\(MediaSniffer.fileExtension(contentType))"
        let progress = Progress(first: first)
        let maxBytes = settings.maxBytes
        let totalTimeout = settings.totalTimeout
        let limiter = limiter
        let stream = MediaByteStream.pulling {
            var chunk = progress.takeFirst()
            if chunk == nil {
                do {
                    chunk = try await body.next(within: stall)
                } catch {
                    // The connection ended early (not a stall): say so in terms of the announced length, if any.
                    let stalled = error is Stalled || (error as? HTTPClientError) == .readTimeout
                    if let declaredLength, progress.count < declaredLength, !stalled {
                        throw Failure(
                            code: .lengthMismatch,
                            message: "the connection ended after \(progress.count) of the \(declaredLength) bytes announced (\(Self.describe(error)))"
                        )
                    }
                    throw error
                }
            }
            guard let chunk else {
                if let declaredLength, progress.count != declaredLength {
                    throw Failure(code: .lengthMismatch, message: "the server announced \(declaredLength) bytes and sent \(progress.count)")
                }
                return nil
            }
            progress.add(chunk)
            if progress.count > maxBytes {
                throw Failure(code: .tooLarge, message: "the file is larger than archive.max_bytes (\(maxBytes))", permanent: true)
            }
            if ContinuousClock.now - started > .seconds(totalTimeout) {
                throw Failure(code: .sourceUnreachable, message: "the download took longer than archive.total_timeout (\(Int(totalTimeout)) s)")
            }
            try await limiter?.take(chunk.count)
            return chunk
        }
        let stored: Int64
        do {
            stored = try await media.put(key, contentType: contentType, body: stream)
        } catch let failure as Failure {
            throw failure
        } catch let error as MediaStoreError {
            throw Failure(code: .storeFailed, message: "the media store refused the file: \(error.message)")
        } catch {
            throw Failure(code: .sourceUnreachable, message: "the download broke off: \(Self.describe(error))")
        }
        let bytes = progress.count
        guard stored == bytes else {
            throw Failure(code: .storeFailed, message: "the media store kept \(stored) of \(bytes) bytes")
        }
        do {
            guard let size = try await media.size(of: key), size == bytes else {
                throw Failure(code: .storeFailed, message: "the stored object's size does not match the \(bytes) bytes written")
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(code: .storeFailed, message: "the stored object could not be checked: \(Self.describe(error))")
        }
        return ArchivedFile(key: key, bytes: bytes, sha256: progress.digest(), contentType: contentType)
    }

    /// Sends the GET, following redirects itself so that every hop passes the destination guard.
    private func open(_ url: String) async throws(Failure) -> HTTPClientResponse {
        var current = url
        for _ in 0...settings.maxRedirects {
            switch await destinations.resolve(current) {
            case .failure(.resolutionFailed(let host, let reason)):
                throw Failure(code: .sourceUnreachable, message: "file host \(host) could not be resolved: \(reason)")
            case .failure(let rejection):
                throw Failure(code: .forbiddenDestination, message: Self.fileWording(rejection.message), permanent: true)
            case .success: break
            }
            var request = HTTPClientRequest(url: current)
            request.method = .GET
            request.headers.add(name: "accept", value: "video/*, image/*, */*;q=0.1")
            let response: HTTPClientResponse
            do {
                // The client's read timeout is the stall timeout too; this bound holds whatever the client does.
                let (client, totalTimeout) = (client, settings.totalTimeout)
                response = try await Stalled.bounding(settings.stallTimeout + Self.connectAllowance) { [request] in
                    try await client.execute(request, timeout: .seconds(Int64(totalTimeout)))
                }
            } catch {
                throw Failure(code: .sourceUnreachable, message: "the file server could not be reached: \(Self.describe(error))")
            }
            switch response.status.code {
            case 200..<300:
                return response
            case 301, 302, 303, 307, 308:
                guard let location = response.headers.first(name: "location"), let next = URL(string: location, relativeTo: URL(string: current))
                else {
                    throw Failure(code: .sourceStatus, message: "the file server redirected without a usable Location")
                }
                current = next.absoluteString
            default:
                throw Failure(code: .sourceStatus, message: "the file server answered \(response.status.code)")
            }
        }
        throw Failure(code: .sourceStatus, message: "more than \(settings.maxRedirects) redirects")
    }

    /// Seconds a request may take to connect, on top of the stall timeout, before its answer is given up.
    static let connectAllowance: TimeInterval = 10

    /// The destination guard speaks of webhooks; here the URL is a result file's.
    static func fileWording(_ message: String) -> String {
        message.replacingOccurrences(of: "webhook URL", with: "file URL").replacingOccurrences(of: "webhook ", with: "file ")
    }

    /// An error's kind, without its text (which may hold a URL with a signature in it).
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return error.archiveDescription }
        if error is Stalled { return HTTPClientError.readTimeout.archiveDescription }
        return String(describing: type(of: error))
    }
}

extension HTTPClientError {
    /// Which client error, by name only.
    var archiveDescription: String {
        switch self {
        case .readTimeout: "no data for the stall timeout"
        case .connectTimeout: "connect timeout"
        case .remoteConnectionClosed: "the server closed the connection"
        case .deadlineExceeded: "deadline exceeded"
        default: "\(self)".split(separator: "(").first.map(String.init) ?? "HTTP client error"
        }
    }
}

/// The response body's iterator, pulled by one reader at a time.
private final class BodyReader: @unchecked Sendable {
    var iterator: HTTPClientResponse.Body.AsyncIterator

    init(iterator: HTTPClientResponse.Body.AsyncIterator) { self.iterator = iterator }

    func next() async throws -> [UInt8]? {
        guard let buffer = try await iterator.next() else { return nil }
        return Array(buffer.readableBytesView)
    }

    /// The next chunk, or `Stalled` when none came within `seconds` (the read is cancelled, which ends the request).
    /// The client's own read timeout is the same, but a download must never outlive it whatever the client does.
    func next(within seconds: TimeInterval) async throws -> [UInt8]? {
        try await Stalled.bounding(seconds) { try await self.next() }
    }
}

/// Nothing arrived within the stall timeout.
struct Stalled: Error {
    private enum Raced<Value: Sendable>: Sendable {
        case value(Value)
        case timedOut
    }

    /// `operation`'s result, or `Stalled` once `seconds` pass first (`operation` is then cancelled).
    static func bounding<Value: Sendable>(_ seconds: TimeInterval, _ operation: @escaping @Sendable () async throws -> Value) async throws
        -> Value
    {
        try await withThrowingTaskGroup(of: Raced<Value>.self) { group in
            group.addTask { .value(try await operation()) }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                return .timedOut
            }
            defer { group.cancelAll() }
            guard case .value(let value) = try await group.next() else { throw Stalled() }
            return value
        }
    }
}

/// What has been read so far: the count and running digest, and the first chunk until it is passed on.
private final class Progress: @unchecked Sendable {
    // Used only from the store's single pulling reader, one call at a time.
    var pendingFirst: [UInt8]?
    var count: Int64 = 0
    var hasher = SHA256()

    init(first: [UInt8]) { pendingFirst = first.isEmpty ? nil : first }

    func takeFirst() -> [UInt8]? {
        defer { pendingFirst = nil }
        return pendingFirst
    }

    func add(_ chunk: [UInt8]) {
        count += Int64(chunk.count)
        hasher.update(data: chunk)
    }

    func digest() -> String { SigV4Signer.hex(hasher.finalize()) }
}
