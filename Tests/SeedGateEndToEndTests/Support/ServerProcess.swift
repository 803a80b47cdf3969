import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `seedgate serve` process, as an operator runs it: its own PID, killable with SIGKILL.
final class ServerProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let log: URL

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The binary SwiftPM built next to the test bundle.
    static var binary: URL {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("seedgate"),
            repositoryRoot.appendingPathComponent(".build/debug/seedgate"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    /// A port nobody listens on right now.
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw HarnessError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    init(configFile: String, port: Int, environment: [String: String], name: String) throws {
        self.port = port
        log = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-\(name)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve", "--config", configFile, "--port", String(port)]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// Waits until `/readyz` answers 200.
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning { throw HarnessError("seedgate exited: \(logTail())") }
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: baseURL + "/readyz")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("seedgate did not become ready: \(logTail())")
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    func logTail() -> String {
        String((try? String(contentsOf: log, encoding: .utf8))?.suffix(2_000) ?? "")
    }
}
