import AsyncHTTPClient
import Foundation
import SeedGateCore
import Testing

/// Provider faults injected through the emulators' `/emulator/faults` control, over real HTTP: SeedGate fails over
/// or retries before a provider accepted a task, never creates a task twice, and keeps every job moving.
@Suite(.timeLimit(.minutes(3))) struct FaultInjectionTests {
    let client = HTTPClient.shared
    let body: [String: Any] = ["model": "seedance-1.5-pro", "prompt": "a harbour at night"]

    func inject(_ faults: [String: Any], into emulator: RunningEmulator) async throws {
        let answer = try await client.json(.POST, emulator.baseURL + "/emulator/faults", body: faults)
        try #require(answer.status == 200, "\(answer.text)")
    }

    /// A server whose route is Ark then BytePlus, each its own emulator.
    func failoverServer(_ ark: RunningEmulator, _ byteplus: RunningEmulator) async throws -> RunningServer {
        var configuration = RunningServer.configuration(emulator: ark, database: temporaryDatabase())
        configuration.providers?.append(
            .init(id: "byteplus-modelark", baseURL: byteplus.baseURL, credentialVariables: ["api_key": "VOLCENGINE_ARK_API_KEY"], timeoutSeconds: 5))
        configuration.routing.routes = ["seedance-1.5-pro": [.init(provider: "volcengine-ark"), .init(provider: "byteplus-modelark")]]
        return try await RunningServer.start(configuration)
    }

    @Test(arguments: ["create_rate_limited", "create_server_error"])
    func a429Or5xxBeforeAcceptanceFailsOverToTheNextProvider(_ fault: String) async throws {
        let ark = try await RunningEmulator.start()
        let byteplus = try await RunningEmulator.start(models: .byteplus)
        let server = try await failoverServer(ark, byteplus)
        try await inject([fault: 5], into: ark)
        let id = try #require(try await client.json(.POST, server.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        let job = try await client.waitForJob(server, id, until: isTerminal)
        #expect(job["status"] as? String == "succeeded")
        #expect(job["provider"] as? String == "byteplus-modelark")
        let attempts = try #require(job["attempts"] as? [[String: Any]])
        #expect(attempts.compactMap { $0["outcome"] as? String } == ["retryable", "accepted"])
        #expect(attempts.first?["provider"] as? String == "volcengine-ark")
        #expect((attempts.first?["error"] as? [String: Any])?["code"] as? String == "provider_unavailable")
        #expect(try await ark.stats(client)["creates"] as? Int == 0)
        #expect(try await byteplus.stats(client)["creates"] as? Int == 1)
        try await server.stop()
        try await ark.stop()
        try await byteplus.stop()
    }

    @Test func aBurstOf429sOnTheOnlyProviderIsRetriedWithBackoffAndCreatesOnce() async throws {
        let emulator = try await RunningEmulator.start()
        let server = try await RunningServer.start(RunningServer.configuration(emulator: emulator, database: temporaryDatabase()))
        try await inject(["create_rate_limited": 2], into: emulator)
        let id = try #require(try await client.json(.POST, server.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        let job = try await client.waitForJob(server, id, timeout: .seconds(60), until: isTerminal)
        #expect(job["status"] as? String == "succeeded")
        #expect((job["attempts"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String } == ["retryable", "retryable", "accepted"])
        let stats = try await emulator.stats(client)
        #expect(stats["create_attempts"] as? Int == 3)
        #expect(stats["creates"] as? Int == 1)
        try await server.stop()
        try await emulator.stop()
    }

    static let lostAnswers: [[String: Int]] = [["create_delay_ms": 4_000, "create_delay_count": 1], ["create_drop": 1]]

    /// Ark with a 1 s timeout, then BytePlus, for 1.5 pro; `window` is how long a lost create waits for a callback.
    func arkThenBytePlus(window: Double) async throws -> (RunningServer, RunningEmulator, RunningEmulator) {
        let ark = try await RunningEmulator.start()
        let byteplus = try await RunningEmulator.start(models: .byteplus)
        var configuration = RunningServer.configuration(emulator: ark, database: temporaryDatabase())
        configuration.providers?[0].timeoutSeconds = 1
        configuration.providers?.append(
            .init(id: "byteplus-modelark", baseURL: byteplus.baseURL, credentialVariables: ["api_key": "VOLCENGINE_ARK_API_KEY"], timeoutSeconds: 5))
        configuration.routing.routes = ["seedance-1.5-pro": [.init(provider: "volcengine-ark"), .init(provider: "byteplus-modelark")]]
        configuration.unconfirmedWindowSeconds = window
        return (try await RunningServer.start(configuration), ark, byteplus)
    }

    /// With no callback window, a lost create answer ends the job at once: neither resubmitted nor failed over.
    @Test(arguments: lostAnswers)
    func aCreateWhoseAnswerIsLostIsNeverSentTwice(_ fault: [String: Int]) async throws {
        let (server, ark, byteplus) = try await arkThenBytePlus(window: 0)
        try await inject(fault, into: ark)
        let id = try #require(try await client.json(.POST, server.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        let job = try await client.waitForJob(server, id, until: isTerminal)
        // The provider may have made the task: SeedGate neither resubmits nor fails over (no second paid task).
        #expect(job["status"] as? String == "failed")
        #expect(job[path: "error.code"] as? String == "submit_outcome_unknown")
        #expect((job["attempts"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String } == ["unknown"])
        try await Task.sleep(for: .seconds(4))
        #expect(try await ark.stats(client)["creates"] as? Int == 1, "the task the provider made")
        #expect(try await byteplus.stats(client)["creates"] as? Int == 0, "and no second one elsewhere")
        try await server.stop()
        try await ark.stop()
        try await byteplus.stop()
    }

    /// With the callback window (the default), the task Ark made names itself on the job's callback URL: the job
    /// adopts it and succeeds, with one paid task and nothing sent elsewhere.
    @Test(arguments: lostAnswers)
    func aCreateWhoseAnswerIsLostAdoptsTheTaskItsCallbackNames(_ fault: [String: Int]) async throws {
        let (server, ark, byteplus) = try await arkThenBytePlus(window: 60)
        try await inject(fault, into: ark)
        let id = try #require(try await client.json(.POST, server.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        let job = try await client.waitForJob(server, id, until: isTerminal)
        #expect(job["status"] as? String == "succeeded", "\(job)")
        #expect((job["attempts"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String } == ["unknown", "accepted"])
        #expect(job[path: "upstream.task_id"] != nil)
        #expect(try await ark.stats(client)["creates"] as? Int == 1, "one paid task, now tracked")
        #expect(try await byteplus.stats(client)["create_attempts"] as? Int == 0, "never sent to a second provider")
        try await server.stop()
        try await ark.stop()
        try await byteplus.stop()
    }

    @Test func malformedAndFailingStatusReadsAreRetriedAndUnknownStatusesNeverEndAJob() async throws {
        let emulator = try await RunningEmulator.start(queueSeconds: 1, runSeconds: 4)
        let server = try await RunningServer.start(RunningServer.configuration(emulator: emulator, database: temporaryDatabase()))
        try await inject(["read_malformed": 2, "read_server_error": 2, "status_override": "paused", "status_override_count": 3], into: emulator)
        let id = try #require(try await client.json(.POST, server.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        var sawPaused = false
        let job = try await client.waitForJob(server, id, timeout: .seconds(90)) { job in
            if job[path: "upstream.status"] as? String == "paused" {
                sawPaused = true
                #expect(!isTerminal(job), "an unrecognised status never ends a job")
            }
            return isTerminal(job)
        }
        #expect(job["status"] as? String == "succeeded")
        let metrics = try await client.json(.GET, server.baseURL + "/metrics").text
        #expect(
            metrics.contains(#"seedgate_upstream_unrecognised_status_total{provider="volcengine-ark",status="paused"}"#),
            "the unknown word was counted")
        #expect(metrics.contains(#"operation="fetch",outcome="malformedResponse""#))
        #expect(metrics.contains(#"operation="fetch",outcome="unavailable""#))
        _ = sawPaused // seen or not depends on timing; the counter above is the deterministic check
        #expect(try await emulator.stats(client)["creates"] as? Int == 1)
        try await server.stop()
        try await emulator.stop()
    }

    @Test(arguments: ["drop_callbacks", "duplicate_callbacks"])
    func lostOrDuplicatedProviderCallbacksChangeNothing(_ fault: String) async throws {
        let emulator = try await RunningEmulator.start(queueSeconds: 0.3, runSeconds: 0.6)
        let receiver = try await WebhookReceiver.start()
        let server = try await RunningServer.start(RunningServer.configuration(emulator: emulator, database: temporaryDatabase()))
        try await inject([fault: true], into: emulator)
        var request = body
        request["callback_url"] = receiver.url
        let id = try #require(try await client.json(.POST, server.baseURL + "/v1/jobs", body: request).body["id"] as? String)
        let job = try await client.waitForJob(server, id) { job in
            let deliveries = job["webhooks"] as? [[String: Any]] ?? []
            return isTerminal(job) && !deliveries.isEmpty && deliveries.allSatisfy { $0["status"] as? String == "delivered" }
        }
        #expect(job["status"] as? String == "succeeded")
        let types = (job["webhooks"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
        #expect(Set(types).count == types.count, "one delivery per status change, whatever the provider's callbacks did")
        #expect(types.filter { $0.hasPrefix("job.") && $0 != "job.archived" }.last == "job.succeeded", "\(types)")
        try await server.stop()
        try await receiver.stop()
        try await emulator.stop()
    }
}
