import Foundation
import NIOHTTP1
import SeedGateCore
import Testing

@testable import SeedGateRuntime

/// The S3 server the store tests run against: moto with signature checking on, from
/// `eval "$(scripts/s3-test-server.sh start)"`, or nil when `SEEDGATE_TEST_S3_ENDPOINT` is unset.
enum S3TestServer {
    static let environment = ProcessInfo.processInfo.environment
    static let endpoint: URL? = environment["SEEDGATE_TEST_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : URL(string: $0) }
    static var isAvailable: Bool { endpoint != nil }
    static var region: String { environment["SEEDGATE_TEST_S3_REGION"] ?? "us-east-1" }
    static var bucket: String { environment["SEEDGATE_TEST_S3_BUCKET"] ?? "seedgate-test" }
    static var credentials: S3Credentials {
        S3Credentials(
            accessKeyID: environment["SEEDGATE_TEST_S3_ACCESS_KEY_ID"] ?? "",
            secretAccessKey: environment["SEEDGATE_TEST_S3_SECRET_ACCESS_KEY"] ?? "")
    }

    static func settings(
        bucket: String = bucket, region: String = region, prefix: String = "", pathStyle: Bool = true,
        partSize: Int = S3Settings.minimumPartSize, credentials: S3Credentials = credentials
    ) throws -> S3Settings {
        S3Settings(
            endpoint: try #require(endpoint), region: region, bucket: bucket, prefix: prefix, pathStyle: pathStyle, partSize: partSize,
            credentials: credentials, requestTimeout: .seconds(30))
    }

    /// Runs `body` with a store over a fresh HTTP client (shut down afterwards, also on failure).
    static func withStore(_ settings: S3Settings, connectingTo: String? = nil, _ body: (S3MediaStore) async throws -> Void) async throws {
        let http = AsyncHTTPClientTransport.makeClient()
        do {
            let client = try S3Client(settings: settings, httpClient: http, clock: { Date() }, connectingTo: connectingTo)
            try await body(S3MediaStore(client: client))
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// Object keys of the multipart uploads still open in the bucket under `prefix` (ListMultipartUploads).
    static func openUploads(_ client: S3Client, under prefix: String) async throws -> [String] {
        let request = client.prepare(.GET, key: nil, query: [("uploads", "")], payload: .empty)
        let response = try await client.expectSuccess(request, body: nil, operation: "ListMultipartUploads", key: nil)
        let document = try await client.xmlBody(response, operation: "ListMultipartUploads", key: nil)
        return S3XML.values("Key", in: document).filter { $0.hasPrefix(client.objectKey(prefix)) }
    }

    /// A deterministic, non-repeating-looking pattern (so a misplaced range or part shows).
    static func bytes(_ count: Int, seed: UInt32 = 1) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    /// A key under this run's own prefix, so runs and tests never see each other's objects.
    static func key(_ name: String) -> String { "run-\(runID)/\(name)" }
    static let runID = UUID().uuidString.prefix(8).lowercased()
}

/// The CI guard: a CI run must exercise the S3 store against the real server, never skip it quietly.
@Suite struct S3TestServerPresenceTests {
    @Test func s3ServerIsThereInCI() {
        if S3TestServer.environment["CI"] == "true" {
            #expect(
                S3TestServer.isAvailable,
                "CI must run the S3 store tests: eval \"$(scripts/s3-test-server.sh start)\" sets SEEDGATE_TEST_S3_ENDPOINT")
        }
    }
}

/// `S3MediaStore` against a real S3 implementation (moto) that checks every signature.
@Suite(
    .enabled(if: S3TestServer.isAvailable, "SEEDGATE_TEST_S3_ENDPOINT not set: eval \"$(scripts/s3-test-server.sh start)\" starts moto"),
    .timeLimit(.minutes(2)))
struct S3MediaStoreTests {
    @Test func createBucketIsIdempotentAndTheNewBucketWorks() async throws {
        let bucket = "seedgate-new-\(S3TestServer.runID)"
        try await S3TestServer.withStore(try S3TestServer.settings(bucket: bucket)) { store throws in
            try await store.createBucketIfNeeded()
            try await store.createBucketIfNeeded()
            #expect(try await store.put("a/b.txt", contentType: "text/plain", body: .bytes(Array("hello".utf8))) == 5)
            #expect(try await store.read("a/b.txt", range: nil).collect() == Array("hello".utf8))
        }
    }

    /// Outside us-east-1 CreateBucket names its region (LocationConstraint) and every request is signed for it.
    @Test func bucketInAnotherRegion() async throws {
        let bucket = "seedgate-eu-\(S3TestServer.runID)"
        try await S3TestServer.withStore(try S3TestServer.settings(bucket: bucket, region: "eu-west-1")) { store throws in
            try await store.createBucketIfNeeded()
            #expect(try await store.put("k/v.mp4", contentType: "video/mp4", body: .bytes(Array("eu".utf8))) == 2)
            #expect(try await store.read("k/v.mp4", range: nil).collect() == Array("eu".utf8))
        }
    }

    @Test func smallObjectRoundTripsWholeAndInRanges() async throws {
        let body = S3TestServer.bytes(1000)
        let key = S3TestServer.key("small/video.mp4")
        try await S3TestServer.withStore(try S3TestServer.settings()) { store throws in
            #expect(store.kind == "s3")
            #expect(try await store.put(key, contentType: "video/mp4", body: .bytes(body, chunkSize: 7)) == 1000)
            #expect(try await store.read(key, range: nil).collect() == body)
            #expect(try await store.read(key, range: 0...0).collect() == [body[0]])
            #expect(try await store.read(key, range: 999...999).collect() == [body[999]])
            #expect(try await store.read(key, range: 10...19).collect() == Array(body[10...19]))
            #expect(try await store.read(key, range: 0...999).collect() == body)
            #expect(try await store.size(of: key) == 1000)
            let info = try #require(try await store.client.headObject(key))
            #expect(info.contentType == "video/mp4")
            #expect(info.etag.map { !$0.contains("-") } == true, "a small body goes as one PutObject")
        }
    }

    @Test func largeObjectGoesMultipartAndReadsBackExactly() async throws {
        let partSize = S3Settings.minimumPartSize
        let body = S3TestServer.bytes(2 * partSize + 123_457, seed: 7)
        let key = S3TestServer.key("large/video.mp4")
        try await S3TestServer.withStore(try S3TestServer.settings(partSize: partSize)) { store throws in
            let stored = try await store.put(key, contentType: "video/mp4", body: .bytes(body, chunkSize: 300_001))
            #expect(stored == Int64(body.count))
            let info = try #require(try await store.client.headObject(key))
            #expect(info.size == Int64(body.count))
            #expect(info.etag?.hasSuffix("-3\"") == true, "three parts: \(info.etag ?? "no etag")")
            let read = try await store.read(key, range: nil).collect()
            #expect(read.count == body.count)
            #expect(read == body)
            let boundary = Int64(partSize)
            let acrossParts = try await store.read(key, range: (boundary - 2)...(boundary + 1)).collect()
            #expect(acrossParts == Array(body[(partSize - 2)...(partSize + 1)]))
            let last = Int64(body.count - 1)
            #expect(try await store.read(key, range: last...last).collect() == [body[body.count - 1]])
            #expect(try await S3TestServer.openUploads(store.client, under: S3TestServer.key("large/")).isEmpty)
        }
    }

    @Test func bodyOfExactlyOnePartIsOnePutObject() async throws {
        let body = S3TestServer.bytes(S3Settings.minimumPartSize, seed: 3)
        let key = S3TestServer.key("exact/video.mp4")
        try await S3TestServer.withStore(try S3TestServer.settings()) { store throws in
            #expect(try await store.put(key, contentType: "video/mp4", body: .bytes(body, chunkSize: 1 << 20)) == Int64(body.count))
            let info = try #require(try await store.client.headObject(key))
            #expect(info.etag.map { !$0.contains("-") } == true)
            #expect(try await store.read(key, range: nil).collect() == body)
        }
    }

    @Test func emptyBodyIsAnEmptyObject() async throws {
        let key = S3TestServer.key("empty/file.bin")
        try await S3TestServer.withStore(try S3TestServer.settings()) { store throws in
            #expect(try await store.put(key, contentType: "application/octet-stream", body: .bytes([])) == 0)
            #expect(try await store.size(of: key) == 0)
            #expect(try await store.read(key, range: nil).collect() == [])
        }
    }

    @Test func putReplacesTheObject() async throws {
        let key = S3TestServer.key("replace/video.mp4")
        try await S3TestServer.withStore(try S3TestServer.settings()) { store throws in
            _ = try await store.put(key, contentType: "video/mp4", body: .bytes(S3TestServer.bytes(500)))
            _ = try await store.put(key, contentType: "video/mp4", body: .bytes(Array("second".utf8)))
            #expect(try await store.read(key, range: nil).collect() == Array("second".utf8))
        }
    }

    @Test func missingObjects() async throws {
        let key = S3TestServer.key("missing/video.mp4")
        try await S3TestServer.withStore(try S3TestServer.settings()) { store throws in
            #expect(try await store.size(of: key) == nil)
            await #expect(throws: MediaStoreError.notFound(key)) { _ = try await store.read(key, range: nil) }
            await #expect(throws: MediaStoreError.notFound(key)) { _ = try await store.read(key, range: 0...1) }
            try await store.delete(key)
        }
    }

    @Test func deleteThenReadIsNotFound() async throws {
        let key = S3TestServer.key("delete/video.mp4")
        try await S3TestServer.withStore(try S3TestServer.settings()) { store throws in
            _ = try await store.put(key, contentType: "video/mp4", body: .bytes(S3TestServer.bytes(64)))
            #expect(try await store.size(of: key) == 64)
            try await store.delete(key)
            #expect(try await store.size(of: key) == nil)
            await #expect(throws: MediaStoreError.notFound(key)) { _ = try await store.read(key, range: nil) }
            try await store.delete(key)
        }
    }

    /// The server checks signatures: the same requests signed with a wrong secret, or an unknown key, are refused.
    @Test func wrongSecretOrUnknownKeyIsUnauthorized() async throws {
        let key = S3TestServer.key("auth/video.mp4")
        try await S3TestServer.withStore(try S3TestServer.settings()) { store throws in
            _ = try await store.put(key, contentType: "video/mp4", body: .bytes(Array("signed".utf8)))
        }
        let good = S3TestServer.credentials
        let wrongSecret = S3Credentials(accessKeyID: good.accessKeyID, secretAccessKey: "wrong" + good.secretAccessKey.dropFirst(5))
        let unknownKey = S3Credentials(accessKeyID: "AKIAUNKNOWNKEY000000", secretAccessKey: good.secretAccessKey)
        for credentials in [wrongSecret, unknownKey] {
            try await S3TestServer.withStore(try S3TestServer.settings(credentials: credentials)) { store throws in
                let put = await #expect(throws: MediaStoreError.self) {
                    _ = try await store.put(key, contentType: "video/mp4", body: .bytes(Array("forged".utf8)))
                }
                #expect(put?.kind == .unauthorized, "\(put.map(String.init(describing:)) ?? "")")
                let read = await #expect(throws: MediaStoreError.self) { _ = try await store.read(key, range: nil) }
                #expect(read?.kind == .unauthorized)
                let size = await #expect(throws: MediaStoreError.self) { _ = try await store.size(of: key) }
                #expect(size?.kind == .unauthorized)
                for error in [put, read, size].compactMap({ $0 }) {
                    #expect(!error.message.contains(credentials.secretAccessKey) && !error.message.contains(good.secretAccessKey))
                    #expect(!error.message.contains("Signature="), "\(error)")
                }
                if credentials == wrongSecret { #expect(put?.message.contains("SignatureDoesNotMatch") == true) }
                if credentials == unknownKey { #expect(put?.message.contains("InvalidAccessKeyId") == true) }
            }
        }
        try await S3TestServer.withStore(try S3TestServer.settings()) { store throws in
            #expect(try await store.read(key, range: nil).collect() == Array("signed".utf8), "the forged put changed nothing")
        }
    }

    /// A body that fails after the first part aborts the multipart upload: no object, no open upload.
    @Test func failingBodyAbortsTheUpload() async throws {
        struct SourceFailed: Error, Equatable {}
        let key = S3TestServer.key("aborted/video.mp4")
        let part = S3TestServer.bytes(S3Settings.minimumPartSize + 10)
        try await S3TestServer.withStore(try S3TestServer.settings()) { store throws in
            let body = MediaByteStream { continuation in
                continuation.yield(part)
                continuation.yield(part)
                continuation.finish(throwing: SourceFailed())
            }
            await #expect(throws: SourceFailed()) { _ = try await store.put(key, contentType: "video/mp4", body: body) }
            #expect(try await store.size(of: key) == nil)
            #expect(try await S3TestServer.openUploads(store.client, under: S3TestServer.key("aborted/")).isEmpty)
        }
    }

    /// Spaces and `~` against the server. moto re-derives the signed path from a decoded and re-quoted URL, so it
    /// refuses keys with non-ASCII, `+` or `(` even from boto3; those encodings are checked by the botocore vectors.
    @Test func keysWithSpacesAndTilde() async throws {
        let key = S3TestServer.key("tenant a/job 1/video_~x-1.mp4")
        try await S3TestServer.withStore(try S3TestServer.settings()) { store throws in
            _ = try await store.put(key, contentType: "video/mp4", body: .bytes(Array("spaced".utf8)))
            #expect(try await store.read(key, range: nil).collect() == Array("spaced".utf8))
            #expect(try await store.size(of: key) == 6)
            try await store.delete(key)
            #expect(try await store.size(of: key) == nil)
        }
    }

    @Test func prefixIsPutInFrontOfEveryKey() async throws {
        let prefix = S3TestServer.key("prefixed")
        try await S3TestServer.withStore(try S3TestServer.settings(prefix: "/" + prefix + "/")) { store throws in
            _ = try await store.put("t/job/video.mp4", contentType: "video/mp4", body: .bytes(Array("p".utf8)))
        }
        try await S3TestServer.withStore(try S3TestServer.settings()) { store throws in
            #expect(try await store.size(of: prefix + "/t/job/video.mp4") == 1)
        }
    }

    /// Virtual-hosted addressing: the Host is `bucket.localhost:port`, which moto reads as the bucket; the
    /// connection goes to 127.0.0.1 (no DNS for *.localhost here).
    @Test func virtualHostedAddressing() async throws {
        let endpoint = try #require(S3TestServer.endpoint)
        let port = try #require(endpoint.port)
        var settings = try S3TestServer.settings(pathStyle: false)
        settings.endpoint = try #require(URL(string: "http://localhost:\(port)"))
        let key = S3TestServer.key("virtual/video.mp4")
        try await S3TestServer.withStore(settings, connectingTo: "127.0.0.1:\(port)") { store throws in
            #expect(store.client.endpoint.hostHeader == "\(S3TestServer.bucket).localhost:\(port)")
            #expect(try await store.put(key, contentType: "video/mp4", body: .bytes(Array("virtual".utf8))) == 7)
            #expect(try await store.read(key, range: 1...3).collect() == Array("irt".utf8))
        }
        try await S3TestServer.withStore(try S3TestServer.settings()) { store throws in
            #expect(try await store.read(key, range: nil).collect() == Array("virtual".utf8), "the same object, path-style")
        }
    }
}

/// The parts of the client that need no server: addressing, settings, XML, error mapping, part cutting, keys.
@Suite struct S3ClientUnitTests {
    static let credentials = S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    static func endpoint(_ url: String, bucket: String = "media", pathStyle: Bool) throws -> S3Client.Endpoint {
        try S3Client.Endpoint(try #require(URL(string: url)), bucket: bucket, pathStyle: pathStyle)
    }

    @Test func pathStyleAddressing() throws {
        let local = try Self.endpoint("http://127.0.0.1:9000", pathStyle: true)
        #expect(local.hostHeader == "127.0.0.1:9000")
        #expect(local.path(for: "a/b.mp4") == "/media/a/b.mp4")
        #expect(local.path(for: nil) == "/media")
        let based = try Self.endpoint("https://storage.example:443/s3/", pathStyle: true)
        #expect(based.hostHeader == "storage.example", "the scheme's default port is left out")
        #expect(based.path(for: "k") == "/s3/media/k")
        #expect(try Self.endpoint("http://[::1]:9000", pathStyle: true).hostHeader == "[::1]:9000")
    }

    @Test func virtualHostedAddressing() throws {
        let aws = try Self.endpoint("https://s3.eu-west-1.amazonaws.com", pathStyle: false)
        #expect(aws.hostHeader == "media.s3.eu-west-1.amazonaws.com")
        #expect(aws.authority == aws.hostHeader)
        #expect(aws.path(for: "tenant/job/video.mp4") == "/tenant/job/video.mp4")
        #expect(aws.path(for: nil) == "/")
        let local = try Self.endpoint("http://localhost:9000", pathStyle: false)
        #expect(local.hostHeader == "media.localhost:9000")
    }

    @Test func signedURLIsWhatWasSigned() throws {
        let http = AsyncHTTPClientTransport.makeClient()
        defer { try? http.syncShutdown() }
        let settings = S3Settings(
            endpoint: try #require(URL(string: "https://s3.eu-west-1.amazonaws.com")), region: "eu-west-1", bucket: "media",
            prefix: "archive", pathStyle: false, credentials: Self.credentials)
        let client = try S3Client(settings: settings, httpClient: http, clock: { Date(timeIntervalSince1970: 1_714_564_800) })
        let request = client.prepare(.PUT, key: "t a/v+1.mp4", query: [("partNumber", "1"), ("uploadId", "x/y")], payload: .unsigned)
        #expect(request.url == "https://media.s3.eu-west-1.amazonaws.com/archive/t%20a/v%2B1.mp4?partNumber=1&uploadId=x%2Fy")
        let names = request.headers.map(\.0)
        #expect(names == ["host", "x-amz-date", "x-amz-content-sha256", "authorization"])
        #expect(request.headers[0].1 == "media.s3.eu-west-1.amazonaws.com")
        let authorization = try #require(request.headers.last?.1)
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/eu-west-1/s3/aws4_request, "))
        #expect(!request.summary.contains("Signature"))
    }

    @Test func invalidConfigurationIsRefused() throws {
        #expect(throws: MediaStoreError.self) { try Self.endpoint("ftp://host", pathStyle: true) }
        #expect(throws: MediaStoreError.self) { try Self.endpoint("http://host", bucket: "Bad_Bucket", pathStyle: true) }
        #expect(throws: MediaStoreError.self) { try Self.endpoint("http://host", bucket: "a..b", pathStyle: false) }
        #expect(throws: MediaStoreError.self) { try Self.endpoint("http://host", bucket: "ab", pathStyle: true) }
        #expect(try Self.endpoint("http://host", bucket: "my.bucket-1", pathStyle: true).bucket == "my.bucket-1")
    }

    @Test func settingsClampPartSizeAndNormalisePrefix() throws {
        let url = try #require(URL(string: "http://127.0.0.1:9000"))
        var settings = S3Settings(endpoint: url, region: "us-east-1", bucket: "media", partSize: 1024, credentials: Self.credentials)
        #expect(settings.effectivePartSize == S3Settings.minimumPartSize)
        settings.partSize = 16 << 20
        #expect(settings.effectivePartSize == 16 << 20)
        #expect(S3Settings(endpoint: url, region: "r", bucket: "media", credentials: Self.credentials).effectivePartSize == 8 << 20)
        for (prefix, normalized) in [("", ""), ("/", ""), ("a", "a/"), ("/a/b/", "a/b/"), ("a//", "a/")] {
            settings.prefix = prefix
            #expect(settings.normalizedPrefix == normalized, "\(prefix)")
        }
        #expect(!String(describing: settings).contains(Self.credentials.secretAccessKey))
        var dumped = ""
        dump(settings, to: &dumped)
        #expect(!dumped.contains(Self.credentials.secretAccessKey))
        let aws = S3Settings.aws(region: "eu-west-1", bucket: "media", credentials: Self.credentials)
        #expect(aws?.endpoint.host == "s3.eu-west-1.amazonaws.com" && aws?.pathStyle == false)
    }

    @Test func credentialsFromEnvironment() {
        #expect(S3Credentials.fromEnvironment([:]) == nil)
        #expect(S3Credentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "AKID"]) == nil)
        #expect(S3Credentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "s"]) == nil)
        let plain = S3Credentials.fromEnvironment([
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret-value", "AWS_SESSION_TOKEN": "",
        ])
        #expect(plain == S3Credentials(accessKeyID: "AKID", secretAccessKey: "secret-value"))
        let temporary = S3Credentials.fromEnvironment([
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "tok-en",
        ])
        #expect(temporary?.sessionToken == "tok-en")
        let description = String(describing: temporary)
        #expect(!description.contains("tok-en") && description.contains("AKID"))
    }

    @Test func xmlReading() {
        let error = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <Error><Code>SignatureDoesNotMatch</Code>\
            <Message>The request signature we calculated does not match &amp; &lt;so&gt; &#233;&#x21;</Message>
            <StringToSign>AWS4-HMAC-SHA256…</StringToSign><CodeX>no</CodeX><RequestId>4442587FB7D0A2F9</RequestId><Empty/></Error>
            """
        #expect(S3XML.rootElement(error) == "Error")
        #expect(S3XML.firstValue("Code", in: error) == "SignatureDoesNotMatch")
        #expect(S3XML.firstValue("Message", in: error) == "The request signature we calculated does not match & <so> é!")
        #expect(S3XML.firstValue("RequestId", in: error) == "4442587FB7D0A2F9")
        #expect(S3XML.firstValue("Empty", in: error) == "")
        #expect(S3XML.firstValue("Missing", in: error) == nil)
        #expect(S3XML.values("CodeX", in: error) == ["no"])
        let initiated = """
            <InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Key>k</Key>\
            <UploadId>VXBsb2FkIElE-&quot;x&quot;</UploadId></InitiateMultipartUploadResult>
            """
        #expect(S3XML.rootElement(initiated) == "InitiateMultipartUploadResult")
        #expect(S3XML.firstValue("UploadId", in: initiated) == "VXBsb2FkIElE-\"x\"")
        #expect(S3XML.rootElement("not xml") == nil)
        #expect(S3XML.firstValue("A", in: "<A>unterminated") == nil)
        #expect(S3XML.decode("a &bogus; &amp b") == "a &bogus; &amp b")
    }

    @Test func completeBodyEscapesETags() {
        let body = S3Client.completeBody([.init(number: 1, etag: "\"abc\""), .init(number: 2, etag: "\"d<e\"")])
        #expect(
            body == "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<Part><ETag>&quot;abc&quot;</ETag><PartNumber>1</PartNumber></Part>"
                + "<Part><ETag>&quot;d&lt;e&quot;</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>")
    }

    @Test func errorAnswersMapToStoreErrors() {
        func kind(_ status: Int, _ code: String?) -> MediaStoreError.Kind {
            S3Failure(status: status, code: code, message: "m", requestID: nil)
                .error(operation: "Op", key: "k", redacting: Self.credentials).kind
        }
        #expect(kind(403, "SignatureDoesNotMatch") == .unauthorized)
        #expect(kind(403, "InvalidAccessKeyId") == .unauthorized)
        #expect(kind(403, "AccessDenied") == .unauthorized)
        #expect(kind(400, "ExpiredToken") == .unauthorized)
        #expect(kind(403, nil) == .unauthorized)
        #expect(kind(404, "NoSuchKey") == .notFound)
        #expect(kind(404, nil) == .notFound)
        #expect(kind(404, "NoSuchBucket") == .failed)
        #expect(kind(500, "InternalError") == .unavailable)
        #expect(kind(503, "SlowDown") == .unavailable)
        #expect(kind(502, nil) == .unavailable)
        #expect(kind(200, "InternalError") == .unavailable, "CompleteMultipartUpload's 200 with an error body")
        #expect(kind(400, "InvalidArgument") == .failed)
        #expect(kind(400, "EntityTooSmall") == .failed)
    }

    @Test func errorMessagesAreShortAndHoldNoSecret() {
        let body = """
            <Error><Code>SignatureDoesNotMatch</Code><Message>bad\nsignature for \(Self.credentials.secretAccessKey)</Message>\
            <CanonicalRequest>GET /k</CanonicalRequest><RequestId>RID1</RequestId></Error>
            """
        let error = S3Failure(status: 403, body: body, requestID: "header-id")
            .error(operation: "GetObject", key: "p/k", redacting: Self.credentials)
        #expect(error.kind == .unauthorized)
        #expect(error.message == "S3 GetObject p/k: HTTP 403 SignatureDoesNotMatch: bad signature for [redacted] (request id RID1)")
        let long = S3Failure(status: 400, code: "X", message: String(repeating: "m", count: 1000), requestID: nil)
            .error(operation: "Op", key: nil, redacting: Self.credentials)
        #expect(long.message.count < 340)
        let notXML = S3Failure(status: 502, body: "<html>bad gateway</html>", requestID: nil)
        #expect(notXML.code == nil && notXML.error(operation: "Op", key: nil, redacting: Self.credentials).kind == .unavailable)
    }

    @Test func unreachableStoreIsUnavailable() async throws {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let settings = S3Settings(
            endpoint: try #require(URL(string: "http://127.0.0.1:1")), region: "us-east-1", bucket: "media",
            credentials: Self.credentials, requestTimeout: .seconds(5))
        let http = AsyncHTTPClientTransport.makeClient()
        do {
            let store = try S3MediaStore(settings: settings, httpClient: http)
            let error = await #expect(throws: MediaStoreError.self) { _ = try await store.size(of: "a/b") }
            #expect(error?.kind == .unavailable)
            #expect(error?.message.contains("127.0.0.1:1") == false, "\(error.map(String.init(describing:)) ?? "")")
            let put = await #expect(throws: MediaStoreError.self) {
                _ = try await store.put("a/b", contentType: "video/mp4", body: .bytes([1, 2, 3]))
            }
            #expect(put?.kind == .unavailable)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    @Test func keysAreCheckedLikeTheDirectoryStore() throws {
        for good in ["a", "t/job_1/video.mp4", "t a/vidéo.mp4"] { try S3MediaStore.check(good) }
        for bad in ["", "/a", "a//b", "a/./b", "a/../b", "a/.hidden", "a/", "a\u{0}b", "a\nb"] {
            #expect(throws: MediaStoreError.self, "\(bad)") { try S3MediaStore.check(bad) }
        }
    }

    @Test func partReaderCutsFullPartsAndALastShortOne() async throws {
        func parts(_ sizes: [Int], partSize: Int) async throws -> [Int] {
            let chunks = sizes.map { [UInt8](repeating: 1, count: $0) }
            var reader = PartReader(MediaByteStream.pulling(Self.feeder(chunks)).makeAsyncIterator(), partSize: partSize)
            var cut: [Int] = []
            repeat { cut.append(try await reader.nextPart().count) } while reader.hasMore
            return cut
        }
        #expect(try await parts([], partSize: 10) == [0])
        #expect(try await parts([3, 3], partSize: 10) == [6])
        #expect(try await parts([10], partSize: 10) == [10], "exactly one part is one PutObject")
        #expect(try await parts([5, 5, 1], partSize: 10) == [10, 1])
        #expect(try await parts([25], partSize: 10) == [10, 10, 5], "one big chunk is cut into parts")
        #expect(try await parts([7, 7, 7, 9], partSize: 10) == [10, 10, 10])
    }

    static func feeder(_ chunks: [[UInt8]]) -> @Sendable () async throws -> [UInt8]? {
        let queue = ChunkQueue(chunks)
        return { await queue.next() }
    }

    actor ChunkQueue {
        var chunks: [[UInt8]]
        init(_ chunks: [[UInt8]]) { self.chunks = chunks }
        func next() -> [UInt8]? { chunks.isEmpty ? nil : chunks.removeFirst() }
    }
}
