import AsyncHTTPClient
import Foundation
import Testing

/// The create circuit over real HTTP: failing creates open it, jobs created meanwhile wait in SeedGate without an
/// attempt, and one trial after the cool-down closes it again, with no poll needed.
@Suite(.timeLimit(.minutes(2))) struct CircuitBreakerFaultTests {
    let client = HTTPClient.shared
    let body: [String: Any] = ["model": "seedance-1.5-pro", "prompt": "a lighthouse in fog"]

    @Test func failingCreatesOpenTheCircuitAndOneTrialClosesIt() async throws {
        let ark = try await RunningEmulator.start(queueSeconds: 0.2, runSeconds: 0.5)
        var configuration = RunningServer.configuration(emulator: ark, database: temporaryDatabase())
        configuration.circuitFailureThreshold = 2
        configuration.circuitCoolDownSeconds = 3
        let server = try await RunningServer.start(configuration)
        let injected = try await client.json(.POST, ark.baseURL + "/emulator/faults", body: ["create_server_error": 2])
        try #require(injected.status == 200, "\(injected.text)")

        let first = try #require(try await client.json(.POST, server.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        // Two 5xx answers (the job backs off 2 s between them) open the circuit.
        let deadline = ContinuousClock.now + .seconds(20)
        while try await ark.stats(client)["create_attempts"] as? Int ?? 0 < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let second = try #require(try await client.json(.POST, server.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        try await Task.sleep(for: .seconds(1))
        let waiting = try await client.json(.GET, server.baseURL + "/v1/jobs/\(second)").body
        #expect(waiting["status"] as? String == "queued")
        #expect((waiting["attempts"] as? [[String: Any]])?.isEmpty == true, "nothing is sent while the circuit is open")
        #expect(try await ark.stats(client)["create_attempts"] as? Int == 2)

        let firstDone = try await client.waitForJob(server, first, until: isTerminal)
        let secondDone = try await client.waitForJob(server, second, until: isTerminal)
        #expect(firstDone["status"] as? String == "succeeded")
        #expect((firstDone["attempts"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String } == ["retryable", "retryable", "accepted"])
        #expect(secondDone["status"] as? String == "succeeded")
        #expect((secondDone["attempts"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String } == ["accepted"])
        let stats = try await ark.stats(client)
        #expect(stats["create_attempts"] as? Int == 4, "two failures, one trial, one more create: \(stats)")
        #expect(stats["creates"] as? Int == 2)
        try await server.stop()
        try await ark.stop()
    }
}
