import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SeedGateCore
import SeedGateHTTP
import SeedGateRuntime
import SeedGateServer
import SeedGateTesting
import Testing

/// `/v1/jobs/{id}/content` in-process: an archived job is put in the store and its file in a directory media store,
/// then read back whole, by range, conditionally, by HEAD, with a signed link, and deleted.
@Suite("Job content routes (in-process)")
struct JobContentRoutesTests {
    let gateway = TestGateway()
    let bytes: [UInt8] = (0..<5000).map { UInt8($0 % 251) }
    static let aliceKey = "sk-alice-0123456789"
    static let bobKey = "sk-bob-0123456789"

    /// An application over the gateway with a media store in a temporary directory, two tenants' clients, and one
    /// archived job of tenant team-a (plus a pending one).
    func withArchivedJob(
        _ body: @Sendable (any TestClientProtocol, Job, Job) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-content-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let media = try DirectoryMediaStore(root: directory)
        let key = "team-a/job/video.mp4"
        _ = try await media.put(key, contentType: "video/mp4", body: .bytes(bytes))
        let sha = Self.sha256(bytes)
        let now = gateway.clock.now()
        var job = Job(
            id: JobID.generate(at: now), tenant: "team-a", spec: JobSpec(model: "seedance-1.5-pro", prompt: "x"), route: ["volcengine-ark"],
            metadata: [:], callbackURL: nil, idempotencyKey: nil, createdAt: now)
        job.status = .succeeded
        job.finishedAt = now
        var archive = ArchiveState(phase: .archived, attempts: 1)
        archive.video = ArchivedFile(key: key, bytes: Int64(bytes.count), sha256: sha, contentType: "video/mp4")
        archive.store = "directory"
        archive.archivedAt = now
        job.output = JobOutput(videoURL: "/v1/jobs/\(job.id)/content")
        job.output?.providerVideoURL = "https://cdn.example.invalid/v.mp4"
        job.output?.archive = archive
        let stored = try await gateway.store.insert(job, events: [])
        var pending = Job(
            id: JobID.generate(at: now.addingTimeInterval(1)), tenant: "team-a", spec: JobSpec(model: "seedance-1.5-pro", prompt: "y"),
            route: ["volcengine-ark"], metadata: [:], callbackURL: nil, idempotencyKey: nil, createdAt: now)
        pending.status = .succeeded
        pending.output = JobOutput(videoURL: "https://cdn.example.invalid/w.mp4")
        pending.output?.archive = ArchiveState(phase: .pending, attempts: 2, nextAttemptAt: now.addingTimeInterval(3600))
        let storedPending = try await gateway.store.insert(pending, events: [])

        var configuration = gateway.configuration
        configuration.clients = [
            .init(name: "alice", tenant: "team-a", keySHA256: APIKeys.digest(Self.aliceKey)),
            .init(name: "bob", tenant: "team-b", keySHA256: APIKeys.digest(Self.bobKey)),
        ]
        let dependencies = SeedGateDependencies(store: gateway.store, providers: gateway.providers, now: gateway.clock.now, media: media)
        let app = try buildApplication(
            configuration, dependencies: dependencies,
            environment: ["SEEDGATE_WEBHOOK_SECRET": TestGateway.webhookSecret, "SEEDGATE_MEDIA_LINK_SECRET": "a-test-link-secret-of-32-bytes!!"],
            logger: TestGateway.logger)
        try await app.test(.router) { client in try await body(client, stored, storedPending) }
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    static let alice: HTTPFields = [.authorization: "Bearer \(aliceKey)"]
    static let bob: HTTPFields = [.authorization: "Bearer \(bobKey)"]

    @Test("the whole file: 200 with length, type, ETag and Accept-Ranges; If-None-Match gives 304; HEAD has no body")
    func whole() async throws {
        try await withArchivedJob { client, job, _ in
            let response = try await client.execute(uri: "/v1/jobs/\(job.id)/content", method: .get, headers: Self.alice)
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView) == bytes)
            #expect(response.headers[.contentLength] == "5000")
            #expect(response.headers[.contentType] == "video/mp4")
            #expect(response.headers[.acceptRanges] == "bytes")
            let etag = try #require(response.headers[.eTag])
            #expect(etag == "\"\(Self.sha256(bytes))\"")
            var conditional = Self.alice
            conditional[.ifNoneMatch] = etag
            let notModified = try await client.execute(uri: "/v1/jobs/\(job.id)/content", method: .get, headers: conditional)
            #expect(notModified.status == .notModified)
            #expect(notModified.body.readableBytes == 0)
            let head = try await client.execute(uri: "/v1/jobs/\(job.id)/content", method: .head, headers: Self.alice)
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == "5000")
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test("Range: 206 with the exact bytes and Content-Range for a-b, a- and -n; 416 past the end; a bad range is ignored")
    func ranges() async throws {
        try await withArchivedJob { client, job, _ in
            func get(_ range: String) async throws -> TestResponse {
                var headers = Self.alice
                headers[.range] = range
                return try await client.execute(uri: "/v1/jobs/\(job.id)/content", method: .get, headers: headers)
            }
            let first = try await get("bytes=0-99")
            #expect(first.status == .partialContent)
            #expect(Array(first.body.readableBytesView) == Array(bytes[0...99]))
            #expect(first.headers[.contentRange] == "bytes 0-99/5000")
            #expect(first.headers[.contentLength] == "100")
            let tail = try await get("bytes=4990-")
            #expect(Array(tail.body.readableBytesView) == Array(bytes[4990...]))
            #expect(tail.headers[.contentRange] == "bytes 4990-4999/5000")
            let suffix = try await get("bytes=-1")
            #expect(Array(suffix.body.readableBytesView) == [bytes[4999]])
            let clipped = try await get("bytes=4000-999999")
            #expect(clipped.headers[.contentRange] == "bytes 4000-4999/5000")
            let beyond = try await get("bytes=5000-")
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(beyond.headers[.contentRange] == "bytes */5000")
            let nonsense = try await get("bytes=9-3")
            #expect(nonsense.status == .ok)
        }
    }

