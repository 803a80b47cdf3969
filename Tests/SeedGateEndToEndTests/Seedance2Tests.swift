import AsyncHTTPClient
import Foundation
import SeedGateCore
import Testing

/// Seedance 2.x end to end, over real HTTP to each provider's emulator with the shipped manifests: the same
/// multimodal 2.0 job through Volcengine Ark, BytePlus ModelArk and AceData with only the route changed, the refusals
/// made before anything is spent, and `/v1/models` saying who offers 2.x.
@Suite(.timeLimit(.minutes(3))) struct Seedance2Tests {
    static let twoXProviders: [ProviderID] = ["volcengine-ark", "byteplus-modelark", "acedata"]

    /// Two reference images, one reference video and one reference audio, referred to by type and position.
    static var multimodal: [String: Any] {
        [
            "model": "seedance-2.0",
            "prompt": "[Image 1] dances in [Image 2]'s garden, moving like [Video 1], to the music of [Audio 1]",
            "images": [
                ["url": "https://assets.example/girl.png", "role": "reference"],
                ["url": "https://assets.example/garden.jpg", "role": "reference"],
            ],
            "videos": [["url": "https://assets.example/motion.mp4", "seconds": 6]],
            "audios": [["url": "https://assets.example/bgm.mp3", "seconds": 6]],
            "duration": 8, "return_last_frame": true, "safety_identifier": "u_3f9a1c",
        ]
    }

    /// The emulators of `providers` (shipped manifests) and one server routing `model` to `route`, for `body`.
    func withServer(
        _ providers: [ProviderID], route: [ProviderID], model: String, _ body: (RunningServer, HTTPClient) async throws -> Void
    ) async throws {
        let fleet = try await ProviderSwitchingTests.Fleet.start(try ProviderSwitchingTests.providers().filter { providers.contains($0.id) })
        let running = try await RunningServer.start(
            configurationFile: fleet.configurationFile(route: route, model: model, database: temporaryDatabase()), environment: fleet.environment)
        do {
            try await body(running, HTTPClient.shared)
        } catch {
            try? await running.stop()
            try? await fleet.stop()
            throw error
        }
        try await running.stop()
        try await fleet.stop()
    }

    @Test func aMultimodalTwoZeroJobSucceedsThroughEachTwoXProviderWithOnlyTheRouteChanged() async throws {
        let manifests = try ProviderSwitchingTests.providers().filter { Self.twoXProviders.contains($0.id) }
        try #require(manifests.count == 3)
        let fleet = try await ProviderSwitchingTests.Fleet.start(manifests)
        defer { Task { try? await fleet.stop() } }
        let client = HTTPClient.shared
        for provider in Self.twoXProviders {
            let running = try await RunningServer.start(
                configurationFile: fleet.configurationFile(route: [provider], model: "seedance-2.0", database: temporaryDatabase()),
                environment: fleet.environment)
            do {
                let created = try await client.json(.POST, running.baseURL + "/v1/jobs", body: Self.multimodal)
                #expect(created.status == 202, "\(provider): \(created.text)")
                let id = try #require(created.body["id"] as? String)
                #expect(created.body["status"] as? String == "queued")
                let job = try await client.waitForJob(running, id, until: isTerminal)
                #expect(job["status"] as? String == "succeeded", "\(provider): \(job)")
                #expect(job["provider"] as? String == provider.rawValue)
                #expect(job[path: "request.prompt"] as? String == Self.multimodal["prompt"] as? String, "the prompt passes through untouched")
                #expect((job[path: "request.videos"] as? [Any])?.count == 1)
                #expect((job[path: "request.audios"] as? [Any])?.count == 1)
                #expect(job[path: "request.generate_audio"] as? Bool == true, "2.x audio default written in")
                #expect(job[path: "request.camera_fixed"] == nil && job[path: "request.service_tier"] == nil, "no 1.x-only parameters")
                let video = job[path: "output.provider_video_url"] as? String
                #expect(video?.hasPrefix(fleet.baseURLs[provider] ?? "-") == true, "\(provider): \(video ?? "no video")")
                #expect(job[path: "output.last_frame_url"] is String, "\(provider): no last frame")
            } catch {
                try? await running.stop()
                throw error
            }
            try await running.stop()
        }
    }

    /// Ark echoes priority and safety_identifier and reports web searches.
    @Test func arkEchoesPriorityAndCountsWebSearches() async throws {
        try await withServer(["volcengine-ark"], route: ["volcengine-ark"], model: "seedance-2.0-fast") { running, client in
            let body: [String: Any] = [
                "model": "seedance-2.0-fast", "prompt": "today's weather over the Bund, as a news clip", "priority": 7,
                "safety_identifier": "u_hash_42", "tools": [["type": "web_search"]],
            ]
            let created = try await client.json(.POST, running.baseURL + "/v1/jobs", body: body)
            let id = try #require(created.body["id"] as? String, "\(created.text)")
            let job = try await client.waitForJob(running, id, until: isTerminal)
            #expect(job["status"] as? String == "succeeded", "\(job)")
            #expect(job[path: "output.priority"] as? Int == 7)
            #expect(job[path: "output.safety_identifier"] as? String == "u_hash_42")
            #expect(job[path: "usage.tool_usage.web_search"] is Int, "\(String(describing: job["usage"]))")
            #expect((job[path: "usage.completion_tokens"] as? Int ?? 0) > 0)
        }
    }

    /// The issue's refusals: each a 400 naming the field, before anything reaches a provider.
    @Test func refusalsNameTheFieldAndSpendNothing() async throws {
        try await withServer(["volcengine-ark"], route: ["volcengine-ark"], model: "seedance-2.0") { running, client in
            let image = { (n: Int) in ["url": "https://assets.example/\(n).png", "role": "reference"] }
            let cases: [(String, [String: Any], String)] = [
                ("2.0 fast at 1080p", ["model": "seedance-2.0-fast", "prompt": "x", "resolution": "1080p"], "resolution"),
                ("2.0 with frames", ["model": "seedance-2.0", "prompt": "x", "frames": 121], "frames"),
                ("2.0 with only audio", ["model": "seedance-2.0", "prompt": "x", "audios": [["url": "https://assets.example/a.mp3"]]], "audios"),
                ("ten reference images", ["model": "seedance-2.0", "prompt": "x", "images": (0..<10).map(image)], "images"),
                ("a data: video", ["model": "seedance-2.0", "prompt": "x", "videos": [["url": "data:video/mp4;base64,AAAA"]]], "videos[0].url"),
                ("task_type on 2.0", ["model": "seedance-2.0", "prompt": "x", "task_type": "edit"], "task_type"),
                ("an unknown task_type", ["model": "seedance-2.5", "prompt": "x", "task_type": "remix"], "task_type"),
            ]
            for (what, body, field) in cases {
                let answer = try await client.json(.POST, running.baseURL + "/v1/jobs", body: body)
                #expect(answer.status == 400, "\(what): \(answer.text)")
                #expect(answer.headers.first(name: "content-type")?.hasPrefix("application/problem+json") == true, "\(what)")
                #expect(answer.body["field"] as? String == field, "\(what): \(answer.text)")
            }
            let jobs = try await client.json(.GET, running.baseURL + "/v1/jobs").body["data"] as? [Any]
            #expect(jobs?.isEmpty == true, "no job was made by a refused request")
        }
    }

    /// `/v1/models` lists 2.x with its limits and the providers that offer it, and names those that do not.
    @Test func modelsShowTwoXWithItsProvidersAndLimits() async throws {
        let all = try ProviderSwitchingTests.providers().map(\.id)
        try await withServer(all, route: ["volcengine-ark"], model: "seedance-2.0") { running, client in
            let models = try await client.json(.GET, running.baseURL + "/v1/models").body["data"] as? [[String: Any]] ?? []
            for name in ["seedance-2.0", "seedance-2.0-fast", "seedance-2.0-mini", "seedance-2.5"] {
                let model = try #require(models.first { $0["id"] as? String == name }, "\(name) missing from /v1/models")
                let offerings = model["providers"] as? [[String: Any]] ?? []
                #expect(Set(offerings.compactMap { $0["provider"] as? String }) == Set(Self.twoXProviders.map(\.rawValue)), "\(name)")
                #expect(Set(model["not_offered_by"] as? [String] ?? []) == ["chanjing", "modelverse"], "\(name)")
                #expect((model["capabilities"] as? [String])?.contains("multimodal_reference") == true, "\(name)")
            }
            let twoOh = try #require(models.first { $0["id"] as? String == "seedance-2.0" })
            let ark = try #require((twoOh["providers"] as? [[String: Any]])?.first { $0["provider"] as? String == "volcengine-ark" })
            #expect(ark[path: "reference_videos.max"] as? Int == 3)
            #expect(ark[path: "reference_audios.total_seconds"] as? Double == 15)
            #expect(ark["reference_images"] as? Int == 9)
            #expect(ark["audio_needs_visual"] as? Bool == true)
            #expect(ark[path: "limits.rpm"] as? Int == 600)
            #expect(ark[path: "resolution_limits.4k.concurrency"] as? Int == 1)
            #expect((ark["resolutions"] as? [String])?.contains("4k") == true)
        }
    }
}
