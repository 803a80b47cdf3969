import AsyncHTTPClient
import Foundation
import NIOCore
import SeedGateEmulators
import Testing

/// The fault and task-timing helper routes, as a fault-injection test drives them.
extension ArkHarness {
    /// `POST /emulator/faults` with `fields` (no authentication).
    func postFaults(_ fields: [String: Any]) async throws -> Reply {
        try await send("POST", "/emulator/faults", body: JSONSerialization.data(withJSONObject: fields), key: nil)
    }

    /// Arms faults, failing the test if the emulator refuses them.
    func arm(_ fields: [String: Any]) async throws {
        let reply = try await postFaults(fields)
        try #require(reply.status == 200, "faults refused: \(String(decoding: reply.body, as: UTF8.self))")
    }

    /// `GET /emulator/faults`.
    func faultPlan() async throws -> [String: Any] {
        try await send("GET", "/emulator/faults", key: nil).json
    }

    /// How many faults of `kind` were injected (`injected` of `GET /emulator/faults`).
    func injected(_ kind: String) async throws -> Int? {
        (try await faultPlan()["injected"] as? [String: Any])?[kind] as? Int
    }

    /// `GET /emulator/tasks`.
    func emulatedTasks() async throws -> [[String: Any]] {
        (try await send("GET", "/emulator/tasks", key: nil).json["tasks"] as? [[String: Any]]) ?? []
    }

    /// `GET …/tasks` (the list call) with no filter.
    func listTasks() async throws -> Reply {
        try await send("GET", "/api/v3/contents/generations/tasks")
    }

    /// A create with its own client timeout (the harness's own is 10 s).
    func create(_ fields: [String: Any], timeout: TimeAmount) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + "/api/v3/contents/generations/tasks")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(ArkHarness.key)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(try JSONSerialization.data(withJSONObject: fields))
        let response = try await client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), headers: [:], body: Data(bytes.readableBytesView))
    }
}

extension Reply {
    /// True when the body parses as JSON of any kind.
    var isJSON: Bool { (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) != nil }
}