    @Test("tenants see only their own; no key is a 401; a pending archive is 409 not_archived; a bad variant is a 400")
    func access() async throws {
        try await withArchivedJob { client, job, pending in
            let other = try await client.execute(uri: "/v1/jobs/\(job.id)/content", method: .get, headers: Self.bob)
            #expect(other.status == .notFound)
            let anonymous = try await client.execute(uri: "/v1/jobs/\(job.id)/content", method: .get)
            #expect(anonymous.status == .unauthorized)
            let waiting = try await client.execute(uri: "/v1/jobs/\(pending.id)/content", method: .get, headers: Self.alice)
            #expect(waiting.status == .conflict)
            #expect(String(buffer: waiting.body).contains("not_archived"))
            let frame = try await client.execute(uri: "/v1/jobs/\(job.id)/content?variant=last_frame", method: .get, headers: Self.alice)
            #expect(frame.status == .notFound, "the job has no last frame")
            let bad = try await client.execute(uri: "/v1/jobs/\(job.id)/content?variant=poster", method: .get, headers: Self.alice)
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("\"field\":\"variant\""))
        }
    }

    @Test("the job shows a signed link that works without a key; a tampered or expired one is a 403")
    func signedLinks() async throws {
        try await withArchivedJob { client, job, _ in
            let read = try await client.execute(uri: "/v1/jobs/\(job.id)", method: .get, headers: Self.alice)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: read.body)) as? [String: Any])
            let output = try #require(object["output"] as? [String: Any])
            #expect(output["provider_video_url"] as? String == "https://cdn.example.invalid/v.mp4")
            #expect((output["archive"] as? [String: Any])?["state"] as? String == "archived")
            let signed = try #require(output["signed_video_url"] as? String)
            let start = try #require(signed.range(of: "/v1/")).lowerBound
            let path = String(signed[start...])
            let viaLink = try await client.execute(uri: path, method: .get)
            #expect(viaLink.status == .ok)
            #expect(Array(viaLink.body.readableBytesView) == bytes)
            let tampered = try await client.execute(uri: path.replacingOccurrences(of: "expires=", with: "expires=1"), method: .get)
            #expect(tampered.status == .forbidden)
            let otherJob = try await client.execute(
                uri: path.replacingOccurrences(of: job.id.rawValue, with: JobID.generate().rawValue), method: .get)
            #expect(otherJob.status == .forbidden, "a link signs one job")
            gateway.clock.advance(by: 25 * 3600)
            let expired = try await client.execute(uri: path, method: .get)
            #expect(expired.status == .forbidden)
        }
    }

    @Test("DELETE removes the file and later reads answer 410 gone; the job points back at the provider's URL")
    func delete() async throws {
        try await withArchivedJob { client, job, _ in
            let other = try await client.execute(uri: "/v1/jobs/\(job.id)/content", method: .delete, headers: Self.bob)
            #expect(other.status == .notFound)
            let deleted = try await client.execute(uri: "/v1/jobs/\(job.id)/content", method: .delete, headers: Self.alice)
            #expect(deleted.status == .ok)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: deleted.body)) as? [String: Any])
            let output = try #require(object["output"] as? [String: Any])
            #expect((output["archive"] as? [String: Any])?["state"] as? String == "deleted")
            #expect(output["video_url"] as? String == "https://cdn.example.invalid/v.mp4")
            let gone = try await client.execute(uri: "/v1/jobs/\(job.id)/content", method: .get, headers: Self.alice)
            #expect(gone.status == .gone)
            #expect(String(buffer: gone.body).contains("\"code\":\"gone\""))
            let again = try await client.execute(uri: "/v1/jobs/\(job.id)/content", method: .delete, headers: Self.alice)
            #expect(again.status == .gone)
        }
    }
}
