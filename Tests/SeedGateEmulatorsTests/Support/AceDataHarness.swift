import AsyncHTTPClient
import Foundation
import SeedGateEmulators
import Testing

/// A running AceData emulator and a client to talk to it over loopback.
struct AceDataHarness: Sendable {
    static let key = "emulator-key"
    static let pro10 = "doubao-seedance-1-0-pro-250528"
    static let pro15 = "doubao-seedance-1-5-pro-251215"
    static let liteI2V = "doubao-seedance-1-0-lite-i2v-250428"

    let emulator: AceDataEmulator
    let client: HTTPClient
    let baseURL: String

    static func configuration(queue: Double = 0.2, run: Double = 0.4) -> EmulatorConfiguration {
        EmulatorConfiguration(queueSeconds: queue, runSeconds: run, callbackTick: .milliseconds(50), logLevel: .warning)
    }

    func send(_ method: String, _ path: String, body: Data? = nil, key: String? = AceDataHarness.key) async throws -> Reply {
        try await loopbackSend(
            client, method, path.hasPrefix("http") ? path : baseURL + path, body: body, authorization: key.map { "Bearer \($0)" },
            timeout: .seconds(30)
        )
    }

    /// `POST /seedance/videos` with a JSON object.
    func create(_ fields: [String: Any], key: String? = AceDataHarness.key) async throws -> Reply {
        try await send("POST", "/seedance/videos", body: JSONSerialization.data(withJSONObject: fields), key: key)
    }

    /// Creates a task in async mode and returns its id, failing the test if the emulator refuses. Both switches are
    /// sent, as SeedGate's adapter does: `callback_url` (AceData's own placeholder `dummy` [DOCS-TASKS] when the
    /// test gives none; only it switches the strict emulator [S003]) and `async: true`.
    func createTask(_ fields: [String: Any]) async throws -> String {
        var fields = fields
        if fields["callback_url"] == nil { fields["callback_url"] = "dummy" }
        if fields["async"] == nil { fields["async"] = true }
        let reply = try await create(fields)
        try #require(reply.status == 200, "create answered \(reply.status): \(String(decoding: reply.body, as: UTF8.self))")
        return try #require(reply.json["task_id"] as? String)
    }

    /// `POST /seedance/tasks`.
    func tasks(_ fields: [String: Any], key: String? = AceDataHarness.key) async throws -> Reply {
        try await send("POST", "/seedance/tasks", body: JSONSerialization.data(withJSONObject: fields), key: key)
    }

    /// The task record (`action: retrieve`).
    func record(_ id: String) async throws -> [String: Any] {
        let reply = try await tasks(["action": "retrieve", "id": id])
        try #require(reply.status == 200, "retrieve answered \(reply.status)")
        return reply.json
    }

    /// A record's `response`, once the task has ended.
    func response(_ id: String) async throws -> [String: Any]? {
        try await record(id)["response"] as? [String: Any]
    }

    /// Polls until `condition` holds or `seconds` pass; true if it held.
    func eventually(within seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        try await pollUntil(within: seconds, condition)
    }
}

/// A 1.0 pro text-to-video create body with extra fields merged in.
func aceDataBody(_ extra: [String: Any]) -> [String: Any] {
    aceDataBody("a kitten yawns at the camera", model: AceDataHarness.pro10, extra)
}

/// A text-to-video create body with extra fields merged in (no async switch: add one, or use `createTask`).
func aceDataBody(_ prompt: String = "a kitten yawns at the camera", model: String = AceDataHarness.pro10, _ extra: [String: Any] = [:]) -> [String:
    Any]
{
    var fields: [String: Any] = ["model": model, "content": [["type": "text", "text": prompt]]]
    fields.merge(extra) { _, new in new }
    return fields
}

/// Runs an AceData emulator on an ephemeral loopback port while `body` runs, then stops it.
func withAceDataEmulator<T: Sendable>(
    _ configuration: EmulatorConfiguration = AceDataHarness.configuration(), honoursAsyncFlag: Bool = false,
    now: (@Sendable () -> Date)? = nil, _ body: (AceDataHarness) async throws -> T
) async throws -> T {
    let emulator =
        now.map { AceDataEmulator(configuration: configuration, honoursAsyncFlag: honoursAsyncFlag, now: $0) }
        ?? AceDataEmulator(configuration: configuration, honoursAsyncFlag: honoursAsyncFlag)
    return try await withEmulatorApplication(emulator.makeApplication(onServerRunning:)) { baseURL, client in
        try await body(AceDataHarness(emulator: emulator, client: client, baseURL: baseURL))
    }
}
