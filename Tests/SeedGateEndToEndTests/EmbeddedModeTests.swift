import AsyncHTTPClient
import Foundation
import SeedGateServer
import SeedGateTesting
import Testing

/// The README's one command: no configuration and no credentials, so every provider is emulated in-process on
/// loopback and jobs are kept in SQLite. Run through `withRunningServer`, the same composition the CLI uses.
@Suite("Embedded mode")
struct EmbeddedModeTests {
    @Test("with no configuration a job runs to succeeded on an emulated provider, and /v1/providers says they are emulated")
    func aJobSucceedsWithNoSetUp() async throws {
        var configuration = ServerConfiguration()
        configuration.sqlitePath = temporaryDatabase()
        configuration.catalogDirectory = repositoryRoot.appendingPathComponent("Providers").path
        configuration.emulatorQueueSeconds = 0.2
        configuration.emulatorRunSeconds = 0.4
        try await withRunningServer(configuration) { server in
            let client = HTTPClient.shared
            let providers = try await client.json(.GET, server.baseURL + "/v1/providers").body
            let listed = (providers["data"] as? [[String: Any]]) ?? []
            #expect(listed.count == 5)
            #expect(listed.allSatisfy { $0["emulated"] as? Bool == true })
            let ready = try await client.json(.GET, server.baseURL + "/readyz").body
            #expect(ready["demo"] as? Bool == true)
            #expect((ready["emulated_providers"] as? [String])?.count == 5)
            let created = try await client.json(
                .POST, server.baseURL + "/v1/jobs", body: ["model": "seedance-1.5-pro", "prompt": "a kitten yawns", "provider": "acedata"])
            #expect(created.status == 202)
            let id = try #require(created.body["id"] as? String)
            #expect(created.headers.first(name: "Location") == "/v1/jobs/\(id)")
            let deadline = ContinuousClock.now + .seconds(30)
            var job: [String: Any] = [:]
            while ContinuousClock.now < deadline {
                job = try await client.json(.GET, server.baseURL + "/v1/jobs/\(id)").body
                if job["status"] as? String == "succeeded" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(job["status"] as? String == "succeeded")
            #expect(job["provider"] as? String == "acedata")
            #expect(job["provider_emulated"] as? Bool == true, "a job an emulator served says so")
            #expect(((job["output"] as? [String: Any])?["video_url"] as? String)?.hasPrefix("http://127.0.0.1:") == true)
        }
    }
}
