import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import SeedGateEmulators
import Testing

/// A running ModelVerse emulator and a client to talk to it over loopback.
struct ModelVerseHarness: Sendable {
    static let key = "emulator-key"
    static let model = "doubao-seedance-1-5-pro-251215"

    let emulator: ModelVerseEmulator
    let client: HTTPClient
    let baseURL: String

    /// Sends a request with `authorization` as the raw `Authorization` header value (nil: no header).
    func send(_ method: String, _ path: String, body: Data? = nil, authorization: String? = ModelVerseHarness.key) async throws -> Reply {
        try await loopbackSend(client, method, path.hasPrefix("http") ? path : baseURL + path, body: body, authorization: authorization)
    }

    /// `POST /v1/tasks/submit` with a JSON object.
    func submit(_ fields: [String: Any], authorization: String? = ModelVerseHarness.key) async throws -> Reply {
        try await send("POST", "/v1/tasks/submit", body: JSONSerialization.data(withJSONObject: fields), authorization: authorization)
    }

    /// Submits a task and returns its id, failing the test if the emulator refuses.
    func submitTask(_ fields: [String: Any]) async throws -> String {
        let reply = try await submit(fields)
        try #require(reply.status == 200, "submit answered \(reply.status): \(String(decoding: reply.body, as: UTF8.self))")
        return try #require((reply.json["output"] as? [String: Any])?["task_id"] as? String)
    }

    func status(_ id: String) async throws -> Reply {
        try await send("GET", "/v1/tasks/status?task_id=\(id)")
    }

    /// The task's `output` object.
    func output(_ id: String) async throws -> [String: Any] {
        try await status(id).json["output"] as? [String: Any] ?? [:]
    }

    func taskStatus(_ id: String) async throws -> String? {
        try await output(id)["task_status"] as? String
    }

    /// Polls until `condition` holds or `seconds` pass; true if it held.
    func eventually(within seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        try await pollUntil(within: seconds, condition)
    }
}

/// A ModelVerse submit body: `model`, `input.content` (a text item, then `extraContent`) and `parameters`.
func modelVerseBody(
    _ prompt: String = "a kitten yawns at the camera", parameters: [String: Any] = [:], extraContent: [[String: Any]] = [],
    model: String = ModelVerseHarness.model
) -> [String: Any] {
    ["model": model, "input": ["content": [["type": "text", "text": prompt]] + extraContent], "parameters": parameters]
}

/// One request over loopback, its answer read whole.
func loopbackSend(
    _ client: HTTPClient, _ method: String, _ url: String, body: Data?, authorization: String?,
    headers extra: [(String, String)] = [], timeout: TimeAmount = .seconds(10)
) async throws -> Reply {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    if let authorization { request.headers.add(name: "Authorization", value: authorization) }
    for (name, value) in extra { request.headers.add(name: name, value: value) }
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
    }
    let response = try await client.execute(request, timeout: timeout)
    let bytes = try await response.body.collect(upTo: 1 << 20)
    var headers: [String: String] = [:]
    for header in response.headers { headers[header.name.lowercased()] = header.value }
    return Reply(status: Int(response.status.code), headers: headers, body: Data(bytes.readableBytesView))
}

/// Runs a ModelVerse emulator on an ephemeral loopback port while `body` runs, then stops it.
func withModelVerseEmulator<T: Sendable>(
    _ configuration: EmulatorConfiguration = ArkHarness.configuration(), now: (@Sendable () -> Date)? = nil,
    _ body: (ModelVerseHarness) async throws -> T
) async throws -> T {
    let emulator = now.map { ModelVerseEmulator(configuration: configuration, now: $0) } ?? ModelVerseEmulator(configuration: configuration)
    return try await withEmulatorApplication(emulator.makeApplication(onServerRunning:)) { baseURL, client in
        try await body(ModelVerseHarness(emulator: emulator, client: client, baseURL: baseURL))
    }
}

/// The `upstream:` model ids of `Providers/<id>/manifest.yaml`, in file order (read as text: this target has no YAML
/// decoder), so emulators can be checked against the catalogue.
func manifestUpstreamIDs(_ provider: String) throws -> [String] {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while directory.path != "/", !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
        directory.deleteLastPathComponent()
    }
    let file = directory.appendingPathComponent("Providers/\(provider)/manifest.yaml")
    let text = try String(contentsOf: file, encoding: .utf8)
    return text.split(separator: "\n").compactMap { line in
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("upstream:") else { return nil }
        return trimmed.dropFirst("upstream:".count).split(separator: "#").first.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
