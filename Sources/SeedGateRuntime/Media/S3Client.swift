import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SeedGateCore

/// A minimal client for S3-compatible object storage over AsyncHTTPClient, signing every request with
/// `SigV4Signer`: the object operations `S3MediaStore` needs (put, multipart upload, ranged get, head, delete) and
/// CreateBucket. Keys given to it are the store's keys; the configured prefix is put in front here. Failures are
/// `MediaStoreError`s whose messages hold the operation, the key and S3's code and message, never a credential,
/// the Authorization header or a signed URL.
public struct S3Client: Sendable {
    /// An object's body as sent by PutObject.
    public enum Body: Sendable {
        /// In memory: sent with its SHA-256 signed.
        case bytes([UInt8])
        /// Streamed with a known length (S3 refuses chunked uploads): `UNSIGNED-PAYLOAD`, so use it over https.
        case stream(MediaByteStream, length: Int64)
    }

    /// What HeadObject says about an object.
    public struct ObjectInfo: Sendable, Equatable {
        public let size: Int64
        public let etag: String?
        public let contentType: String?
    }

    /// A GetObject answer: the length of what is sent (the range's, when one was asked) and the body, pulled from
    /// the connection as the reader reads.
    public struct Object: Sendable {
        public let contentLength: Int64?
        public let contentType: String?
        public let body: MediaByteStream
    }

    public let settings: S3Settings
    let http: HTTPClient
    let signer: SigV4Signer
    let endpoint: Endpoint
    let clock: @Sendable () -> Date
    let timeout: TimeAmount

    /// A client for `settings` over `httpClient` (the server's shared one). `clock` gives the signing time.
    /// Throws `.failed` for an unusable endpoint or bucket name.
    public init(settings: S3Settings, httpClient: HTTPClient, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        try self.init(settings: settings, httpClient: httpClient, clock: clock, connectingTo: nil)
    }

    /// `connectingTo` (`host:port`) sends every request there while signing and sending the Host header the
    /// addressing style gives: how the tests reach a virtual-hosted `bucket.localhost` on loopback without DNS.
    init(settings: S3Settings, httpClient: HTTPClient, clock: @escaping @Sendable () -> Date, connectingTo: String?) throws {
        self.settings = settings
        self.http = httpClient
        self.clock = clock
        self.endpoint = try Endpoint(settings.endpoint, bucket: settings.bucket, pathStyle: settings.pathStyle, connectingTo: connectingTo)
        guard !settings.region.isEmpty, !settings.region.contains(where: { $0 == "/" || $0.isWhitespace }) else {
            throw MediaStoreError(.failed, "S3 region \"\(settings.region)\" is not usable")
        }
        self.signer = SigV4Signer(credentials: settings.credentials, region: settings.region, service: "s3")
        let components = settings.requestTimeout.components
        self.timeout = .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }

    /// The object key in the bucket for a store key: the prefix, then the key.
    public func objectKey(_ key: String) -> String { settings.normalizedPrefix + key }

    // MARK: - Operations

