import AsyncHTTPClient
import Foundation
import SeedGateCore
import SeedGateServer
import Testing

/// Providers retire models (BytePlus's 1.0 lite is "Retiring", and a secondary source says it shut 1.5 pro down;
/// seedance-2.md). A manifest marks the day with `retired_from`; from then on routing skips that offering,
/// `/v1/models` still shows it with the day, and a job that names it gets a 400 naming the alternatives. Over real
/// HTTP, with a catalogue copy in which BytePlus retired seedance-1.5-pro on 2026-01-01.
@Suite(.timeLimit(.minutes(2))) struct ModelLifecycleTests {
    let client = HTTPClient.shared

    /// A copy of `Providers/` whose BytePlus manifest retires seedance-1.5-pro on `day`.
    static func catalogue(retiring day: String) throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-catalogue-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Providers"), to: copy)
        let file = copy.appendingPathComponent("byteplus-modelark/manifest.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let marker = "  - name: seedance-1.5-pro\n"
        try #require(text.contains(marker))
        try text.replacingOccurrences(of: marker, with: marker + "    retired_from: \"\(day)\"\n").write(to: file, atomically: true, encoding: .utf8)
        return copy
    }

    @Test func aRetiredOfferingIsShownSkippedAndRefusedByName() async throws {
        let catalogue = try Self.catalogue(retiring: "2026-01-01")
        defer { try? FileManager.default.removeItem(at: catalogue) }
        let manifests = try ProviderFidelityTests.manifests(["volcengine-ark", "byteplus-modelark"])
        let fleet = try await ProviderSwitchingTests.Fleet.start(manifests)
        var yaml = fleet.configurationFile(route: ["byteplus-modelark", "volcengine-ark"], model: "seedance-1.5-pro", database: temporaryDatabase())
        yaml = yaml.replacingOccurrences(of: repositoryRoot.appendingPathComponent("Providers").path, with: catalogue.path)
        let running = try await RunningServer.start(configurationFile: yaml, environment: fleet.environment)

        // /v1/models shows the retired offering with its day.
        let models = try await client.json(.GET, running.baseURL + "/v1/models").body
        let pro15 = try #require((models["data"] as? [[String: Any]])?.first { $0["id"] as? String == "seedance-1.5-pro" })
        let offerings = try #require(pro15["providers"] as? [[String: Any]])
        #expect(offerings.first { $0["provider"] as? String == "byteplus-modelark" }?["retired_from"] as? String == "2026-01-01")
        #expect(offerings.first { $0["provider"] as? String == "volcengine-ark" }?["retired_from"] == nil)

        // A job naming the retired provider: 400 naming the field and the alternatives.
        let named = try await client.json(
            .POST, running.baseURL + "/v1/jobs", body: ["model": "seedance-1.5-pro", "prompt": "a comet", "provider": "byteplus-modelark"])
        #expect(named.status == 400, "\(named.text)")
        #expect(named.text.contains("provider"))
        #expect(named.text.contains("retired on byteplus-modelark since 2026-01-01"), "\(named.text)")
        #expect(named.text.contains("providers still serving it: volcengine-ark"), "\(named.text)")

        // A job for the model: the route skips BytePlus, Ark serves it.
        let created = try await client.json(.POST, running.baseURL + "/v1/jobs", body: ["model": "seedance-1.5-pro", "prompt": "a comet"])
        let id = try #require(created.body["id"] as? String, "\(created.text)")
        let job = try await client.waitForJob(running, id, until: isTerminal)
        #expect(job["status"] as? String == "succeeded")
        #expect(job["provider"] as? String == "volcengine-ark")
        let byteplus = try await client.json(.GET, try #require(fleet.baseURLs["byteplus-modelark"]) + "/emulator/stats").body
        #expect(byteplus["create_attempts"] as? Int == 0)
        try await running.stop()
        try await fleet.stop()
    }
}
