import AsyncHTTPClient
import Foundation
import Testing

/// Under load, `kill -9` the server and start it again on the same SQLite file: every accepted job reaches a
/// terminal state, no task is created twice upstream, and every webhook event is delivered at least once.
@Suite(.timeLimit(.minutes(5))) struct CrashRecoveryTests {
    @Test func aServerKilledUnderLoadLosesNoJobAndPaysForNothingTwice() async throws {
        let shared = HTTPClient.shared
        let emulator = try await RunningEmulator.start(queueSeconds: 0.5, runSeconds: 1.5)
        let receiver = try await WebhookReceiver.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("seedgate.yaml")
        try """
        store: {kind: sqlite, path: "\(directory.appendingPathComponent("jobs.sqlite").path)"}
        providers:
          volcengine-ark: {base_url: "\(emulator.baseURL)", timeout_seconds: 5, models: {"*": {rpm: 100000, concurrency: 100000}}}
        routing: {default: [volcengine-ark]}
        webhooks: {retry_base_seconds: 0.5}
        log: {level: warning}
        """.write(to: config, atomically: true, encoding: .utf8)
        // A create cut short by the kill waits (up to 20 s here) for the provider's callback to name its task.
        let environment = [
            "VOLCENGINE_ARK_API_KEY": "emulator-key", "SEEDGATE_WEBHOOK_SECRET": RunningServer.webhookSecret, "SEEDGATE_UNCONFIRMED_WINDOW": "20",
        ]
        let first = try ServerProcess(configFile: config.path, environment: environment, name: "before")
        try await first.waitUntilReady()
        // The restart binds the same port: the provider's callback URLs name it.
        let port = first.port

        // Creates keep arriving while the server dies: those it answered with 202 are the accepted jobs.
        let offered = 300
        let accepted = AcceptedIDs()
        let killer = Task {
            while await accepted.count < 120 { try await Task.sleep(for: .milliseconds(20)) }
            first.kill()
        }
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<offered {
                if index >= 32 { await group.next() }
                group.addTask {
                    let body: [String: Any] = ["model": "seedance-1.5-pro", "prompt": "crash job \(index)", "callback_url": receiver.url]
                    // A short timeout: requests on connections to the killed server get no answer.
                    if let created = try? await shared.json(.POST, first.baseURL + "/v1/jobs", body: body, timeout: .seconds(3)),
                        created.status == 202,
                        let id = created.body["id"] as? String
                    {
                        await accepted.add(id)
                    }
                }
            }
        }
        try await killer.value
        let ids = await accepted.ids
        let total = ids.count
        #expect(total >= 120)

        let second = try ServerProcess(configFile: config.path, port: port, environment: environment, name: "after")
        defer { second.terminate() }
        try await second.waitUntilReady()
        // A new connection pool: the shared one saw this address refuse connections while no server was there, and
        // backs off from it for a while.
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await check(ids: ids, offered: offered, second: second, client: client, emulator: emulator, receiver: receiver)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        try await receiver.stop()
        try await emulator.stop()
    }

    func check(
        ids: [String], offered: Int, second: ServerProcess, client: HTTPClient, emulator: RunningEmulator, receiver: WebhookReceiver
    ) async throws {
        let total = ids.count

        var jobs: [String: [String: Any]] = [:]
        let deadline = ContinuousClock.now + .seconds(150)
        while ContinuousClock.now < deadline {
            jobs = [:]
            for id in ids {
                do {
                    jobs[id] = try await client.json(.GET, second.baseURL + "/v1/jobs/\(id)").body
                } catch {
                    throw HarnessError(
                        "the restarted server did not answer (running: \(second.process.isRunning)): \(error); log: \(second.logTail())")
                }
            }
            let settled = jobs.values.allSatisfy { job in
                isTerminal(job) && ((job["webhooks"] as? [[String: Any]]) ?? []).allSatisfy { $0["status"] as? String == "delivered" }
            }
            if settled { break }
            try await Task.sleep(for: .seconds(1))
        }
        let unfinished = jobs.values.filter { !isTerminal($0) }
        #expect(unfinished.isEmpty, "\(unfinished.count) jobs never finished")
        let succeeded = jobs.values.filter { $0["status"] as? String == "succeeded" }.count
        let unknown = jobs.values.filter { $0[path: "error.code"] as? String == "submit_outcome_unknown" }.count
        #expect(succeeded + unknown == total, "only creates cut short by the kill may end unknown")
        let stats = try await emulator.stats(client)
        #expect(stats["max_creates_per_task"] as? Int == 1, "no task was created twice: \(stats)")

        // Every event each job recorded reached the receiver at least once.
        var received: Set<String> = []
        for request in receiver.requests {
            guard let payload = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
                let type = payload["type"] as? String, let id = (payload["data"] as? [String: Any])?["id"] as? String
            else { continue }
            received.insert("\(id) \(type)")
        }
        var missing: [String] = []
        for (id, job) in jobs {
            for delivery in job["webhooks"] as? [[String: Any]] ?? [] {
                let key = "\(id) \(delivery["type"] as? String ?? "?")"
                if !received.contains(key) { missing.append(key) }
            }
        }
        #expect(missing.isEmpty, "events never delivered: \(missing.prefix(5))")
        #expect(jobs.values.allSatisfy { (($0["webhooks"] as? [[String: Any]]) ?? []).contains { $0["type"] as? String == "job.queued" } })
        let orphans = OrphanedTasks(jobs: jobs.values, upstreamCreates: stats["creates"] as? Int ?? 0)
        print(
            "crash: \(offered) offered, \(total) accepted before the kill, \(succeeded) succeeded, \(unknown) submit_outcome_unknown, \(receiver.requests.count) webhook requests, upstream creates \(stats["creates"] ?? "?"), \(orphans)"
        )
        // Not asserted: a task whose callbacks all fell while no server was listening (Ark calls back three times)
        // stays orphaned; the figures show how many the restart still adopted.
    }
}

actor AcceptedIDs {
    private(set) var ids: [String] = []
    var count: Int { ids.count }
    func add(_ id: String) { ids.append(id) }
}