    /// CreateBucket; a bucket that already exists and is ours is success.
    public func createBucket() async throws {
        var body: [UInt8] = []
        if settings.region != "us-east-1" {
            body = Array(
                ("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>"
                    + S3XML.escape(settings.region) + "</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        let request = prepare(.PUT, key: nil, payload: .hashing(body))
        let response = try await send(request, body: body.isEmpty ? nil : .bytes(body), operation: "CreateBucket", key: nil)
        if response.status.code / 100 == 2 { return }
        let failure = await S3Failure(response)
        if failure.code == "BucketAlreadyOwnedByYou" { return }
        throw failure.error(operation: "CreateBucket", key: nil, redacting: settings.credentials)
    }

    /// PutObject: stores `body` under `key` in one request. Returns the ETag S3 gave.
    @discardableResult
    public func putObject(_ key: String, contentType: String, body: Body) async throws -> String? {
        let request: Prepared
        let httpBody: HTTPClientRequest.Body
        switch body {
        case .bytes(let bytes):
            request = prepare(.PUT, key: key, headers: [("content-type", contentType)], payload: .hashing(bytes))
            httpBody = .bytes(bytes)
        case .stream(let stream, let length):
            request = prepare(.PUT, key: key, headers: [("content-type", contentType)], payload: .unsigned)
            httpBody = .stream(stream.map { ByteBuffer(bytes: $0) }, length: .known(length))
        }
        let response = try await expectSuccess(request, body: httpBody, operation: "PutObject", key: key)
        return response.headers.first(name: "etag")
    }

    /// GetObject, of the whole object or of `range` (inclusive, sent as `Range: bytes=a-b`). Returns once S3 has
    /// answered; the body streams from the connection. Throws `.notFound` for a missing key.
    public func getObject(_ key: String, range: ClosedRange<Int64>? = nil) async throws -> Object {
        var headers: [(String, String)] = []
        if let range { headers.append(("range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        let request = prepare(.GET, key: key, headers: headers, payload: .empty)
        let response = try await expectSuccess(request, body: nil, operation: "GetObject", key: key)
        if range != nil, response.status != .partialContent {
            throw MediaStoreError(.failed, "S3 GetObject \(objectKey(key)): asked for a range, got HTTP \(response.status.code)")
        }
        let reader = ResponseBodyReader(response.body, operation: "GetObject", key: objectKey(key))
        return Object(
            contentLength: response.headers.first(name: "content-length").flatMap { Int64($0) },
            contentType: response.headers.first(name: "content-type"),
            body: .pulling { try await reader.next() })
    }

    /// HeadObject: the object's size and ETag, or nil when there is no such object.
    public func headObject(_ key: String) async throws -> ObjectInfo? {
        let request = prepare(.HEAD, key: key, payload: .empty)
        let response = try await send(request, body: nil, operation: "HeadObject", key: key)
        if response.status == .notFound { return nil }
        guard response.status.code / 100 == 2 else {
            // A HEAD answer has no body: the status is all there is.
            let requestID = response.headers.first(name: "x-amz-request-id")
            throw S3Failure(status: Int(response.status.code), code: nil, message: nil, requestID: requestID)
                .error(operation: "HeadObject", key: objectKey(key), redacting: settings.credentials)
        }
        guard let length = response.headers.first(name: "content-length").flatMap({ Int64($0) }) else {
            throw MediaStoreError(.failed, "S3 HeadObject \(objectKey(key)): the answer has no Content-Length")
        }
        let headers = response.headers
        return ObjectInfo(size: length, etag: headers.first(name: "etag"), contentType: headers.first(name: "content-type"))
    }

    /// DeleteObject; deleting a missing key succeeds (as S3 itself answers).
    public func deleteObject(_ key: String) async throws {
        let request = prepare(.DELETE, key: key, payload: .empty)
        let response = try await send(request, body: nil, operation: "DeleteObject", key: key)
        if response.status.code / 100 == 2 { return }
        let failure = await S3Failure(response)
        if failure.code == "NoSuchKey" { return }
        throw failure.error(operation: "DeleteObject", key: objectKey(key), redacting: settings.credentials)
    }
}

// MARK: - Requests

extension S3Client {
    /// A signed request, ready to send: exactly what was signed goes on the wire.
    struct Prepared: Sendable {
        let method: HTTPMethod
        let url: String
        let headers: [(String, String)]
        /// Redacted: the Authorization header is not shown.
        var summary: String { "\(method.rawValue) \(url)" }
    }

    /// The endpoint as requests use it: scheme, the Host header (port only when not the scheme's default), the URL
    /// authority, and a base path kept in front of every request path.
    struct Endpoint: Sendable {
        let scheme: String
        let hostHeader: String
        /// The URL's `host[:port]`: the Host header's, unless the client was made to connect elsewhere.
        let authority: String
        let basePath: String
        let bucket: String
        let pathStyle: Bool

        init(_ url: URL, bucket: String, pathStyle: Bool, connectingTo: String? = nil) throws {
            guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
                throw MediaStoreError(.failed, "S3 endpoint must be an http or https URL")
            }
            guard var host = url.host, !host.isEmpty else { throw MediaStoreError(.failed, "S3 endpoint has no host") }
            guard Self.isUsableBucket(bucket, virtualHosted: !pathStyle) else {
                throw MediaStoreError(
                    .failed,
                    "S3 bucket name \"\(bucket)\" is not usable\(pathStyle ? "" : " with virtual-hosted addressing (use path style)")")
            }
            if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
            let defaultPort = scheme == "https" ? 443 : 80
            if let port = url.port, port != defaultPort { host += ":\(port)" }
            self.scheme = scheme
            self.hostHeader = pathStyle ? host : "\(bucket).\(host)"
            self.authority = connectingTo ?? hostHeader
            var base = url.path
            while base.hasSuffix("/") { base.removeLast() }
            self.basePath = base
            self.bucket = bucket
            self.pathStyle = pathStyle
        }

        /// The decoded request path for an object key, or for the bucket itself when `key` is nil.
        func path(for key: String?) -> String {
            if pathStyle { return basePath + "/" + bucket + (key.map { "/" + $0 } ?? "") }
            return basePath + "/" + (key ?? "")
        }

        /// S3's bucket naming rules (3–63 characters of lower-case letters, digits, `.` and `-`, starting and ending
        /// with a letter or digit); virtual-hosted names must also be valid host labels (no `..`).
        static func isUsableBucket(_ name: String, virtualHosted: Bool) -> Bool {
            guard (3...63).contains(name.count), let first = name.first, let last = name.last else { return false }
            let allowed = name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "." || $0 == "-" }
            let edges = [first, last].allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
            return allowed && edges && !(virtualHosted && name.contains(".."))
        }
    }

    /// Signs a request for `key` (a store key, prefixed here; nil for the bucket itself).
    func prepare(
        _ method: HTTPMethod, key: String?, query: [(String, String)] = [], headers: [(String, String)] = [], payload: SigV4Signer.Payload
    ) -> Prepared {
        let path = endpoint.path(for: key.map(objectKey))
        let signed: [(String, String)] = [("host", endpoint.hostHeader)] + headers
        let signature = signer.sign(
            SigV4Signer.Request(method: method.rawValue, path: path, query: query, headers: signed, payload: payload), date: clock())
        let url =
            "\(endpoint.scheme)://\(endpoint.authority)\(signature.canonicalURI)"
            + (signature.canonicalQuery.isEmpty ? "" : "?" + signature.canonicalQuery)
        return Prepared(method: method, url: url, headers: signed + signature.headers)
    }

    /// Sends a prepared request; transport failures become `.unavailable` (cancellation stays cancellation).
    func send(_ request: Prepared, body: HTTPClientRequest.Body?, operation: String, key: String?) async throws -> HTTPClientResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        outgoing.body = body
        do {
            return try await http.execute(outgoing, timeout: timeout)
        } catch {
            throw Self.transportError(error, operation: operation, key: key.map(objectKey))
        }
    }

    /// Sends a request and throws the store's error unless it answers 2xx.
    func expectSuccess(
        _ request: Prepared, body: HTTPClientRequest.Body?, operation: String, key: String?
    ) async throws -> HTTPClientResponse {
        let response = try await send(request, body: body, operation: operation, key: key)
        guard response.status.code / 100 == 2 else {
            let failure = await S3Failure(response)
            if failure.isMissingKey, let key { throw MediaStoreError.notFound(key) }
            throw failure.error(operation: operation, key: key.map(objectKey), redacting: settings.credentials)
        }
        return response
    }

    /// A 2xx answer's XML body, read whole (small documents only).
    func xmlBody(_ response: HTTPClientResponse, operation: String, key: String?) async throws -> String {
        do {
            let buffer = try await response.body.collect(upTo: S3Failure.maxBodyBytes)
            return String(decoding: buffer.readableBytesView, as: UTF8.self)
        } catch {
            throw Self.transportError(error, operation: operation, key: key.map(objectKey))
        }
    }
}

/// Pulls a response body one buffer at a time for a `MediaByteStream`.
private final class ResponseBodyReader: @unchecked Sendable {
    // Only the stream's single reader calls `next()`, one call at a time (AsyncThrowingStream(unfolding:)).
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private let operation: String
    private let key: String

    init(_ body: HTTPClientResponse.Body, operation: String, key: String) {
        iterator = body.makeAsyncIterator()
        self.operation = operation
        self.key = key
    }

    func next() async throws -> [UInt8]? {
        do {
            while let buffer = try await iterator.next() {
                if buffer.readableBytes > 0 { return Array(buffer.readableBytesView) }
            }
            return nil
        } catch {
            throw S3Client.transportError(error, operation: operation, key: key)
        }
    }
}
