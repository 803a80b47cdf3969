import AsyncHTTPClient
import Foundation
import Testing

/// `kill -9` a `seedgate serve` process while it is archiving a large file, start it again on the same SQLite file
/// and media directory: the archive resumes once the dead process's claim has expired, and the stored file is whole.
@Suite(.timeLimit(.minutes(3))) struct ArchiveRestartTests {
    @Test func aServerKilledMidArchiveResumesTheArchiveAfterRestart() async throws {
        let client = HTTPClient.shared
        let emulator = try await RunningEmulator.start()
        defer { Task { try? await emulator.stop() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-archive-restart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let media = directory.appendingPathComponent("media")
        let config = directory.appendingPathComponent("seedgate.yaml")
        // 64 MiB at 16 MiB/s: a four-second download, long enough to kill the server in the middle of it.
        try """
        store: {kind: sqlite, path: "\(directory.appendingPathComponent("jobs.sqlite").path)"}
        catalog_dir: "\(repositoryRoot.appendingPathComponent("Providers").path)"
        providers:
          volcengine-ark: {base_url: "\(emulator.baseURL)", timeout_seconds: 5}
        archive: {directory: "\(media.path)", max_bytes: 134217728, bandwidth_bytes_per_second: 16777216, lease_seconds: 2,
                  retry_base_seconds: 0.5}
        log: {level: warning}
        """.write(to: config, atomically: true, encoding: .utf8)
        let environment = ["VOLCENGINE_ARK_API_KEY": "emulator-key", "SEEDGATE_WEBHOOK_SECRET": RunningServer.webhookSecret]
        let first = try ServerProcess(configFile: config.path, environment: environment, name: "archive-before")
        try await first.waitUntilReady()
        let created = try await client.json(
            .POST, first.baseURL + "/v1/jobs", body: ["model": "seedance-1.5-pro", "prompt": "a long take [[file:oversize]]"])
        let id = try #require(created.body["id"] as? String)
        var job: [String: Any] = [:]
        let deadline = ContinuousClock.now + .seconds(30)
        while job["status"] as? String != "succeeded", ContinuousClock.now < deadline {
            job = try await client.json(.GET, first.baseURL + "/v1/jobs/\(id)").body
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(job[path: "output.archive.state"] as? String == "pending")
        try await Task.sleep(for: .seconds(1.5))
        first.kill()
        let partials = try FileManager.default.contentsOfDirectory(atPath: media.appendingPathComponent(".partial").path)
        #expect(!partials.isEmpty, "the killed process was mid-write")

        let second = try ServerProcess(configFile: config.path, environment: environment, name: "archive-after")
        defer { second.terminate() }
        try await second.waitUntilReady()
        let fresh = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { Task { try? await fresh.shutdown() } }
        var archived: [String: Any] = [:]
        let resumeDeadline = ContinuousClock.now + .seconds(60)
        while archived[path: "output.archive.state"] as? String != "archived", ContinuousClock.now < resumeDeadline {
            archived = try await fresh.json(.GET, second.baseURL + "/v1/jobs/\(id)").body
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(archived[path: "output.archive.state"] as? String == "archived", "\(second.logTail())")
        let providerURL = try #require(archived[path: "output.provider_video_url"] as? String)
        var head = HTTPClientRequest(url: providerURL)
        head.method = .HEAD
        let length = try await fresh.execute(head, timeout: .seconds(10)).headers.first(name: "content-length").flatMap { Int($0) }
        #expect(archived[path: "output.archive.video.bytes"] as? Int == length, "the whole file, not the part the dead process wrote")
        var range = HTTPClientRequest(url: second.baseURL + "/v1/jobs/\(id)/content")
        range.headers.add(name: "Range", value: "bytes=-16")
        let tail = try await fresh.execute(range, timeout: .seconds(10))
        #expect(tail.status.code == 206)
        #expect(tail.headers.first(name: "content-range") == "bytes \((length ?? 0) - 16)-\((length ?? 0) - 1)/\(length ?? 0)")
    }
}
