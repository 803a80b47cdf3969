import AsyncHTTPClient
import Foundation
import Testing

/// Two `seedgate serve` processes on one PostgreSQL database share the work; one is killed with SIGKILL mid-way and
/// the other finishes every job, with no task created twice. Needs POSTGRES_URL (scripts/test.sh starts a server).
@Suite(.timeLimit(.minutes(5))) struct MultiReplicaTests {
    static let postgresURL = ProcessInfo.processInfo.environment["POSTGRES_URL"]

    @Test func postgresIsThereInCI() {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            #expect(Self.postgresURL != nil, "CI must run the PostgreSQL suites: scripts/test.sh starts a server and sets POSTGRES_URL")
        }
    }

    /// A fresh database on the test server, so runs never see each other's jobs.
    static func freshDatabase() throws -> String {
        let base = try #require(postgresURL)
        let name = "seedgate_replicas_\(UUID().uuidString.prefix(8).lowercased())"
        let status = try ChildProcess.run("psql", [base, "-v", "ON_ERROR_STOP=1", "-q", "-c", "CREATE DATABASE \(name)"])
        guard status == 0 else { throw HarnessError("could not create database \(name)") }
        var components = try #require(URLComponents(string: base))
        components.path = "/\(name)"
        return try #require(components.string)
    }

    @Test(.enabled(if: postgresURL != nil, "POSTGRES_URL not set"))
    func twoReplicasShareTheWorkAndOneDyingLosesNothing() async throws {
        let database = try Self.freshDatabase()
        let emulator = try await RunningEmulator.start(queueSeconds: 0.5, runSeconds: 1.5)
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-replicas-\(UUID().uuidString).yaml")
        try """
        providers:
          volcengine-ark:
            base_url: \(emulator.baseURL)
            timeout_seconds: 5
            models: {"*": {rpm: 100000, concurrency: 100000}}
        routing:
          default: [volcengine-ark]
        log:
          level: warning
        """.write(to: config, atomically: true, encoding: .utf8)
        // A create cut short by the kill waits (up to 20 s here) for the provider's callback to name its task.
        let environment = [
            "SEEDGATE_DATABASE_URL": database, "VOLCENGINE_ARK_API_KEY": "emulator-key", "SEEDGATE_WEBHOOK_SECRET": RunningServer.webhookSecret,
            "SEEDGATE_UNCONFIRMED_WINDOW": "20",
        ]
        let a = try ServerProcess(configFile: config.path, environment: environment, name: "a")
        defer { a.terminate() }
        try await a.waitUntilReady()
        // Providers reach the replicas through one public URL (here: A's address, as a load balancer would route), so
        // the callbacks of tasks B created still arrive once B is dead.
        let b = try ServerProcess(
            configFile: config.path, environment: environment.merging(["SEEDGATE_PUBLIC_URL": a.baseURL]) { $1 }, name: "b")
        defer { b.terminate() }
        try await b.waitUntilReady()

        let client = HTTPClient.shared
        let total = 500
        // Half the jobs across both replicas; then B dies (SIGKILL) while it is dispatching and polling its share;
        // the rest go to A.
        var ids = try await submit(0..<(total / 2), client: client) { $0 % 2 == 0 ? a : b }
        try await Task.sleep(for: .milliseconds(300))
        b.kill()
        ids += try await submit((total / 2)..<total, client: client) { _ in a }
        #expect(ids.count == total)
        #expect(!b.process.isRunning)

        // Every job reaches a terminal state through the surviving replica.
        var jobs: [String: [String: Any]] = [:]
        let deadline = ContinuousClock.now + .seconds(150)
        while ContinuousClock.now < deadline {
            jobs = try await allJobs(client, a)
            if jobs.count == total, jobs.values.allSatisfy(isTerminal) { break }
            try await Task.sleep(for: .seconds(1))
        }
        #expect(jobs.count == total)
        let unfinished = jobs.values.filter { !isTerminal($0) }
        #expect(unfinished.isEmpty, "unfinished: \(unfinished.prefix(3))")
        let succeeded = jobs.values.filter { $0["status"] as? String == "succeeded" }.count
        let unknown = jobs.values.filter { $0[path: "error.code"] as? String == "submit_outcome_unknown" }.count
        #expect(succeeded + unknown == total, "only creates cut short by the kill may end unknown")
        // Creates cut short by the kill are settled as abandoned; on a loaded machine a create on the surviving
        // replica may also time out (5 s), which is an unknown outcome too. Nothing else may end unknown.
        let unknownJobs = jobs.values.filter { $0[path: "error.code"] as? String == "submit_outcome_unknown" }
        let (abandonedJobs, others) = unknownJobs.partitioned {
            ($0[path: "error.provider_message"] as? String)?.contains("SeedGate stopped") == true
        }
        let abandoned = abandonedJobs.count
        let timedOut = others.filter { ($0[path: "error.message"] as? String)?.contains("did not answer in time") == true }.count
        #expect(abandoned <= 16, "at most the killed replica's in-flight creates (16 at a time) are abandoned")
        #expect(abandoned + timedOut == unknown, "every unknown outcome is an abandoned or timed-out create")

        let stats = try await emulator.stats(client)
        let orphans = OrphanedTasks(jobs: jobs.values, upstreamCreates: stats["creates"] as? Int ?? 0)
        print(
            "replicas: \(total) jobs, \(succeeded) succeeded, \(unknown) submit_outcome_unknown (\(abandoned) cut short by SIGKILL, \(timedOut) timed out), upstream creates \(stats["creates"] ?? "?"), max creates per task \(stats["max_creates_per_task"] ?? "?"), \(orphans)"
        )
        #expect(orphans.remaining == 0, "every task the emulator made is tracked by a job: \(orphans)")
        #expect(stats["max_creates_per_task"] as? Int == 1, "no job was created upstream twice: \(stats)")
        let withTask = jobs.values.filter { $0[path: "upstream.task_id"] != nil }.count
        #expect((stats["creates"] as? Int ?? -1) >= withTask)
        #expect((stats["creates"] as? Int ?? Int.max) <= withTask + unknown)
        try await emulator.stop()
    }

    func submit(_ indices: Range<Int>, client: HTTPClient, to replica: @escaping @Sendable (Int) -> ServerProcess) async throws -> [String] {
        try await withThrowingTaskGroup(of: String.self) { group in
            var ids: [String] = []
            for index in indices {
                if index - indices.lowerBound >= 32, let id = try await group.next() { ids.append(id) }
                group.addTask {
                    let body: [String: Any] = ["model": "seedance-1.5-pro", "prompt": "replica job \(index)"]
                    let created = try await client.json(.POST, replica(index).baseURL + "/v1/jobs", body: body)
                    guard let id = created.body["id"] as? String else { throw HarnessError("create failed: \(created.text)") }
                    return id
                }
            }
            for try await id in group { ids.append(id) }
            return ids
        }
    }

    func allJobs(_ client: HTTPClient, _ server: ServerProcess) async throws -> [String: [String: Any]] {
        var jobs: [String: [String: Any]] = [:]
        var cursor: String?
        repeat {
            let page = try await client.json(.GET, server.baseURL + "/v1/jobs?limit=100" + (cursor.map { "&cursor=\($0)" } ?? "")).body
            for job in page["data"] as? [[String: Any]] ?? [] { if let id = job["id"] as? String { jobs[id] = job } }
            cursor = page["next_cursor"] as? String
        } while cursor != nil
        return jobs
    }
}

extension Array {
    /// The elements that satisfy `belongs`, and the others, each in order.
    fileprivate func partitioned(_ belongs: (Element) -> Bool) -> ([Element], [Element]) {
        (filter(belongs), filter { !belongs($0) })
    }
}
