import AsyncHTTPClient
import Foundation
import OpenAPIAsyncHTTPClient
public import OpenAPIRuntime

extension Client {
    /// A client of the SeedGate server at `baseURL` (e.g. `http://seedgate:8080`), over AsyncHTTPClient.
    ///
    /// - Parameters:
    ///   - apiKey: the client key (`clients:` in the server's configuration), sent as `Authorization: Bearer`; nil
    ///     for a server with no keys configured.
    ///   - httpClient: the AsyncHTTPClient to send with (default: the shared one).
    ///   - timeout: the deadline of each request, its response body included (downloads need a longer one).
    ///   - throwingProblems: when true, every 4xx/5xx answer is thrown as a `SeedGateProblem` (its
    ///     problem+json decoded) instead of being returned as the operation's error case: callers then switch only on
    ///     the success cases.
    ///   - middlewares: more middlewares, called after the key is added.
    public static func make(
        baseURL: URL, apiKey: String?, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(60),
        throwingProblems: Bool = false, middlewares: [any ClientMiddleware] = []
    ) -> Client {
        var all: [any ClientMiddleware] = []
        if let apiKey, !apiKey.isEmpty { all.append(BearerKeyMiddleware(key: apiKey)) }
        if throwingProblems { all.append(ProblemMiddleware()) }
        all += middlewares
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        return Client(
            serverURL: baseURL, configuration: .seedGate,
            transport: AsyncHTTPClientTransport(configuration: .init(client: httpClient, timeout: .nanoseconds(nanoseconds))),
            middlewares: all)
    }
}

extension Configuration {
    /// SeedGate writes dates as RFC 3339 with milliseconds; this also reads them without.
    public static var seedGate: Configuration { Configuration(dateTranscoder: RFC3339DateTranscoder()) }
}

/// RFC 3339 dates: written with milliseconds (as SeedGate writes them), read with or without fractional seconds.
public struct RFC3339DateTranscoder: DateTranscoder {
    public init() {}

    public func encode(_ date: Date) throws -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    public func decode(_ text: String) throws -> Date {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not an RFC 3339 date-time: \(text)"))
    }
}
