import AsyncHTTPClient
import Foundation
import SeedGateEmulators
import SeedGateServer
import ServiceLifecycle
import Testing

/// AceData echoes the whole original request, data: URL images included, in every task record [DOCS-TASKS]
/// (acedata.md, Tasks: `request` = original request body), so a job with a large inline image makes every status
/// answer about it larger than the image (issue 9, defect 2). Such a job must still be read and end with its video,
/// and the other jobs of the same status batch must not be stalled by it.
///
/// The image: 9 MiB of PNG as a data: URL (about 12 MiB of base64), inside SeedGate's 15 MiB data-URL limit
/// (`RequestLimits.dataURLBytes`). AceData documents no image limit of its own for 1.x (acedata.md, Limits); the
/// model is Ark's, whose limit is 30 MB per image (volcengine-ark.md, Limits).
@Suite(.timeLimit(.minutes(3))) struct AceDataLargeAnswerTests {
    static func pngDataURL(bytes: Int) -> String {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.append(Data(repeating: 0x2A, count: bytes - png.count))
        return "data:image/png;base64," + png.base64EncodedString()
    }

    @Test func aJobWithANineMebibyteInlineImageSucceedsAndDoesNotStallItsBatch() async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let configuration = EmulatorConfiguration(queueSeconds: 0.3, runSeconds: 0.6, logLevel: .warning)
        let emulator = AceDataEmulator(configuration: configuration)
        let group = ServiceGroup(
            configuration: .init(services: [emulator.makeApplication(onServerRunning: { continuation.yield($0) })], logger: quietLogger))
        let emulatorTask = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        defer { emulatorTask.cancel() }

        var server = ServerConfiguration()
        server.port = 0
        server.sqlitePath = temporaryDatabase()
        server.catalogDirectory = repositoryRoot.appendingPathComponent("Providers").path
        server.maxBodyBytes = 64 * 1024 * 1024
        server.providers = [.init(id: "acedata", baseURL: "http://127.0.0.1:\(port)", timeoutSeconds: 20)]
        let running = try await RunningServer.start(
            server, environment: ["ACEDATA_API_KEY": configuration.apiKey, "SEEDGATE_WEBHOOK_SECRET": RunningServer.webhookSecret])
        let client = HTTPClient.shared

        do {
            let large = try await client.json(
                .POST, running.baseURL + "/v1/jobs",
                body: [
                    "model": "seedance-1.0-pro", "prompt": "the picture comes alive",
                    "images": [["url": Self.pngDataURL(bytes: 9 * 1024 * 1024), "role": "first_frame"]],
                ], timeout: .seconds(60))
            let largeID = try #require(large.body["id"] as? String, "\(large.text)")
            var smallIDs: [String] = []
            for index in 0..<3 {
                let small = try await client.json(
                    .POST, running.baseURL + "/v1/jobs", body: ["model": "seedance-1.0-pro", "prompt": "a small job \(index)"])
                smallIDs.append(try #require(small.body["id"] as? String, "\(small.text)"))
            }

            for id in smallIDs {
                let job = try await client.waitForJob(running, id, timeout: .seconds(60), until: isTerminal)
                #expect(job["status"] as? String == "succeeded", "a small job of the same batch: \(job)")
            }
            let job = try await client.waitForJob(running, largeID, timeout: .seconds(60), until: isTerminal)
            #expect(job["status"] as? String == "succeeded", "\(job["error"] ?? job)")
            #expect((job[path: "output.provider_video_url"] as? String)?.hasPrefix("http://127.0.0.1:\(port)/") == true)
            // Every status answer about the large job is larger than 8 MiB: the record echoes the request.
            let record = try await client.json(
                .POST, "http://127.0.0.1:\(port)/seedance/tasks", body: ["action": "retrieve_batch", "limit": 10],
                headers: [("authorization", "Bearer \(configuration.apiKey)")], timeout: .seconds(60))
            #expect(record.text.utf8.count > 8 * 1024 * 1024, "the batch answer echoes the 9 MiB image")

            try await running.stop()
        } catch {
            try? await running.stop()
            throw error
        }
        await group.triggerGracefulShutdown()
        _ = await emulatorTask.result
    }
}
