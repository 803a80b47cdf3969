import Foundation
import SeedGateCore
import SeedGateEmulators
import SeedGateRuntime
import SeedGateServer
import Testing

/// A provider's emulator, started from `ProviderModules` on an ephemeral loopback port, and a client that speaks to
/// it with the emulator's own credentials.
struct CassetteEmulator: Sendable {
    let provider: ProviderID
    let baseURL: String
    /// The emulator's credentials, by the manifest's names (`api_key`, or `app_id` + `secret_key`).
    let credentials: [String: String]
    let transport: AsyncHTTPClientTransport

    func send(_ method: String, _ path: String, query: [QueryItem] = [], headers: [String: String] = [:], json: JSONValue? = nil)
        async throws -> UpstreamResponse
    {
        var headers = headers
        if json != nil, headers["content-type"] == nil { headers["content-type"] = "application/json" }
        let request = UpstreamRequest(method: method, baseURL: baseURL, path: path, query: query, headers: headers, body: json?.data())
        return try await transport.send(request)
    }

    /// A helper route (`/emulator/…`, no credentials), its body parsed.
    func helper(_ method: String, _ path: String, _ json: JSONValue? = nil) async throws -> JSONValue? {
        JSONValue(data: try await send(method, path, json: json).body)
    }

    /// Arms faults through `POST /emulator/faults`, failing the test if the emulator refuses.
    func arm(_ faults: [String: JSONValue]) async throws {
        let answer = try await send("POST", "/emulator/faults", json: .object(faults))
        try #require(answer.status == 200, "\(provider) refused faults: \(String(decoding: answer.body, as: UTF8.self))")
    }

    /// The neutral status of each emulated task (`GET /emulator/tasks`), by id.
    func neutralStatuses() async throws -> [String: String] {
        guard case .array(let tasks)? = try await helper("GET", "/emulator/tasks")?["tasks"] else { return [:] }
        var statuses: [String: String] = [:]
        for task in tasks {
            if case .string(let id)? = task["id"], case .string(let status)? = task["status"] { statuses[id] = status }
        }
        return statuses
    }
}

extension JSONValue {
    /// Every string equal to a key of `replacements` replaced by its value, throughout the document.
    func replacingStrings(_ replacements: [String: String]) -> JSONValue {
        switch self {
        case .string(let value): .string(replacements[value] ?? value)
        case .array(let elements): .array(elements.map { $0.replacingStrings(replacements) })
        case .object(let members): .object(members.mapValues { $0.replacingStrings(replacements) })
        default: self
        }
    }
}

/// Runs `provider`'s emulator (`ProviderModules.module(provider)!.emulator`) on port 0 while `body` runs, then stops it.
func withCassetteEmulator<T: Sendable>(
    _ provider: ProviderID, _ configuration: EmulatorConfiguration, _ body: (CassetteEmulator) async throws -> T
) async throws -> T {
    let factory = try #require(ProviderModules.module(provider)?.emulator, "no emulator for \(provider)")
    var credentials: [String: String] = [:]
    return try await withLoopbackEmulator("\(provider) emulator") { onPort in
        let instance = factory(configuration, onPort)
        credentials = instance.credentials
        let service = instance.service
        return { try await service.run() }
    } _: { baseURL, transport in
        try await body(CassetteEmulator(provider: provider, baseURL: baseURL, credentials: credentials, transport: transport))
    }
}
