import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import SeedGateCore
import SeedGateEmulators
import SeedGateServer
import Testing

/// Durable results over loopback: a real Ark emulator handing out real MP4/PNG files that expire, a SeedGate server
/// archiving them into a directory, and the archived copies served with Range after the provider's links died.
@Suite(.timeLimit(.minutes(4))) struct ArchiveTests {
    let client = HTTPClient.shared

    /// A server over `emulator` archiving into a fresh directory, retrying quickly.
    func server(_ emulator: RunningEmulator, _ tune: (inout ArchiveConfiguration) -> Void = { _ in }) async throws -> (RunningServer, URL) {
        let database = temporaryDatabase()
        var configuration = RunningServer.configuration(emulator: emulator, database: database)
        configuration.archive.policy.baseBackoff = 0.2
        configuration.archive.settings.tick = .milliseconds(100)
        tune(&configuration.archive)
        let media = URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent("media")
        return (try await RunningServer.start(configuration), media)
    }

    func create(_ server: RunningServer, _ body: [String: Any]) async throws -> String {
        let created = try await client.json(.POST, server.baseURL + "/v1/jobs", body: body)
        #expect(created.status == 202, "\(created.text)")
        return try #require(created.body["id"] as? String)
    }

    func bytes(_ url: String, headers: [(String, String)] = []) async throws -> (status: Int, headers: HTTPHeaders, body: [UInt8]) {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 256 * 1024 * 1024)
        return (Int(response.status.code), response.headers, Array(body.readableBytesView))
    }

    static func sha256(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    func archiveState(_ job: [String: Any]) -> String? { job[path: "output.archive.state"] as? String }

    @Test func aSucceededJobIsArchivedAndStillServedAfterTheProvidersLinkExpired() async throws {
        let emulator = try await RunningEmulator.start(fileLifetime: .seconds(8))
        let receiver = try await WebhookReceiver.start()
        let (server, media) = try await server(emulator)
        let id = try await create(
            server,
            ["model": "seedance-1.5-pro", "prompt": "a fox", "ratio": "9:16", "return_last_frame": true, "callback_url": receiver.url])
        let job = try await client.waitForJob(server, id) { archiveState($0) == "archived" }
        #expect(job["status"] as? String == "succeeded")
        let providerURL = try #require(job[path: "output.provider_video_url"] as? String)
        #expect(providerURL.hasPrefix(emulator.baseURL))
        #expect(job[path: "output.video_url"] as? String == server.baseURL + "/v1/jobs/\(id)/content")
        // What the emulator produced for a 9:16 task (its link may already have expired on a loaded machine).
        let original = (status: 200, body: EmulatorMedia.file(.mp4, .portrait9x16).bytes)
        #expect(Array(original.body[4..<8]) == Array("ftyp".utf8), "the emulator hands out a real MP4")
        #expect(job[path: "output.archive.video.sha256"] as? String == Self.sha256(original.body))
        #expect(job[path: "output.archive.video.bytes"] as? Int == original.body.count)

        // The archived copy equals the provider's, whole and by range, and has a last frame.
        let archived = try await bytes(server.baseURL + "/v1/jobs/\(id)/content")
        #expect(archived.status == 200)
        #expect(archived.body == original.body)
        #expect(archived.headers.first(name: "content-type") == "video/mp4")
        #expect(archived.headers.first(name: "etag") == "\"\(Self.sha256(original.body))\"")
        let range = try await bytes(server.baseURL + "/v1/jobs/\(id)/content", headers: [("Range", "bytes=10-59")])
        #expect(range.status == 206)
        #expect(range.body == Array(original.body[10...59]))
        let frame = try await bytes(server.baseURL + "/v1/jobs/\(id)/content?variant=last_frame")
        #expect(frame.status == 200)
        #expect(frame.headers.first(name: "content-type") == "image/png")
        #expect(Array(frame.body.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        let files = try FileManager.default.subpathsOfDirectory(atPath: media.path).filter { $0.hasSuffix(".mp4") || $0.hasSuffix(".png") }
        #expect(files.count == 2, "the video and the last frame are in the media directory: \(files)")

        // The provider's link expires; SeedGate's copy does not. The emulator stops; still served.
        var linkStatus = 0
        let expiry = ContinuousClock.now + .seconds(20)
        while linkStatus != 403, ContinuousClock.now < expiry {
            linkStatus = try await bytes(providerURL).status
            if linkStatus != 403 { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(linkStatus == 403, "the emulator's link has expired")
        try await emulator.stop()
        #expect(try await bytes(server.baseURL + "/v1/jobs/\(id)/content").body == original.body)
        let openAI = try await bytes(server.baseURL + "/v1/videos/\(id)/content")
        #expect(openAI.status == 200)
        #expect(openAI.body == original.body, "the OpenAI facade's download_content serves the archived file")
        let ark = try await client.json(.GET, server.baseURL + "/api/v3/contents/generations/tasks/\(id)")
        #expect(ark.body[path: "content.video_url"] as? String == server.baseURL + "/v1/jobs/\(id)/content")

        // job.succeeded then job.archived reach the webhook; the archived one names SeedGate's URL and a signed link
        // that works without a key.
        var events: [[String: Any]] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            events = receiver.requests.compactMap { try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any] }
            if events.contains(where: { $0["type"] as? String == "job.archived" }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let types = events.compactMap { $0["type"] as? String }
        #expect(types.contains("job.succeeded") && types.contains("job.archived"), "\(types)")
        let event = try #require(events.first { $0["type"] as? String == "job.archived" })
        #expect(event[path: "data.output.video_url"] as? String == server.baseURL + "/v1/jobs/\(id)/content")
        let signed = try #require(event[path: "data.output.signed_video_url"] as? String)
        #expect(try await bytes(signed).body == original.body)

        let metrics = try await bytes(server.baseURL + "/metrics")
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(text.contains("seedgate_archive_bytes_total"))
        #expect(text.contains("seedgate_archive_attempts_total{outcome=\"archived\"}"))
        #expect(text.contains("seedgate_archive_lag_seconds_count"))
        try await server.stop()
        try await receiver.stop()
    }

    @Test func badDownloadsLeaveTheJobSucceededWithAVisibleArchiveErrorAndNothingStored() async throws {
        let emulator = try await RunningEmulator.start()
        let (server, media) = try await server(emulator) {
            $0.policy.maxAttempts = 2
            // A claim whose try never starts is taken again when its lease ends (the archiver's crash recovery). Under a
            // loaded CI run a retry's claim was seen lost this way; 5 s keeps that recovery inside the wait below.
            $0.policy.lease = 5
            $0.settings.stallTimeout = 1
            $0.settings.maxBytes = 1024 * 1024
        }
        let cases: [(marker: String, code: String)] = [
            ("html", "not_media"), ("truncate", "length_mismatch"), ("stall", "source_unreachable"), ("oversize", "too_large"),
            ("missing", "source_status"),
        ]
        var ids: [String: String] = [:]
        for fault in cases {
            ids[fault.marker] = try await create(server, ["model": "seedance-1.5-pro", "prompt": "fault [[file:\(fault.marker)]]"])
        }
        for fault in cases {
            let id = try #require(ids[fault.marker])
            let job = try await client.waitForJob(server, id, timeout: .seconds(40)) { archiveState($0) == "failed" }
            #expect(job["status"] as? String == "succeeded", "\(fault.marker): an archive failure never fails the job")
            #expect(job[path: "output.archive.error.code"] as? String == fault.code, "\(fault.marker): \(job[path: "output.archive"] ?? "-")")
            #expect(job[path: "output.video_url"] as? String == job[path: "output.provider_video_url"] as? String)
            let content = try await client.json(.GET, server.baseURL + "/v1/jobs/\(id)/content")
            #expect(content.status == 409)
            #expect(content.body["code"] as? String == "not_archived")
        }
        // oversize is refused by its declared length, so it is tried once; the others twice.
        #expect(
            try await client.json(.GET, server.baseURL + "/v1/jobs/\(try #require(ids["oversize"]))").body[path: "output.archive.attempts"] as? Int
                == 1)
        let stored = try FileManager.default.subpathsOfDirectory(atPath: media.path).filter { !$0.hasPrefix(".partial") && $0.contains(".") }
        #expect(stored.isEmpty, "nothing corrupt is kept: \(stored)")
        let partials = try FileManager.default.contentsOfDirectory(atPath: media.appendingPathComponent(".partial").path)
        #expect(partials.isEmpty, "aborted writes leave no temporary file: \(partials)")

        try await server.stop()
        try await emulator.stop()
    }

    @Test func aFlakyFileServerIsRetriedUntilTheArchiveSucceeds() async throws {
        let emulator = try await RunningEmulator.start()
        let (server, _) = try await server(emulator) { $0.policy.maxAttempts = 5 }
        let id = try await create(server, ["model": "seedance-1.5-pro", "prompt": "fault [[file:flaky]]"])
        let job = try await client.waitForJob(server, id, timeout: .seconds(30)) { archiveState($0) == "archived" }
        #expect(job[path: "output.archive.attempts"] as? Int == 3, "two 503s, then the file")
        #expect(job[path: "output.archive.error"] == nil, "a success clears the last error")
        #expect(try await bytes(server.baseURL + "/v1/jobs/\(id)/content").status == 200)
        try await server.stop()
        try await emulator.stop()
    }

    @Test func aFileURLAtALoopbackAddressIsRefusedWhenLoopbackIsNotAllowed() async throws {
        let emulator = try await RunningEmulator.start()
        let (server, _) = try await server(emulator) { $0.allowLoopback = false }
        let id = try await create(server, ["model": "seedance-1.5-pro", "prompt": "a loopback file"])
        let job = try await client.waitForJob(server, id) { archiveState($0) == "failed" }
        #expect(job[path: "output.archive.error.code"] as? String == "forbidden_destination")
        #expect(job[path: "output.archive.error.permanent"] as? Bool == true)
        #expect(job[path: "output.archive.attempts"] as? Int == 1, "a forbidden destination is not retried")
        try await server.stop()
        try await emulator.stop()
    }

    /// The same flow with S3-compatible storage: the moto server scripts/test.sh starts, which checks every signature.
    @Test func theSameFlowAgainstS3WithSignatureChecking() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let endpoint = environment["SEEDGATE_TEST_S3_ENDPOINT"], let bucket = environment["SEEDGATE_TEST_S3_BUCKET"],
            let keyID = environment["SEEDGATE_TEST_S3_ACCESS_KEY_ID"], let secret = environment["SEEDGATE_TEST_S3_SECRET_ACCESS_KEY"]
        else {
            // S3TestServerPresenceTests fails the run in CI when the server is missing.
            print("ArchiveTests: SEEDGATE_TEST_S3_ENDPOINT is not set; skipping the S3 flow")
            return
        }
        let emulator = try await RunningEmulator.start()
        var configuration = RunningServer.configuration(emulator: emulator, database: temporaryDatabase())
        configuration.archive.storeKind = .s3
        let prefix = "e2e-\(UUID().uuidString)/"
        configuration.archive.s3 = .init(
            endpoint: endpoint, region: environment["SEEDGATE_TEST_S3_REGION"] ?? "us-east-1", bucket: bucket, prefix: prefix,
            partSizeBytes: 5 * 1024 * 1024)
        configuration.archive.policy.baseBackoff = 0.2
        configuration.archive.settings.maxBytes = 128 * 1024 * 1024
        let server = try await RunningServer.start(
            configuration,
            environment: [
                "VOLCENGINE_ARK_API_KEY": "emulator-key", "SEEDGATE_WEBHOOK_SECRET": RunningServer.webhookSecret,
                "AWS_ACCESS_KEY_ID": keyID, "AWS_SECRET_ACCESS_KEY": secret,
            ])
        let id = try await create(server, ["model": "seedance-1.5-pro", "prompt": "to S3", "ratio": "1:1", "return_last_frame": true])
        let job = try await client.waitForJob(server, id) { archiveState($0) == "archived" }
        #expect(job[path: "output.archive.store"] as? String == "s3")
        let original = (status: 200, body: EmulatorMedia.file(.mp4, .square1x1).bytes)
        let archived = try await bytes(server.baseURL + "/v1/jobs/\(id)/content")
        #expect(archived.status == 200)
        #expect(archived.body == original.body)
        let range = try await bytes(server.baseURL + "/v1/jobs/\(id)/content", headers: [("Range", "bytes=100-199")])
        #expect(range.status == 206)
        #expect(range.body == Array(original.body[100...199]))
        let frame = try await bytes(server.baseURL + "/v1/jobs/\(id)/content?variant=last_frame")
        #expect(frame.headers.first(name: "content-type") == "image/png")

        // A 64 MiB file goes up as a multipart upload and comes back whole.
        let large = try await create(server, ["model": "seedance-1.5-pro", "prompt": "big [[file:oversize]]"])
        let big = try await client.waitForJob(server, large, timeout: .seconds(60)) { archiveState($0) == "archived" }
        let size = try #require(big[path: "output.archive.video.bytes"] as? Int)
        #expect(size > 5 * 1024 * 1024)
        let tail = try await bytes(server.baseURL + "/v1/jobs/\(large)/content", headers: [("Range", "bytes=-32")])
        #expect(tail.status == 206)
        #expect(tail.headers.first(name: "content-range") == "bytes \(size - 32)-\(size - 1)/\(size)")

        // Deleting removes the objects: reads answer 410.
        let deleted = try await client.json(.DELETE, server.baseURL + "/v1/jobs/\(id)/content")
        #expect(deleted.status == 200)
        #expect(try await client.json(.GET, server.baseURL + "/v1/jobs/\(id)/content").status == 410)
        try await server.stop()
        try await emulator.stop()
    }
}
