public import Foundation
public import HTTPTypes
public import OpenAPIRuntime

/// Adds `Authorization: Bearer <key>` to every request. The key never appears in `description` (so not in logs or
/// error messages either).
public struct BearerKeyMiddleware: ClientMiddleware, CustomStringConvertible {
    private let key: String

    public init(key: String) { self.key = key }

    public var description: String { "BearerKeyMiddleware(key: redacted)" }

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(key)"
        return try await next(request, body, baseURL)
    }
}
