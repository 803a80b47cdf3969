import AsyncHTTPClient
import Foundation
import Hummingbird
import SeedGateEmulators
import Testing

extension Reply {
    /// Chanjing's envelope: `code`, `msg`, `trace_id` and `data`.
    var code: Int? { json["code"] as? Int }
    var msg: String? { json["msg"] as? String }
    var traceID: String? { json["trace_id"] as? String }
    var dataObject: [String: Any] { json["data"] as? [String: Any] ?? [:] }
}

/// A running Chanjing emulator and a client to talk to it over loopback.
struct ChanjingHarness: Sendable {
    static let appID = "emulator-app"
    static let secret = "emulator-key"
    static let lite = "Doubao-Seedance-1.0-lite-i2v"
    static let pro = "Doubao-Seedance-1.0-pro"

    let emulator: ChanjingEmulator
    let client: HTTPClient
    let baseURL: String

    static func configuration(queue: Double = 0.2, run: Double = 0.4) -> EmulatorConfiguration {
        EmulatorConfiguration(queueSeconds: queue, runSeconds: run, logLevel: .warning)
    }

    func send(_ method: String, _ path: String, body: Data? = nil, token: String? = nil) async throws -> Reply {
        try await loopbackSend(
            client, method, path.hasPrefix("http") ? path : baseURL + path, body: body, authorization: nil,
            headers: token.map { [("access_token", $0)] } ?? []
        )
    }

    /// `POST /open/v1/access_token` with the given credentials.
    func exchange(appID: String = ChanjingHarness.appID, secret: String = ChanjingHarness.secret) async throws -> Reply {
        let body = try JSONSerialization.data(withJSONObject: ["app_id": appID, "secret_key": secret])
        return try await send("POST", "/open/v1/access_token", body: body)
    }

    /// A fresh token (which invalidates the previous one), failing the test if the emulator refuses.
    func token() async throws -> String {
        let reply = try await exchange()
        try #require(reply.code == 0, "token answered \(String(decoding: reply.body, as: UTF8.self))")
        return try #require(reply.dataObject["access_token"] as? String)
    }

    /// `POST /open/v1/ai_creation/task/submit` with a JSON object.
    func submit(_ fields: [String: Any], token: String?) async throws -> Reply {
        try await send("POST", "/open/v1/ai_creation/task/submit", body: JSONSerialization.data(withJSONObject: fields), token: token)
    }

    /// Submits and returns the task's unique_id, failing the test if the emulator refuses.
    func submitTask(_ fields: [String: Any], token: String) async throws -> String {
        let reply = try await submit(fields, token: token)
        try #require(reply.code == 0, "submit answered \(String(decoding: reply.body, as: UTF8.self))")
        return try #require(reply.json["data"] as? String)
    }

    func task(_ id: String, token: String?) async throws -> Reply {
        try await send("GET", "/open/v1/ai_creation/task?unique_id=\(id)", token: token)
    }

    func progress(_ id: String, token: String) async throws -> String? {
        try await task(id, token: token).dataObject["progress_desc"] as? String
    }

    func page(_ fields: [String: Any], token: String) async throws -> Reply {
        try await send("POST", "/open/v1/ai_creation/task/page", body: JSONSerialization.data(withJSONObject: fields), token: token)
    }
}

/// A text-to-video submit body for 1.0 pro with extra fields merged in.
func chanjingVideo(_ extra: [String: Any]) -> [String: Any] {
    chanjingVideo("a kitten yawns at the camera", model: ChanjingHarness.pro, extra)
}

/// A video submit body (text-to-video on 1.0 pro unless told otherwise) with extra fields merged in.
func chanjingVideo(_ prompt: String = "a kitten yawns at the camera", model: String = ChanjingHarness.pro, _ extra: [String: Any] = [:]) -> [String:
    Any]
{
    var fields: [String: Any] = [
        "creation_type": 4, "model_code": model, "ref_prompt": prompt, "aspect_ratio": "16:9", "clarity": 1080, "video_duration": 5,
    ]
    fields.merge(extra) { _, new in new }
    return fields
}

/// Runs a Chanjing emulator on an ephemeral loopback port while `body` runs, then stops it.
func withChanjingEmulator<T: Sendable>(
    _ configuration: EmulatorConfiguration = ChanjingHarness.configuration(), tokenLifetime: Double = 86_400,
    now: (@Sendable () -> Date)? = nil, _ body: (ChanjingHarness) async throws -> T
) async throws -> T {
    let emulator =
        now.map { ChanjingEmulator(configuration: configuration, tokenLifetime: tokenLifetime, now: $0) }
        ?? ChanjingEmulator(configuration: configuration, tokenLifetime: tokenLifetime)
    return try await withEmulatorApplication(emulator.makeApplication(onServerRunning:)) { baseURL, client in
        try await body(ChanjingHarness(emulator: emulator, client: client, baseURL: baseURL))
    }
}
