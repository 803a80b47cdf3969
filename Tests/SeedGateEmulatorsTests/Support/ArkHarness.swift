import AsyncHTTPClient
import Foundation
import Hummingbird
import SeedGateEmulators
import Synchronization
import Testing

/// A clock the test moves by hand, so statuses can be stepped through without waiting.
final class ManualClock: Sendable {
    private let date = Mutex(Date(timeIntervalSince1970: 1_765_510_475))

    func now() -> Date { date.withLock { $0 } }
    func advance(_ seconds: Double) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// One HTTP answer, read whole.
struct Reply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    /// The body as a JSON object (empty if it is not one).
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
    var errorCode: String? { error["code"] as? String }
    var errorParam: String? { error["param"] as? String }
}

/// A running Ark emulator and a client to talk to it over loopback.
struct ArkHarness: Sendable {
    static let key = "emulator-key"
    static let pro10 = "doubao-seedance-1-0-pro-250528"
    static let pro15 = "doubao-seedance-1-5-pro-251215"

    let emulator: ArkEmulator
    let client: HTTPClient
    let baseURL: String

    static func configuration(queue: Double = 0.2, run: Double = 0.4) -> EmulatorConfiguration {
        EmulatorConfiguration(queueSeconds: queue, runSeconds: run, callbackTick: .milliseconds(50), logLevel: .warning)
    }

    func send(_ method: String, _ path: String, body: Data? = nil, key: String? = ArkHarness.key) async throws -> Reply {
        try await loopbackSend(
            client, method, path.hasPrefix("http") ? path : baseURL + path, body: body, authorization: key.map { "Bearer \($0)" }
        )
    }

    /// `POST …/tasks` with a JSON object (use `NSNull()` for an explicit null).
    func create(_ fields: [String: Any], key: String? = ArkHarness.key) async throws -> Reply {
        try await send("POST", "/api/v3/contents/generations/tasks", body: JSONSerialization.data(withJSONObject: fields), key: key)
    }

    /// Creates a task and returns its id, failing the test if the emulator refuses.
    func createTask(_ fields: [String: Any]) async throws -> String {
        let reply = try await create(fields)
        try #require(reply.status == 200, "create answered \(reply.status): \(String(decoding: reply.body, as: UTF8.self))")
        return try #require(reply.json["id"] as? String)
    }

    func task(_ id: String) async throws -> Reply {
        try await send("GET", "/api/v3/contents/generations/tasks/\(id)")
    }

    func status(_ id: String) async throws -> String? {
        try await task(id).json["status"] as? String
    }

    /// Polls until `condition` holds or `seconds` pass; true if it held.
    func eventually(within seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        try await pollUntil(within: seconds, condition)
    }
}

/// A text-to-video create body for 1.0 pro with extra fields merged in.
func textToVideo(_ extra: [String: Any]) -> [String: Any] {
    textToVideo("a kitten yawns at the camera", model: ArkHarness.pro10, extra)
}

/// A text-to-video create body for `model`, with extra fields merged in.
func textToVideo(_ prompt: String = "a kitten yawns at the camera", model: String = ArkHarness.pro10, _ extra: [String: Any] = [:]) -> [String: Any] {
    var fields: [String: Any] = ["model": model, "content": [["type": "text", "text": prompt]]]
    fields.merge(extra) { _, new in new }
    return fields
}

/// Runs an Ark emulator on an ephemeral loopback port while `body` runs, then stops it.
func withArkEmulator<T: Sendable>(
    _ configuration: EmulatorConfiguration = ArkHarness.configuration(), now: (@Sendable () -> Date)? = nil,
    _ body: (ArkHarness) async throws -> T
) async throws -> T {
    let emulator = now.map { ArkEmulator(configuration: configuration, now: $0) } ?? ArkEmulator(configuration: configuration)
    return try await withEmulatorApplication(emulator.makeApplication(onServerRunning:)) { baseURL, client in
        try await body(ArkHarness(emulator: emulator, client: client, baseURL: baseURL))
    }
}
