import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `seedgate serve` process, as an operator runs it: its own PID, killable with SIGKILL. It binds the port it is
/// given, or with 0 (the default) a free one, which it reports through `--port-file` once listening.
final class ServerProcess: @unchecked Sendable {
    let process: ChildProcess
    let log: URL
    let portFile: URL

    /// The bound port (known once `waitUntilReady` returned).
    var port: Int {
        (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The binary SwiftPM built next to the test bundle.
    static var binary: URL {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("seedgate"),
            repositoryRoot.appendingPathComponent(".build/debug/seedgate"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    init(configFile: String, port: Int = 0, environment: [String: String], name: String) throws {
        let stem = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-\(name)-\(UUID().uuidString)")
        log = stem.appendingPathExtension("log")
        portFile = stem.appendingPathExtension("port")
        process = try ChildProcess(
            executable: Self.binary.path,
            arguments: ["serve", "--config", configFile, "--port", String(port), "--port-file", portFile.path],
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, output: log)
    }

    /// Waits until the server reported its port and `/readyz` answers 200.
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning { throw HarnessError("seedgate exited: \(logTail())") }
            if port != 0, let (_, response) = try? await URLSession.shared.data(from: URL(string: baseURL + "/readyz")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("seedgate did not become ready: \(logTail())")
    }

    func kill() {
        process.signal(SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        guard process.isRunning else { return }
        process.signal(SIGCONT)
        process.signal(SIGTERM)
        process.waitUntilExit()
    }

    func logTail() -> String {
        String((try? String(contentsOf: log, encoding: .utf8))?.suffix(2_000) ?? "")
    }
}
