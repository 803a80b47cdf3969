import Foundation
import HTTPTypes
import OpenAPIRuntime
import SeedGateClient
import Testing

/// The hand-written middlewares: the key as a bearer token, error answers as thrown `SeedGateProblem`s.
@Suite struct ClientMiddlewareTests {
    static let base = URL(string: "http://seedgate.test")!

    static func answer(_ status: Int, _ body: String?, contentType: String = "application/problem+json")
        -> @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    {
        { _, _, _ in
            var response = HTTPResponse(status: .init(code: status))
            response.headerFields[.contentType] = contentType
            return (response, body.map { HTTPBody($0) })
        }
    }

    @Test func theKeyGoesAsABearerToken() async throws {
        let seen = Seen()
        _ = try await BearerKeyMiddleware(key: "sg-k").intercept(
            HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/v1/jobs"), body: nil, baseURL: Self.base, operationID: "listJobs"
        ) { request, _, _ in
            await seen.set(request.headerFields[.authorization])
            return (HTTPResponse(status: .ok), nil)
        }
        #expect(await seen.value == "Bearer sg-k")
    }

    @Test func aProblemAnswerIsThrownWithItsDetails() async throws {
        let body = #"{"type":"about:blank","title":"Unauthorized","status":401,"code":"unauthorized","detail":"send a valid API key"}"#
        do {
            _ = try await ProblemMiddleware().intercept(
                HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/v1/jobs"), body: nil, baseURL: Self.base, operationID: "listJobs",
                next: Self.answer(401, body))
            Issue.record("no error thrown")
        } catch let problem as SeedGateProblem {
            #expect(problem.status == 401)
            #expect(problem.isClientError)
            #expect(problem.problem.code == "unauthorized")
            #expect(problem.description == "Unauthorized: send a valid API key")
            #expect(problem.operationID == "listJobs")
        }
    }

    @Test func anAnswerThatIsNoProblemIsStillAProblem() async throws {
        do {
            _ = try await ProblemMiddleware().intercept(
                HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/v1/jobs"), body: nil, baseURL: Self.base, operationID: "listJobs",
                next: Self.answer(502, "<html>bad gateway</html>", contentType: "text/html"))
            Issue.record("no error thrown")
        } catch let problem as SeedGateProblem {
            #expect(problem.status == 502)
            #expect(!problem.isClientError)
            #expect(problem.problem.detail == "<html>bad gateway</html>")
        }
    }

    @Test func successPassesThrough() async throws {
        let (response, _) = try await ProblemMiddleware().intercept(
            HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/healthz"), body: nil, baseURL: Self.base, operationID: "getHealth",
            next: Self.answer(200, "{}", contentType: "application/json"))
        #expect(response.status == .ok)
    }

    @Test func unwrapFindsTheProblemInsideTheClientsError() {
        let problem = SeedGateProblem(
            status: 404, problem: .init(_type: "about:blank", title: "Not found", status: 404, code: "not_found"), operationID: "getJob")
        let wrapped = ClientError(
            operationID: "getJob", operationInput: "", request: nil, requestBody: nil, baseURL: Self.base, response: nil, responseBody: nil,
            causeDescription: "middleware", underlyingError: problem)
        #expect(SeedGateProblem.unwrap(wrapped)?.status == 404)
        #expect(SeedGateProblem.unwrap(CocoaError(.fileNoSuchFile)) == nil)
    }

    actor Seen {
        var value: String?
        func set(_ value: String?) { self.value = value }
    }
}
