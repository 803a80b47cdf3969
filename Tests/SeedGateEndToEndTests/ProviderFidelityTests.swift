import AsyncHTTPClient
import Foundation
import SeedGateCore
import SeedGateServer
import Testing

/// Issue 9's core defects, each through a real SeedGate server and the providers' emulators over loopback HTTP:
/// routing around a provider that cannot take a job, normalisation per attempt, creates whose answer came from a
/// gateway, and a "success" without a video.
@Suite(.timeLimit(.minutes(3))) struct ProviderFidelityTests {
    typealias Fleet = ProviderSwitchingTests.Fleet
    let client = HTTPClient.shared

    static func manifests(_ ids: [String]) throws -> [ProviderManifest] {
        let manifests = try ProviderSwitchingTests.providers().filter { ids.contains($0.id.rawValue) }
        try #require(manifests.count == ids.count, "needs \(ids) registered")
        return manifests
    }

    /// A server routing `model` to `route`, in order, over the fleet's emulators.
    func server(_ fleet: Fleet, route: [ProviderID], model: String) async throws -> RunningServer {
        try await RunningServer.start(
            configurationFile: fleet.configurationFile(route: route, model: model, database: temporaryDatabase()), environment: fleet.environment)
    }

    func arm(_ faults: [String: Any], _ provider: ProviderID, in fleet: Fleet) async throws {
        let answer = try await client.json(.POST, try #require(fleet.baseURLs[provider]) + "/emulator/faults", body: faults)
        try #require(answer.status == 200, "\(answer.text)")
    }

    func stats(_ provider: ProviderID, in fleet: Fleet) async throws -> [String: Any] {
        try await client.json(.GET, try #require(fleet.baseURLs[provider]) + "/emulator/stats").body
    }

    func submit(_ body: [String: Any], to server: RunningServer) async throws -> String {
        let created = try await client.json(.POST, server.baseURL + "/v1/jobs", body: body)
        let id = created.body["id"] as? String
        try #require(id != nil, "\(created.status): \(created.text)")
        return id!
    }

    /// Defect 4: Chanjing takes neither a data: URL image nor a job without a prompt. Those constraints live in its
    /// manifest, so the route skips it and the next provider serves the job (before, its adapter refused the job
    /// before sending, as a final invalid_request, although Ark could take it).
    @Test func aJobChanjingCannotTakeGoesToTheNextProviderOfTheRoute() async throws {
        let fleet = try await Fleet.start(try Self.manifests(["chanjing", "volcengine-ark"]))
        let server = try await server(fleet, route: ["chanjing", "volcengine-ark"], model: "seedance-1.0-pro")
        let dataURL =
            "data:image/png;base64," + Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 64)).base64EncodedString()
        let inline = try await submit(
            [
                "model": "seedance-1.0-pro", "prompt": "the kite climbs", "duration": 5, "resolution": "720p",
                "images": [["url": dataURL, "role": "first_frame"]],
            ], to: server)
        let silent = try await submit(
            [
                "model": "seedance-1.0-pro", "duration": 5, "resolution": "720p",
                "images": [["url": "https://example.com/kite.png", "role": "first_frame"]],
            ],
            to: server)
        for id in [inline, silent] {
            let job = try await client.waitForJob(server, id, until: isTerminal)
            #expect(job["status"] as? String == "succeeded", "\(job)")
            #expect(job["provider"] as? String == "volcengine-ark")
        }
        #expect(try await stats("chanjing", in: fleet)["create_attempts"] as? Int == 0)
        try await server.stop()
        try await fleet.stop()
    }

    /// Defect 5: a `seed: -1` ("random") is Ark's sentinel; ModelVerse documents seeds in [0, 2147483647]. When Ark
    /// is rate limiting and the job fails over, ModelVerse gets the request normalised for ModelVerse (no seed),
    /// and the job shows what was sent to the provider that took it.
    @Test func failoverNormalisesTheRequestForTheProviderCalled() async throws {
        let fleet = try await Fleet.start(try Self.manifests(["volcengine-ark", "modelverse"]))
        let server = try await server(fleet, route: ["volcengine-ark", "modelverse"], model: "seedance-1.5-pro")
        try await arm(["create_rate_limited": 1], "volcengine-ark", in: fleet)
        let id = try await submit(["model": "seedance-1.5-pro", "prompt": "a lantern floats up", "seed": -1, "duration": 5], to: server)
        let job = try await client.waitForJob(server, id, until: isTerminal)
        #expect(job["status"] as? String == "succeeded", "\(job)")
        #expect(job["provider"] as? String == "modelverse")
        #expect(job[path: "request.seed"] == nil, "ModelVerse has no -1 sentinel: no seed is sent")
        #expect((job["attempts"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String } == ["retryable", "accepted"])
        try await server.stop()
        try await fleet.stop()
    }

    /// Defect 9: a gateway in front of Ark answers 504 (an HTML page) after Ark made the task. The outcome is
    /// unknown, so the job is not sent to BytePlus (a second paid task); Ark's callback then names the task, which
    /// the job adopts.
    @Test func aGatewayTimeoutOnACreateIsNeverSentToASecondProvider() async throws {
        let fleet = try await Fleet.start(try Self.manifests(["volcengine-ark", "byteplus-modelark"]))
        let server = try await server(fleet, route: ["volcengine-ark", "byteplus-modelark"], model: "seedance-1.5-pro")
        try await arm(["create_gateway_timeout": 1], "volcengine-ark", in: fleet)
        let id = try await submit(["model": "seedance-1.5-pro", "prompt": "a tram at dusk", "duration": 5], to: server)
        let job = try await client.waitForJob(server, id, until: isTerminal)
        #expect(job["status"] as? String == "succeeded", "\(job)")
        #expect((job["attempts"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String } == ["unknown", "accepted"])
        #expect(job["provider"] as? String == "volcengine-ark")
        #expect(try await stats("volcengine-ark", in: fleet)["creates"] as? Int == 1, "the task Ark made behind the gateway")
        #expect(try await stats("byteplus-modelark", in: fleet)["create_attempts"] as? Int == 0, "never sent to a second provider")
        try await server.stop()
        try await fleet.stop()
    }

    /// Chanjing does not call back, but its task list echoes each task's prompt, model and creation time: a create
    /// whose answer was cut off finds its task there and adopts it; nothing is sent twice or elsewhere.
    @Test func aLostChanjingCreateAdoptsTheTaskItsListShows() async throws {
        let fleet = try await Fleet.start(try Self.manifests(["chanjing", "volcengine-ark"]))
        let server = try await server(fleet, route: ["chanjing", "volcengine-ark"], model: "seedance-1.0-lite-i2v")
        try await arm(["create_drop": 1], "chanjing", in: fleet)
        let id = try await submit(
            [
                "model": "seedance-1.0-lite-i2v", "prompt": "a paper boat on a puddle", "duration": 5, "resolution": "720p",
                "images": [["url": "https://example.com/boat.png", "role": "first_frame"]],
            ], to: server)
        let job = try await client.waitForJob(server, id, timeout: .seconds(60), until: isTerminal)
        #expect(job["status"] as? String == "succeeded", "\(job)")
        #expect(job["provider"] as? String == "chanjing")
        #expect((job["attempts"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String } == ["unknown", "accepted"])
        #expect(try await stats("chanjing", in: fleet)["creates"] as? Int == 1, "one paid task, now tracked")
        #expect(try await stats("volcengine-ark", in: fleet)["create_attempts"] as? Int == 0, "never sent elsewhere")
        try await server.stop()
        try await fleet.stop()
    }

    /// Defect 8: Ark reports `succeeded` for a task whose answer has no video URL. That is not the end of the job:
    /// it stays unfinished and is followed, and ends `succeeded` with the video once the answer carries one.
    @Test func aSuccessWithoutAVideoIsNotTerminal() async throws {
        // Tasks run for 9 s after 1 s in the queue; SeedGate checks every 2 s.
        let fleet = try await Fleet.start(try Self.manifests(["volcengine-ark"]), queueSeconds: 1, runSeconds: 9)
        let server = try await server(fleet, route: ["volcengine-ark"], model: "seedance-1.5-pro")
        // The next two reads say `succeeded` for a task that has not finished (so they carry no video).
        try await arm(["status_override": "succeeded", "status_override_count": 2], "volcengine-ark", in: fleet)
        let id = try await submit(["model": "seedance-1.5-pro", "prompt": "a heron takes off", "duration": 5], to: server)
        let early = try await client.waitForJob(server, id) { ($0[path: "upstream.status"] as? String) == "succeeded" || isTerminal($0) }
        #expect(early["status"] as? String == "running", "a success without a result is not terminal: \(early)")
        #expect(early["output"] == nil)
        let job = try await client.waitForJob(server, id, timeout: .seconds(60), until: isTerminal)
        #expect(job["status"] as? String == "succeeded", "\(job)")
        #expect((job[path: "output.video_url"] as? String)?.isEmpty == false)
        try await server.stop()
        try await fleet.stop()
    }

    /// Defect 12: Ark's 429 `QuotaExceeded` has two meanings, told apart by its message. An exhausted quota holds
    /// Ark's creates (later jobs go straight to BytePlus, Ark is not asked again); too many queued tasks is a
    /// passing condition, so the next job goes to Ark as usual.
    @Test func anExhaustedQuotaHoldsTheProviderButAFullQueueDoesNot() async throws {
        let fleet = try await Fleet.start(try Self.manifests(["volcengine-ark", "byteplus-modelark"]))
        let server = try await server(fleet, route: ["volcengine-ark", "byteplus-modelark"], model: "seedance-1.5-pro")
        // A full queue: Ark refuses this create, the job fails over, and Ark still takes the next job.
        let queued = try await submit(["model": "seedance-1.5-pro", "prompt": "a kite [[ark:queue-full]]", "duration": 5], to: server)
        let crowded = try await client.waitForJob(server, queued) { ($0["attempts"] as? [[String: Any]])?.isEmpty == false }
        #expect((crowded["attempts"] as? [[String: Any]])?.first?["provider"] as? String == "volcengine-ark")
        let next = try await submit(["model": "seedance-1.5-pro", "prompt": "a kite over the dunes", "duration": 5], to: server)
        let served = try await client.waitForJob(server, next, until: isTerminal)
        #expect(served["provider"] as? String == "volcengine-ark", "a full queue does not hold Ark: \(served)")

        // An exhausted quota (for this job only, named to Ark, so BytePlus's emulator never sees the marker): Ark
        // refuses once, and is then held for the model.
        let exhausted = try await submit(
            ["model": "seedance-1.5-pro", "prompt": "a kite [[ark:quota-exhausted]]", "duration": 5, "provider": "volcengine-ark"], to: server)
        let refused = try await client.waitForJob(server, exhausted) { ($0["attempts"] as? [[String: Any]])?.isEmpty == false }
        #expect(refused[path: "attempts"] != nil)
        let attemptsBefore = try await stats("volcengine-ark", in: fleet)["create_attempts"] as? Int ?? 0
        let later = try await submit(["model": "seedance-1.5-pro", "prompt": "a kite at sunset", "duration": 5], to: server)
        let job = try await client.waitForJob(server, later, until: isTerminal)
        #expect(job["status"] as? String == "succeeded")
        #expect(job["provider"] as? String == "byteplus-modelark", "Ark is held after an exhausted quota: \(job)")
        #expect((job["attempts"] as? [[String: Any]])?.compactMap { $0["provider"] as? String } == ["byteplus-modelark"])
        #expect(try await stats("volcengine-ark", in: fleet)["create_attempts"] as? Int == attemptsBefore, "Ark was not asked again")
        try await server.stop()
        try await fleet.stop()
    }
}
