import AsyncHTTPClient
import Foundation
import Testing

/// The whole path over real loopback HTTP: client → SeedGate → Ark emulator → SQLite, and back.
@Suite(.timeLimit(.minutes(2))) struct JobLifecycleTests {
    let body: [String: Any] = ["model": "seedance-1.5-pro", "prompt": "a kitten yawns at the camera", "duration": 5, "ratio": "16:9"]

    @Test func textToVideoReachesSucceededWithTheEmulatorsVideo() async throws {
        let emulator = try await RunningEmulator.start()
        let server = try await RunningServer.start(RunningServer.configuration(emulator: emulator, database: temporaryDatabase()))
        let client = HTTPClient.shared
        let created = try await client.json(.POST, server.baseURL + "/v1/jobs", body: body)
        #expect(created.status == 202)
        #expect(created.body["status"] as? String == "queued")
        let id = try #require(created.body["id"] as? String)
        #expect(id.hasPrefix("job_"))

        let job = try await client.waitForJob(server, id, until: isTerminal)
        #expect(job["status"] as? String == "succeeded")
        #expect(job["provider"] as? String == "volcengine-ark")
        let video = try #require(job[path: "output.provider_video_url"] as? String)
        #expect(video.hasPrefix(emulator.baseURL))
        #expect((job[path: "upstream.task_id"] as? String)?.hasPrefix("cgt-") == true)
        #expect(job[path: "upstream.status"] as? String == "succeeded")
        #expect(job[path: "output.duration"] as? Int == 5)
        #expect(job[path: "usage.total_tokens"] != nil)
        #expect(job["started_at"] != nil && job["finished_at"] != nil)
        #expect(job[path: "request.generate_audio"] as? Bool == true)
        let download = try await client.execute(HTTPClientRequest(url: video), timeout: .seconds(5))
        #expect(download.status == .ok)

        let stats = try await emulator.stats(client)
        #expect(stats["creates"] as? Int == 1)
        try await server.stop()
        try await emulator.stop()
    }

    @Test func moderatedOutputFailsWithNormalisedAndProviderCodes() async throws {
        let emulator = try await RunningEmulator.start()
        let server = try await RunningServer.start(RunningServer.configuration(emulator: emulator, database: temporaryDatabase()))
        let client = HTTPClient.shared
        var moderated = body
        moderated["prompt"] = "something the moderator dislikes [[fail:moderation]]"
        let id = try #require(try await client.json(.POST, server.baseURL + "/v1/jobs", body: moderated).body["id"] as? String)
        let job = try await client.waitForJob(server, id, until: isTerminal)
        #expect(job["status"] as? String == "failed")
        #expect(job[path: "error.code"] as? String == "content_moderated")
        #expect(job[path: "error.provider_code"] as? String == "OutputVideoSensitiveContentDetected")
        #expect(job["output"] == nil)
        try await server.stop()
        try await emulator.stop()
    }

    @Test func cancellingAQueuedJobCancelsItUpstreamAndARunningOneIsAConflict() async throws {
        let emulator = try await RunningEmulator.start(queueSeconds: 60, runSeconds: 60)
        let server = try await RunningServer.start(RunningServer.configuration(emulator: emulator, database: temporaryDatabase()))
        let client = HTTPClient.shared
        let id = try #require(try await client.json(.POST, server.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        let accepted = try await client.waitForJob(server, id) { $0[path: "upstream.task_id"] != nil }
        let taskID = try #require(accepted[path: "upstream.task_id"] as? String)

        let cancelled = try await client.json(.POST, server.baseURL + "/v1/jobs/\(id)/cancel")
        #expect(cancelled.status == 200)
        #expect(cancelled.body["status"] as? String == "cancelled")
        let upstream = try await client.json(
            .GET, emulator.baseURL + "/api/v3/contents/generations/tasks/\(taskID)", headers: [("Authorization", "Bearer emulator-key")])
        #expect(upstream.body["status"] as? String == "cancelled")
        let again = try await client.json(.POST, server.baseURL + "/v1/jobs/\(id)/cancel")
        #expect(again.status == 409)
        #expect(again.headers.first(name: "content-type") == "application/problem+json")
        try await server.stop()
        try await emulator.stop()

        // A running task: Ark refuses to cancel it, and SeedGate says why.
        let busy = try await RunningEmulator.start(queueSeconds: 0, runSeconds: 60)
        let server2 = try await RunningServer.start(RunningServer.configuration(emulator: busy, database: temporaryDatabase()))
        let client2 = HTTPClient.shared
        let id2 = try #require(try await client2.json(.POST, server2.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        _ = try await client2.waitForJob(server2, id2) { $0["status"] as? String == "running" }
        let refused = try await client2.json(.POST, server2.baseURL + "/v1/jobs/\(id2)/cancel")
        #expect(refused.status == 409)
        #expect((refused.body["detail"] as? String)?.contains("queued") == true)
        try await server2.stop()
        try await busy.stop()
    }

    @Test func aJobSurvivesAServerRestartAndIsCreatedUpstreamOnce() async throws {
        let emulator = try await RunningEmulator.start(queueSeconds: 1, runSeconds: 2)
        let database = temporaryDatabase()
        let configuration = RunningServer.configuration(emulator: emulator, database: database)
        let client = HTTPClient.shared

        let first = try await RunningServer.start(configuration)
        let id = try #require(try await client.json(.POST, first.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        _ = try await client.waitForJob(first, id) { $0[path: "upstream.task_id"] != nil }
        try await first.stop()

        let second = try await RunningServer.start(configuration)
        let job = try await client.waitForJob(second, id, until: isTerminal)
        #expect(job["status"] as? String == "succeeded")
        let stats = try await emulator.stats(client)
        #expect(stats["creates"] as? Int == 1)
        try await second.stop()
        try await emulator.stop()
    }

    @Test func aTaskTheProviderNoLongerKnowsFailsTheJob() async throws {
        let emulator = try await RunningEmulator.start(queueSeconds: 60, runSeconds: 60)
        let server = try await RunningServer.start(RunningServer.configuration(emulator: emulator, database: temporaryDatabase()))
        let client = HTTPClient.shared
        let id = try #require(try await client.json(.POST, server.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        _ = try await client.waitForJob(server, id) { $0[path: "upstream.task_id"] != nil }
        // A fresh emulator on the same port knows nothing of the task: the provider "lost" it.
        try await emulator.stop()
        let amnesiac = try await RunningEmulator.start(queueSeconds: 60, runSeconds: 60, port: emulator.port)
        let job = try await client.waitForJob(server, id, timeout: .seconds(60), until: isTerminal)
        #expect(job["status"] as? String == "failed")
        #expect(job[path: "error.code"] as? String == "upstream_task_not_found")
        try await server.stop()
        try await amnesiac.stop()
    }
}
