import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SeedGateCore
import SeedGateServer
import SeedGateTesting
import Testing

/// The unified API in-process: the application `buildApplication` makes, over stub providers and an in-memory
/// store, driven through HummingbirdTesting's router mode (no sockets).
@Suite("Jobs routes (in-process)")
struct JobsRoutesTests {
    let gateway = TestGateway()

    func json(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static let contentType: HTTPFields = [.contentType: "application/json"]

    @Test("a valid create answers 202 queued, and the job reads back")
    func createAndRead() async throws {
        try await gateway.application().test(.router) { client in
            let created = try await client.execute(
                uri: "/v1/jobs", method: .post, headers: Self.contentType,
                body: try json(["model": "seedance-1.5-pro", "prompt": "a kitten yawns", "duration": 5]))
            #expect(created.status == .accepted)
            let job = try object(created)
            #expect(job["status"] as? String == "queued")
            let id = try #require(job["id"] as? String)
            let read = try await client.execute(uri: "/v1/jobs/\(id)", method: .get)
            #expect(read.status == .ok)
            #expect(try object(read)["id"] as? String == id)
            #expect(read.headers[HTTPField.Name("SeedGate-Poll-After-Ms")!] != nil, "an unfinished job tells pollers when to ask again")
        }
    }

    @Test("bad input is a 400 problem naming the field, and nothing is stored")
    func validationProblem() async throws {
        try await gateway.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/jobs", method: .post, headers: Self.contentType,
                body: try json(["model": "seedance-1.5-pro", "prompt": "x", "duration": 99]))
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = try object(response)
            #expect(problem["field"] as? String == "duration")
            #expect((problem["detail"] as? String)?.contains("4–12") == true)
        }
        #expect(try await gateway.store.list(JobQuery()).jobs.isEmpty)
        #expect(gateway.adapters.allSatisfy { $0.submits.isEmpty }, "nothing was sent to a provider")
    }

    @Test("an unknown or malformed job id is a 404 problem")
    func notFound() async throws {
        try await gateway.application().test(.router) { client in
            for id in ["job_01JZZZZZZZZZZZZZZZZZZZZZZZ", "nope"] {
                let response = try await client.execute(uri: "/v1/jobs/\(id)", method: .get)
                #expect(response.status == .notFound)
                #expect(try object(response)["code"] as? String == "not_found")
            }
        }
    }

    @Test("an Idempotency-Key replays the first job; another body with it is a 422")
    func idempotency() async throws {
        try await gateway.application().test(.router) { client in
            var headers = Self.contentType
            headers[HTTPField.Name("Idempotency-Key")!] = "order-42"
            let body = try json(["model": "seedance-1.5-pro", "prompt": "a paper boat"])
            let first = try await client.execute(uri: "/v1/jobs", method: .post, headers: headers, body: body)
            let again = try await client.execute(uri: "/v1/jobs", method: .post, headers: headers, body: body)
            #expect(first.status == .accepted)
            #expect(again.status == .accepted)
            #expect(try object(first)["id"] as? String == (try object(again)["id"] as? String))
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            let other = try await client.execute(
                uri: "/v1/jobs", method: .post, headers: headers, body: try json(["model": "seedance-1.5-pro", "prompt": "another boat"]))
            #expect(other.status == .unprocessableContent)
            #expect(try object(other)["code"] as? String == "idempotency_key_reused")
        }
        #expect(try await gateway.store.list(JobQuery()).jobs.count == 1)
    }

    @Test("health, readiness, models and providers answer")
    func operationalRoutes() async throws {
        try await gateway.application().test(.router) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            let models = try object(try await client.execute(uri: "/v1/models", method: .get))
            let names = (models["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(names.contains("seedance-1.5-pro"))
            let providers = try object(try await client.execute(uri: "/v1/providers", method: .get))
            let ids = (providers["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(ids.sorted() == ["byteplus-modelark", "volcengine-ark"])
        }
    }

    @Test("with clients configured, a request without a valid key is a 401 problem")
    func authentication() async throws {
        var configuration = gateway.configuration
        configuration.clients = [.init(name: "team-a", tenant: "team-a", keyVariable: "TEAM_A_KEY")]
        let application = try gateway.application(configuration, environment: ["TEAM_A_KEY": "sk-team-a"])
        try await application.test(.router) { client in
            let refused = try await client.execute(uri: "/v1/jobs", method: .get)
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let wrong = try await client.execute(uri: "/v1/jobs", method: .get, headers: [.authorization: "Bearer sk-wrong"])
            #expect(wrong.status == .unauthorized)
            let allowed = try await client.execute(uri: "/v1/jobs", method: .get, headers: [.authorization: "Bearer sk-team-a"])
            #expect(allowed.status == .ok)
            for path in ["/healthz", "/readyz", "/openapi.yaml", "/metrics"] {
                #expect(try await client.execute(uri: path, method: .get).status == .ok, "\(path) stays open")
            }
            // Callbacks are open too: an unknown token is a 404, not a 401.
            let callback = try await client.execute(
                uri: "/v1/callbacks/volcengine-ark/unknown-token", method: .post, headers: Self.contentType, body: try json(["id": "x"]))
            #expect(callback.status == .notFound)
            // Each facade refuses in its own error shape.
            let openAI = try object(try await client.execute(uri: "/v1/videos", method: .get))
            #expect((openAI["error"] as? [String: Any])?["type"] as? String == "authentication_error")
            let ark = try object(try await client.execute(uri: "/api/v3/contents/generations/tasks", method: .get))
            #expect((ark["error"] as? [String: Any])?["type"] as? String == "Unauthorized")
            let arkAllowed = try await client.execute(
                uri: "/api/v3/contents/generations/tasks", method: .get, headers: [.authorization: "Bearer sk-team-a"])
            #expect(arkAllowed.status == .ok)
        }
    }
}
