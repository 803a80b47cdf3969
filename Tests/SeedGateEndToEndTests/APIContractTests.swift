import AsyncHTTPClient
import Foundation
import SeedGateAPI
import Testing

/// The unified API's answers to good and bad requests, over real HTTP.
@Suite(.timeLimit(.minutes(2))) struct APIContractTests {
    func withServer(_ body: (RunningServer, HTTPClient, RunningEmulator) async throws -> Void) async throws {
        let emulator = try await RunningEmulator.start(queueSeconds: 30, runSeconds: 30)
        var configuration = RunningServer.configuration(emulator: emulator, database: temporaryDatabase())
        configuration.maxBodyBytes = 64 * 1024
        let server = try await RunningServer.start(configuration)
        let client = HTTPClient.shared
        do {
            try await body(server, client, emulator)
        } catch {
            try? await server.stop()
            try? await emulator.stop()
            throw error
        }
        try await server.stop()
        try await emulator.stop()
    }

    func expectProblem(_ response: JSONResponse, status: Int, code: String, field: String?, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers.first(name: "content-type") == "application/problem+json", sourceLocation: sourceLocation)
        #expect(response.body["code"] as? String == code, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.body["field"] as? String == field, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.body["status"] as? Int == status, sourceLocation: sourceLocation)
    }

    @Test func invalidRequestsAre400sNamingTheField() async throws {
        try await withServer { server, client, emulator in
            let url = server.baseURL + "/v1/jobs"
            expectProblem(
                try await client.json(.POST, url, body: ["model": "seedance-1.5-pro", "prompt": "x", "duration": 99]),
                status: 400, code: "invalid_request", field: "duration")
            expectProblem(
                try await client.json(.POST, url, body: ["model": "seedance-1.5-pro", "prompt": "x", "duration": "five"]),
                status: 400, code: "invalid_request", field: "duration")
            expectProblem(try await client.json(.POST, url, body: ["prompt": "x"]), status: 400, code: "invalid_request", field: "model")
            expectProblem(
                try await client.json(.POST, url, body: ["model": "nope", "prompt": "x"]), status: 400, code: "invalid_request", field: "model")
            expectProblem(
                try await client.json(.POST, url, body: ["model": "seedance-1.5-pro", "prompt": "x", "frames": 29]),
                status: 400, code: "unsupported", field: "frames")
            expectProblem(
                try await client.json(
                    .POST, url, body: ["model": "seedance-1.5-pro", "prompt": "x", "images": [["url": "https://e.x/a.png", "role": "sideways"]]]),
                status: 400, code: "invalid_request", field: "images[0].role")
            expectProblem(
                try await client.json(.POST, url, body: ["model": "seedance-1.5-pro", "prompt": "x", "service_tier": "turbo"]),
                status: 400, code: "invalid_request", field: "service_tier")
            let typo = try await client.json(.POST, url, body: ["model": "seedance-1.5-pro", "prompt": "x", "durations": 5])
            #expect(typo.status == 400)
            #expect(typo.text.contains("durations"))
            let malformed = try await client.json(.POST, url, rawBody: "{\"model\": ")
            expectProblem(malformed, status: 400, code: "invalid_request", field: nil)
            let wrongType = try await client.json(.POST, url, rawBody: "model=x", headers: [("Content-Type", "text/plain")])
            #expect(wrongType.status == 415)
            let huge = try await client.json(.POST, url, body: ["model": "seedance-1.5-pro", "prompt": String(repeating: "a", count: 100_000)])
            expectProblem(huge, status: 413, code: "payload_too_large", field: nil)
            let stats = try await emulator.stats(client)
            #expect(stats["creates"] as? Int == 0)
        }
    }

    @Test func unknownJobsAndRoutesAre404Problems() async throws {
        try await withServer { server, client, _ in
            expectProblem(
                try await client.json(.GET, server.baseURL + "/v1/jobs/job_00000000000000000000000000"), status: 404, code: "not_found", field: nil)
            expectProblem(try await client.json(.GET, server.baseURL + "/v1/jobs/cgt-123"), status: 404, code: "not_found", field: nil)
            expectProblem(try await client.json(.POST, server.baseURL + "/v1/jobs/nope/cancel"), status: 404, code: "not_found", field: nil)
            let missing = try await client.json(.GET, server.baseURL + "/v2/nothing")
            #expect(missing.status == 404)
        }
    }

    @Test func listIsNewestFirstWithAnOpaqueCursor() async throws {
        try await withServer { server, client, _ in
            var ids: [String] = []
            for index in 0..<5 {
                let created = try await client.json(
                    .POST, server.baseURL + "/v1/jobs", body: ["model": "seedance-1.5-pro", "prompt": "job \(index)"])
                ids.append(try #require(created.body["id"] as? String))
            }
            let first = try await client.json(.GET, server.baseURL + "/v1/jobs?limit=3")
            let page1 = try #require(first.body["data"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(page1 == Array(ids.reversed().prefix(3)))
            #expect(first.body["has_more"] as? Bool == true)
            let cursor = try #require(first.body["next_cursor"] as? String)
            let second = try await client.json(.GET, server.baseURL + "/v1/jobs?limit=3&cursor=\(cursor)")
            let page2 = try #require(second.body["data"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(page2 == Array(ids.reversed().dropFirst(3)))
            #expect(second.body["has_more"] as? Bool == false)
            expectProblem(
                try await client.json(.GET, server.baseURL + "/v1/jobs?cursor=garbage"), status: 400, code: "invalid_request", field: "cursor")
            expectProblem(try await client.json(.GET, server.baseURL + "/v1/jobs?limit=1000"), status: 400, code: "invalid_request", field: "limit")
            // Query parameters that do not decode are named too (the runtime's URI decoder leaves the coding path empty).
            expectProblem(try await client.json(.GET, server.baseURL + "/v1/jobs?limit=ten"), status: 400, code: "invalid_request", field: "limit")
            expectProblem(try await client.json(.GET, server.baseURL + "/v1/jobs?status=done"), status: 400, code: "invalid_request", field: "status")
            let filtered = try await client.json(.GET, server.baseURL + "/v1/jobs?status=succeeded")
            #expect((filtered.body["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func catalogueHealthAndTheServedSpec() async throws {
        try await withServer { server, client, _ in
            let models = try await client.json(.GET, server.baseURL + "/v1/models")
            let data = try #require(models.body["data"] as? [[String: Any]])
            let pro = try #require(data.first { $0["id"] as? String == "seedance-1.5-pro" })
            #expect((pro["capabilities"] as? [String])?.contains("draft") == true)
            let offering = try #require((pro["providers"] as? [[String: Any]])?.first)
            #expect(offering["provider"] as? String == "volcengine-ark")
            #expect(offering["upstream_model"] as? String == "doubao-seedance-1-5-pro-251215")

            let providers = try await client.json(.GET, server.baseURL + "/v1/providers")
            #expect(providers.text.contains("volcengine-ark"))
            #expect(!providers.text.contains("emulator-key"))

            #expect(try await client.json(.GET, server.baseURL + "/healthz").status == 200)
            // A provider reached over HTTP (here the emulator as a separate server) counts as real: no demo.
            let ready = try await client.json(.GET, server.baseURL + "/readyz")
            #expect(ready.status == 200 && ready.body["demo"] as? Bool == false && (ready.body["emulated_providers"] as? [String]) == [])
            let spec = try await client.json(.GET, server.baseURL + "/openapi.yaml")
            #expect(spec.status == 200)
            #expect(spec.headers.first(name: "Content-Type") == "application/yaml")
            #expect(spec.text == (try String(contentsOf: repositoryRoot.appendingPathComponent("openapi/seedgate.yaml"), encoding: .utf8)))
            // The same document as JSON: at /openapi.json, and at /openapi.yaml for a client that only takes JSON.
            for (path, accept) in [("/openapi.json", "*/*"), ("/openapi.yaml", "application/json")] {
                let json = try await client.json(.GET, server.baseURL + path, headers: [("Accept", accept)])
                #expect(json.status == 200, "\(path) with Accept \(accept)")
                #expect(json.headers.first(name: "Content-Type") == "application/json")
                #expect(json.body["openapi"] as? String == "3.1.0")
                let schemes = (json.body["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
                #expect(schemes?.keys.sorted() == ["bearerKey", "headerKey"])
                #expect((json.body["webhooks"] as? [String: Any])?["jobEvent"] != nil)
            }
        }
    }
}

/// The generated server must come from the spec in the repository: editing openapi/seedgate.yaml without
/// running scripts/generate-openapi.sh fails here.
@Test func generatedCodeMatchesTheSpec() throws {
    let spec = try String(contentsOf: repositoryRoot.appendingPathComponent("openapi/seedgate.yaml"), encoding: .utf8)
    #expect(spec == openAPIDocument, "openapi/seedgate.yaml changed; run scripts/generate-openapi.sh")
}
