public import Foundation
public import HTTPTypes
public import OpenAPIRuntime

/// An error answer from SeedGate: its HTTP status and its problem details (RFC 9457). When the answer was not
/// problem+json (a proxy's error page, say), `problem` is made up from the status and the first bytes of the body.
public struct SeedGateProblem: Error, CustomStringConvertible, Sendable {
    public var status: Int
    public var problem: Components.Schemas.Problem
    /// The operation that was answered so (`createJob`, `getJob`, …).
    public var operationID: String

    public init(status: Int, problem: Components.Schemas.Problem, operationID: String) {
        self.status = status
        self.problem = problem
        self.operationID = operationID
    }

    /// A client error (4xx: the request, the key or the job is at fault) rather than the server's (5xx).
    public var isClientError: Bool { (400..<500).contains(status) }

    /// `title: detail` (or the title alone), with the field at fault.
    public var description: String {
        var text = problem.title
        if let detail = problem.detail, !detail.isEmpty, detail != problem.title { text += ": \(detail)" }
        if let field = problem.field, !field.isEmpty, !text.contains(field) { text += " (field \(field))" }
        return text
    }
}

/// Turns every answer with status 400 or above into a thrown `SeedGateProblem`, so a caller of the generated client
/// handles errors in one `catch` instead of one case per status and operation. The client wraps it in its
/// `ClientError`; `SeedGateProblem.unwrap(_:)` finds it again.
public struct ProblemMiddleware: ClientMiddleware {
    /// The most of an error body that is read.
    static let limit = 1 << 20

    public init() {}

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        guard response.status.code >= 400 else { return (response, responseBody) }
        var bytes = Data()
        if let responseBody, let collected = try? await Data(collecting: responseBody, upTo: Self.limit) { bytes = collected }
        throw SeedGateProblem(status: response.status.code, problem: Self.problem(from: bytes, status: response.status), operationID: operationID)
    }

    static func problem(from bytes: Data, status: HTTPResponse.Status) -> Components.Schemas.Problem {
        if let problem = try? JSONDecoder().decode(Components.Schemas.Problem.self, from: bytes) { return problem }
        let text = String(decoding: bytes.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Components.Schemas.Problem(
            _type: "about:blank", title: status.reasonPhrase.isEmpty ? "HTTP \(status.code)" : status.reasonPhrase, status: status.code,
            detail: text.isEmpty ? nil : text, code: status.code >= 500 ? "unavailable" : "http_\(status.code)")
    }
}

extension SeedGateProblem {
    /// The `SeedGateProblem` inside `error` (the generated client wraps middleware errors in `ClientError`).
    public static func unwrap(_ error: any Error) -> SeedGateProblem? {
        if let problem = error as? SeedGateProblem { return problem }
        if let wrapped = error as? ClientError { return unwrap(wrapped.underlyingError) }
        return nil
    }
}
