import AsyncHTTPClient
import Foundation
import Logging
import SeedGateCore
import SeedGateEmulators
import SeedGateProviders
import SeedGateRuntime
import SeedGateServer
import ServiceLifecycle
import Testing

/// Switching provider is a configuration change: the same request, with only `routing.routes` changed in the
/// YAML file, goes through each provider's emulator over real HTTP. No Seedance model is offered by all five
/// providers (ModelVerse documents only 1.5 pro, Chanjing only 1.0 pro and 1.0 lite i2v), so each request runs
/// through every provider that offers its model.
@Suite(.timeLimit(.minutes(3))) struct ProviderSwitchingTests {
    static var requests: [(model: String, body: [String: Any])] {
        [
            (
                "seedance-1.5-pro",
                [
                    "model": "seedance-1.5-pro", "prompt": "a paper boat drifts down a rainy street", "duration": 5, "ratio": "16:9",
                    "resolution": "720p",
                ]
            ),
            (
                "seedance-1.0-pro",
                [
                    "model": "seedance-1.0-pro", "prompt": "the boat sails off", "duration": 5, "ratio": "16:9", "resolution": "720p",
                    "images": [["url": "https://example.com/boat.png", "role": "first_frame"]],
                ]
            ),
        ]
    }

    /// Every registered provider that has a manifest and an emulator, with the manifest.
    static func providers() throws -> [ProviderManifest] {
        try ManifestLoader.loadAll(directory: repositoryRoot.appendingPathComponent("Providers"))
            .filter { ProviderModules.module($0.id) != nil }
    }

    struct Fleet {
        var groups: [ServiceGroup] = []
        var tasks: [Task<Void, any Error>] = []
        var baseURLs: [ProviderID: String] = [:]
        var environment: [String: String] = [:]
        var credentialVariables: [ProviderID: [String: String]] = [:]

        /// One emulator per provider, each on its own port, like five separate provider services.
        static func start(_ manifests: [ProviderManifest], queueSeconds: Double = 0.2, runSeconds: Double = 0.4) async throws -> Fleet {
            var fleet = Fleet()
            for manifest in manifests {
                let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
                let configuration = EmulatorConfiguration(queueSeconds: queueSeconds, runSeconds: runSeconds, logLevel: .warning)
                guard let emulator = ProviderModules.module(manifest.id)?.emulator else { throw HarnessError("no emulator for \(manifest.id)") }
                let instance = emulator(configuration) { continuation.yield($0) }
                let group = ServiceGroup(configuration: .init(services: [instance.service], logger: quietLogger))
                fleet.groups.append(group)
                fleet.tasks.append(Task { try await group.run() })
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next() else { throw HarnessError("\(manifest.id) emulator did not start") }
                fleet.baseURLs[manifest.id] = "http://127.0.0.1:\(port)"
                var variables: [String: String] = [:]
                for (name, value) in instance.credentials {
                    let variable = "TEST_\(manifest.id.rawValue.uppercased().replacingOccurrences(of: "-", with: "_"))_\(name.uppercased())"
                    variables[name] = variable
                    fleet.environment[variable] = value
                }
                fleet.credentialVariables[manifest.id] = variables
            }
            return fleet
        }

        func stop() async throws {
            for group in groups { await group.triggerGracefulShutdown() }
            for task in tasks { try await task.value }
        }

        /// The whole configuration file; only `routes` differs between runs.
        func configurationFile(route provider: ProviderID, model: String, database: String) -> String {
            configurationFile(route: [provider], model: model, database: database)
        }

        /// The whole configuration file with a route of several providers, in order.
        func configurationFile(route providers: [ProviderID], model: String, database: String) -> String {
            var yaml = "server: {host: 127.0.0.1, port: 0}\nstore: {kind: sqlite, path: \"\(database)\"}\n"
            yaml += "catalog_dir: \"\(repositoryRoot.appendingPathComponent("Providers").path)\"\nproviders:\n"
            for (id, url) in baseURLs.sorted(by: { $0.key < $1.key }) {
                yaml += "  \(id):\n    base_url: \(url)\n    timeout_seconds: 5\n    credentials:\n"
                for (name, variable) in (credentialVariables[id] ?? [:]).sorted(by: { $0.key < $1.key }) { yaml += "      \(name): \(variable)\n" }
            }
            yaml += "routing:\n  allow_request_provider: true\n  routes:\n    \(model):\n"
            for provider in providers { yaml += "      - provider: \(provider)\n" }
            return yaml
        }
    }

    func run(_ body: [String: Any], model: String, through provider: ProviderID, fleet: Fleet, client: HTTPClient) async throws -> [String: Any] {
        let running = try await RunningServer.start(
            configurationFile: fleet.configurationFile(route: provider, model: model, database: temporaryDatabase()), environment: fleet.environment)
        do {
            let created = try await client.json(.POST, running.baseURL + "/v1/jobs", body: body)
            let id = try #require(created.body["id"] as? String, "\(provider): \(created.text)")
            let job = try await client.waitForJob(running, id, until: isTerminal)
            try await running.stop()
            return job
        } catch {
            try? await running.stop()
            throw error
        }
    }

    @Test func theSameRequestSucceedsThroughEveryProviderWithOnlyTheRouteChanged() async throws {
        let manifests = try Self.providers()
        let fleet = try await Fleet.start(manifests)
        let client = HTTPClient.shared
        var served: Set<ProviderID> = []
        for (model, body) in Self.requests {
            for manifest in manifests where manifest.offering(for: model) != nil {
                let job = try await run(body, model: model, through: manifest.id, fleet: fleet, client: client)
                #expect(job["status"] as? String == "succeeded", "\(manifest.id) \(model): \(job)")
                #expect(job["provider"] as? String == manifest.id.rawValue)
                // The provider's own link (output.video_url moves to SeedGate's copy once it is archived).
                let video = job[path: "output.provider_video_url"] as? String
                #expect(video?.hasPrefix(fleet.baseURLs[manifest.id] ?? "-") == true, "\(manifest.id): \(video ?? "no video")")
                served.insert(manifest.id)
            }
        }
        #expect(served == Set(manifests.map(\.id)), "every registered provider served a request")
        try await fleet.stop()
    }

    @Test func changingTheRouteMovesNewJobsWhileSubmittedOnesFinishWhereTheyAre() async throws {
        let manifests = try Self.providers().filter { ["volcengine-ark", "byteplus-modelark"].contains($0.id.rawValue) }
        try #require(manifests.count == 2, "needs both Ark-family providers registered")
        let fleet = try await Fleet.start(manifests)
        let client = HTTPClient.shared
        let database = temporaryDatabase()
        let (model, body) = Self.requests[0]

        func start(route: ProviderID) async throws -> RunningServer {
            try await RunningServer.start(
                configurationFile: fleet.configurationFile(route: route, model: model, database: database), environment: fleet.environment)
        }

        // Slow Ark tasks, so the first job is still running upstream when the route changes.
        var slow = body
        slow["prompt"] = "a long one [[slow:3]]"
        let before = try await start(route: "volcengine-ark")
        let oldID = try #require(try await client.json(.POST, before.baseURL + "/v1/jobs", body: slow).body["id"] as? String)
        _ = try await client.waitForJob(before, oldID) { $0[path: "upstream.task_id"] != nil }
        try await before.stop()

        let after = try await start(route: "byteplus-modelark")
        let newID = try #require(try await client.json(.POST, after.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        let newJob = try await client.waitForJob(after, newID, until: isTerminal)
        let oldJob = try await client.waitForJob(after, oldID, until: isTerminal)
        #expect(newJob["provider"] as? String == "byteplus-modelark")
        #expect(newJob["status"] as? String == "succeeded")
        #expect(oldJob["provider"] as? String == "volcengine-ark")
        #expect(oldJob["status"] as? String == "succeeded")
        try await after.stop()
        try await fleet.stop()
    }

    @Test func aModeratedRequestFailsOnEveryProviderWithItsOwnCode() async throws {
        let manifests = try Self.providers()
        let fleet = try await Fleet.start(manifests)
        let client = HTTPClient.shared
        for manifest in manifests {
            guard let (model, request) = Self.requests.first(where: { manifest.offering(for: $0.model) != nil }) else { continue }
            var body = request
            body["prompt"] = "\(body["prompt"] as? String ?? "a scene") [[fail:moderation]]"
            let job = try await run(body, model: model, through: manifest.id, fleet: fleet, client: client)
            #expect(job["status"] as? String == "failed", "\(manifest.id): \(job)")
            #expect(job[path: "error.code"] as? String == "content_moderated", "\(manifest.id): \(job)")
            // The provider's own words stay visible: its code where its API has task error codes (Ark, BytePlus,
            // AceData), its message where failed tasks carry only a message (ModelVerse, Chanjing).
            let providerCode = job[path: "error.provider_code"] as? String
            let providerMessage = job[path: "error.provider_message"] as? String
            if ["modelverse", "chanjing"].contains(manifest.id.rawValue) {
                #expect(providerMessage?.isEmpty == false, "\(manifest.id) keeps its own message: \(job)")
            } else {
                #expect(providerCode?.isEmpty == false, "\(manifest.id) keeps its own code: \(job)")
            }
        }
        try await fleet.stop()
    }
}
