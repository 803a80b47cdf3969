import AsyncHTTPClient
import Foundation
import Logging
import SeedGateHTTP
import SeedGateServer
import Synchronization
import Testing

/// Clients, keys and tenants; and no credential ever appears in a log line or an answer.
@Suite(.timeLimit(.minutes(2))) struct TenancyAndSecretsTests {
    static let aliceKey = "sg-alice-SHOULD-NEVER-BE-LOGGED-19c2"
    static let bobKey = "sg-bob-key-2"
    static let adminKey = "sg-admin-key-3"

    /// Collects every log line the server writes, with its metadata.
    final class LogCapture: Sendable {
        let lines = Mutex<[String]>([])

        func logger() -> Logger {
            Logger(label: "capture") { label in CapturingHandler(capture: self, label: label) }
        }

        struct CapturingHandler: LogHandler {
            let capture: LogCapture
            let label: String
            var logLevel: Logger.Level = .trace
            var metadata: Logger.Metadata = [:]

            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }

            func log(event: LogEvent) {
                let all = metadata.merging(event.metadata ?? [:]) { $1 }
                capture.lines.withLock { $0.append("\(event.level) \(event.message) \(all) \(event.source)") }
            }
        }
    }

    @Test func tenantsSeeOnlyTheirOwnJobsAndSecretsStayOutOfLogsAndAnswers() async throws {
        let emulator = try await RunningEmulator.start(queueSeconds: 0.2, runSeconds: 0.4)
        var configuration = RunningServer.configuration(emulator: emulator, database: temporaryDatabase())
        configuration.providers?[0].credentialVariables = ["api_key": "TEST_ARK_KEY"]
        configuration.clients = [
            .init(name: "alice", tenant: "team-a", keyVariable: "ALICE_KEY"),
            .init(name: "bob", tenant: "team-b", keySHA256: APIKeys.digest(Self.bobKey)),
            .init(name: "ops", tenant: "ops", isAdmin: true, keyVariable: "ADMIN_KEY"),
        ]
        let capture = LogCapture()
        // The emulator accepts its own key; SeedGate reads the provider key from the variable the file names.
        let running = try await RunningServer.start(
            configuration,
            environment: [
                "TEST_ARK_KEY": "emulator-key", "ALICE_KEY": Self.aliceKey, "ADMIN_KEY": Self.adminKey,
                "SEEDGATE_WEBHOOK_SECRET": RunningServer.webhookSecret,
            ],
            logger: capture.logger())
        let client = HTTPClient.shared
        func auth(_ key: String) -> [(String, String)] { [("Authorization", "Bearer \(key)")] }
        let base = running.baseURL

        let anonymous = try await client.json(.POST, base + "/v1/jobs", body: ["model": "seedance-1.5-pro", "prompt": "x"])
        #expect(anonymous.status == 401)
        #expect(anonymous.headers.first(name: "WWW-Authenticate") == #"Bearer realm="seedgate""#, "a 401 names the scheme to use")
        let wrong = try await client.json(.GET, base + "/v1/jobs", headers: auth("wrong"))
        #expect(wrong.status == 401 && wrong.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
        // The spec, as YAML or JSON, needs no key.
        #expect(try await client.json(.GET, base + "/openapi.json").status == 200)
        #expect(try await client.json(.GET, base + "/openapi.yaml").status == 200)
        #expect(try await client.json(.GET, base + "/healthz").status == 200)

        let created = try await client.json(
            .POST, base + "/v1/jobs", body: ["model": "seedance-1.5-pro", "prompt": "alice's job"], headers: auth(Self.aliceKey))
        let id = try #require(created.body["id"] as? String)
        #expect(created.headers.first(name: "Location") == "/v1/jobs/\(id)")
        _ = try await client.json(.POST, base + "/v1/jobs", body: ["model": "seedance-1.5-pro", "prompt": "bob's job"], headers: auth(Self.bobKey))

        #expect(try await client.json(.GET, base + "/v1/jobs/\(id)", headers: auth(Self.bobKey)).status == 404)
        #expect(try await client.json(.POST, base + "/v1/jobs/\(id)/cancel", headers: auth(Self.bobKey)).status == 404)
        #expect(try await client.json(.GET, base + "/v1/jobs/\(id)/events", headers: auth(Self.bobKey)).status == 404)
        let bobsList = try await client.json(.GET, base + "/v1/jobs", headers: auth(Self.bobKey)).body["data"] as? [[String: Any]]
        #expect(bobsList?.count == 1)
        #expect(bobsList?.first?["id"] as? String != id)
        let adminList = try await client.json(.GET, base + "/v1/jobs", headers: auth(Self.adminKey)).body["data"] as? [[String: Any]]
        #expect(adminList?.count == 2)
        #expect(try await client.json(.GET, base + "/v1/jobs/\(id)", headers: auth(Self.adminKey)).status == 200)

        var answers = ""
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let job = try await client.json(.GET, base + "/v1/jobs/\(id)", headers: auth(Self.aliceKey))
            answers += job.text
            if isTerminal(job.body) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        answers += try await client.json(.GET, base + "/v1/providers", headers: auth(Self.aliceKey)).text
        answers += try await client.json(.GET, base + "/v1/jobs", headers: auth(Self.adminKey)).text
        #expect(answers.contains("succeeded"))
        try await running.stop()
        try await emulator.stop()

        let logs = capture.lines.withLock { $0 }.joined(separator: "\n")
        #expect(logs.contains("job succeeded"), "the capture saw the server's logs")
        for secret in [Self.aliceKey, Self.bobKey, Self.adminKey, "emulator-key", RunningServer.webhookSecret] {
            #expect(!logs.contains(secret), "a credential leaked into the logs")
            #expect(!answers.contains(secret), "a credential leaked into an answer")
        }
    }
}
