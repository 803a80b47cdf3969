import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SeedGateCore
import SeedGateEmulators
import SeedGateServer
import ServiceLifecycle

/// The repository root, found from this file's path (not the working directory).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

var quietLogger: Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return logger
}

/// An Ark emulator running in the test process on its own port, as a provider would: outside the server.
struct RunningEmulator {
    let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start(
        queueSeconds: Double = 0.3, runSeconds: Double = 0.6, port: Int = 0, models: ArkModelSet = .volcengine,
        fileLifetime: Duration = .seconds(24 * 60 * 60)
    ) async throws -> RunningEmulator {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let configuration = EmulatorConfiguration(
            port: port, queueSeconds: queueSeconds, runSeconds: runSeconds, logLevel: .warning, fileLifetime: fileLifetime)
        let app = ArkEmulator(configuration: configuration, models: models).makeApplication(onServerRunning: { continuation.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [app], logger: quietLogger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw HarnessError("emulator did not start") }
        return RunningEmulator(port: bound, group: group, task: task)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    func stats(_ client: HTTPClient) async throws -> [String: Any] {
        try await client.json(.GET, baseURL + "/emulator/stats").body
    }
}

/// A SeedGate server on an ephemeral port with its own SQLite file, pointed at a running emulator.
struct RunningServer {
    let port: Int
    let server: SeedGateServer
    let task: Task<Void, any Error>
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func configuration(emulator: RunningEmulator, database: String) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.sqlitePath = database
        configuration.catalogDirectory = repositoryRoot.appendingPathComponent("Providers").path
        configuration.providers = [.init(id: "volcengine-ark", baseURL: emulator.baseURL, timeoutSeconds: 5)]
        return configuration
    }

    static let webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// Starts a server in this process and waits until it listens. The default environment holds the Ark emulator's
    /// key and the webhook secret.
    static func start(
        _ configuration: ServerConfiguration,
        environment: [String: String] = ["VOLCENGINE_ARK_API_KEY": "emulator-key", "SEEDGATE_WEBHOOK_SECRET": webhookSecret],
        logger: Logger = quietLogger
    ) async throws -> RunningServer {
        let server = SeedGateServer(configuration: configuration, environment: environment, logger: logger, handleSignals: false)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run(onListening: { continuation.yield($0) }) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessError("server did not start") }
        return RunningServer(port: port, server: server, task: task)
    }

    /// Starts a server from the text of a configuration file (written to a temporary file, loaded as the CLI would).
    static func start(configurationFile yaml: String, environment: [String: String]) async throws -> RunningServer {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await start(try ServerConfiguration.load(file: file.path, environment: [:]), environment: environment)
    }

    func stop() async throws {
        await server.shutdown()
        try await task.value
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func temporaryDatabase() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-test-\(UUID().uuidString)/jobs.sqlite").path
}

struct JSONResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [String: Any]
    var text: String
}

extension HTTPClient {
    func json(
        _ method: HTTPMethod, _ url: String, body: Any? = nil, rawBody: String? = nil, headers: [(String, String)] = [],
        timeout: TimeAmount = .seconds(30)
    ) async throws -> JSONResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        } else if let rawBody {
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
            request.body = .bytes(ByteBuffer(string: rawBody))
        }
        let response = try await execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        let data = Data(bytes.readableBytesView)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return JSONResponse(status: Int(response.status.code), headers: response.headers, body: object, text: String(decoding: data, as: UTF8.self))
    }

    /// Polls a job until `done` says so, or fails after `timeout`.
    func waitForJob(_ server: RunningServer, _ id: String, timeout: Duration = .seconds(30), until done: ([String: Any]) -> Bool) async throws
        -> [String: Any]
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let job = try await json(.GET, server.baseURL + "/v1/jobs/\(id)").body
            if done(job) { return job }
            if ContinuousClock.now > deadline {
                // Capped: a job can carry megabytes of inline image.
                throw HarnessError("job \(id) never got there; last seen: \(String(describing: job).prefix(4_000))")
            }
            try await _Concurrency.Task.sleep(for: .milliseconds(100))
        }
    }
}

func isTerminal(_ job: [String: Any]) -> Bool {
    ["succeeded", "failed", "cancelled", "expired"].contains(job["status"] as? String ?? "")
}

extension Dictionary where Key == String, Value == Any {
    subscript(path path: String) -> Any? {
        var current: Any? = self
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        return current
    }
}
