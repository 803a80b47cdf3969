import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SeedGateHTTP
import SeedGateServer
import SeedGateTesting
import Testing

/// Rotating a client's API key without downtime (docs/production.md): during the rotation the file lists the client
/// twice, same name and tenant, once per key; both keys work and see the same jobs, because jobs belong to the
/// tenant, not to a key. Afterwards only the new entry is left and the old key is refused.
@Suite("Client key rotation (in-process)")
struct ClientKeyRotationTests {
    let gateway = TestGateway()
    static let oldKey = "sk-video-old-0f3a"
    static let newKey = "sk-video-new-7c21"

    static func bearer(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)", .contentType: "application/json"] }

    /// The `clients:` section as an operator writes it mid-rotation: the old key from the environment, the new one
    /// only as its SHA-256, both for one client and tenant.
    static func rotatingFile() throws -> String {
        let yaml = """
            clients:
              - {name: video-team, tenant: video, key_env: SEEDGATE_KEY_VIDEO}
              - {name: video-team, tenant: video, key_sha256: \(APIKeys.digest(newKey))}
              - {name: ads, tenant: ads, key_env: SEEDGATE_KEY_ADS}
            """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-rotation-\(UUID().uuidString).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("mid-rotation both keys of a client work and see the same tenant's jobs; afterwards the old key is refused")
    func rotation() async throws {
        let path = try Self.rotatingFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = ["SEEDGATE_KEY_VIDEO": Self.oldKey, "SEEDGATE_KEY_ADS": "sk-ads-1", "SEEDGATE_WEBHOOK_SECRET": TestGateway.webhookSecret]
        let loaded = try ServerConfiguration.load(file: path, environment: environment)
        #expect(loaded.clients.map(\.tenant) == ["video", "video", "ads"])
        var configuration = gateway.configuration
        configuration.clients = loaded.clients

        let jobID = try await gateway.application(configuration, environment: environment).test(.router) { client in
            let created = try await client.execute(
                uri: "/v1/jobs", method: .post, headers: Self.bearer(Self.oldKey),
                body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["model": "seedance-1.5-pro", "prompt": "a paper boat"])))
            #expect(created.status == .accepted)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: created.body)) as? [String: Any])
            let jobID = try #require(body["id"] as? String)
            for key in [Self.oldKey, Self.newKey] {
                #expect(try await client.execute(uri: "/v1/jobs/\(jobID)", method: .get, headers: Self.bearer(key)).status == .ok)
            }
            #expect(try await client.execute(uri: "/v1/jobs/\(jobID)", method: .get, headers: Self.bearer("sk-ads-1")).status == .notFound)
            return jobID
        }

        // The rotation is over: the old entry is gone. The old key is refused; the new key still sees the job.
        configuration.clients = loaded.clients.enumerated().filter { $0.offset != 0 }.map(\.element)
        try await gateway.application(configuration, environment: environment).test(.router) { client in
            let old = try await client.execute(uri: "/v1/jobs", method: .get, headers: Self.bearer(Self.oldKey))
            #expect(old.status == .unauthorized)
            let new = try await client.execute(uri: "/v1/jobs/\(jobID)", method: .get, headers: Self.bearer(Self.newKey))
            #expect(new.status == .ok)
        }
    }
}
