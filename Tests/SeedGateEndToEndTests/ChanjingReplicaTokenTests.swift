import AsyncHTTPClient
import Foundation
import Logging
import SeedGateEmulators
import ServiceLifecycle
import Testing

/// Two `seedgate serve` processes on one SQLite file, both routing to one Chanjing emulator, where every new access
/// token kills the previous one (chanjing.md Authentication 4). Jobs submitted on both replicas all succeed, and the
/// token is exchanged once for the whole cluster: the replicas share it through the store, so neither ever kills the
/// other's token (no 10400 at all).
@Suite(.timeLimit(.minutes(3))) struct ChanjingReplicaTokenTests {
    @Test func twoReplicasShareOneChanjingToken() async throws {
        let emulator = try await RunningChanjing.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-chanjing-replicas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("seedgate.yaml")
        try """
        store: {kind: sqlite, path: "\(directory.appendingPathComponent("jobs.sqlite").path)"}
        catalog_dir: "\(repositoryRoot.appendingPathComponent("Providers").path)"
        providers:
          chanjing: {base_url: "\(emulator.baseURL)", timeout_seconds: 5, models: {"*": {rpm: 100000, concurrency: 100000}}}
        routing: {default: [chanjing]}
        log: {level: warning}
        """.write(to: config, atomically: true, encoding: .utf8)
        let environment = [
            "CHANJING_APP_ID": ChanjingEmulator.defaultAppID, "CHANJING_SECRET_KEY": emulator.secretKey,
            "SEEDGATE_WEBHOOK_SECRET": RunningServer.webhookSecret,
        ]
        // B starts once A is ready: two processes migrating one fresh SQLite file at the same moment race each other.
        let a = try ServerProcess(configFile: config.path, environment: environment, name: "chanjing-a")
        defer { a.terminate() }
        try await a.waitUntilReady()
        let b = try ServerProcess(configFile: config.path, environment: environment, name: "chanjing-b")
        defer {
            for replica in [a, b] where replica.process.isRunning { replica.process.signal(SIGCONT) }
            b.terminate()
        }
        try await b.waitUntilReady()

        // Each replica in turn does all the work while the other is paused (SIGSTOP), so both surely call Chanjing:
        // with a token per process, B's exchange kills A's token and A's next call is refused (10400) and exchanges
        // again. Then both at once.
        let client = HTTPClient.shared
        var ids: [String] = []
        for (active, paused) in [(a, b), (b, a), (a, b)] {
            paused.process.signal(SIGSTOP)
            active.process.signal(SIGCONT)
            let phase = try await submit(3, to: [active], client: client)
            try await waitForAll(phase, on: active, client: client)
            ids += phase
        }
        b.process.signal(SIGCONT)
        let together = try await submit(8, to: [a, b], client: client)
        try await waitForAll(together, on: a, client: client)
        ids += together

        var jobs: [String: [String: Any]] = [:]
        for id in ids { jobs[id] = try await client.json(.GET, b.baseURL + "/v1/jobs/\(id)").body }
        let failed = jobs.values.filter { $0["status"] as? String != "succeeded" }
        #expect(failed.isEmpty, "every job succeeds: \(failed.prefix(2))")
        #expect(Set(jobs.values.compactMap { $0["provider"] as? String }) == ["chanjing"])

        let tokens = await emulator.emulator.tokenStats()
        #expect(tokens.exchanges == 1, "one exchange for the cluster, not one per replica or per 10400: \(tokens)")
        #expect(tokens.rejected == 0, "no replica's token was killed by the other's exchange: \(tokens)")
        #expect(await emulator.emulator.counters().creates == ids.count)
        try await emulator.stop()
    }

    /// Creates `count` jobs, spread over `replicas`, all at once; their ids.
    func submit(_ count: Int, to replicas: [ServerProcess], client: HTTPClient) async throws -> [String] {
        try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<count {
                let replica = replicas[index % replicas.count]
                group.addTask {
                    let body: [String: Any] = ["model": "seedance-1.0-pro", "prompt": "replica job \(index) \(UUID().uuidString.prefix(8))"]
                    let created = try await client.json(.POST, replica.baseURL + "/v1/jobs", body: body)
                    guard let id = created.body["id"] as? String else { throw HarnessError("create failed: \(created.text)") }
                    return id
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
    }

    /// Waits until every job is terminal, reading through `replica`.
    func waitForAll(_ ids: [String], on replica: ServerProcess, client: HTTPClient) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        var open = Set(ids)
        while !open.isEmpty {
            for id in open where isTerminal(try await client.json(.GET, replica.baseURL + "/v1/jobs/\(id)").body) { open.remove(id) }
            if open.isEmpty { return }
            if ContinuousClock.now > deadline { throw HarnessError("jobs never finished: \(open); log: \(replica.logTail())") }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}

/// A Chanjing emulator in the test process on its own port (tasks queue 0.3 s and run 0.6 s).
struct RunningChanjing {
    let emulator: ChanjingEmulator
    let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var secretKey: String { emulator.configuration.apiKey }

    static func start() async throws -> RunningChanjing {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let emulator = ChanjingEmulator(configuration: EmulatorConfiguration(queueSeconds: 0.3, runSeconds: 0.6, logLevel: .warning))
        let group = ServiceGroup(
            configuration: .init(services: [emulator.makeApplication(onServerRunning: { continuation.yield($0) })], logger: quietLogger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw HarnessError("the Chanjing emulator did not start") }
        return RunningChanjing(emulator: emulator, port: bound, group: group, task: task)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
