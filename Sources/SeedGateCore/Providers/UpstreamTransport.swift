import Foundation

/// One HTTP request to a provider, built by an adapter. The transport joins `baseURL`, `path` and `query`.
public struct UpstreamRequest: Sendable, Equatable {
    public var method: String
    public var baseURL: String
    public var path: String
    public var query: [QueryItem]
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data?

    public init(
        method: String, baseURL: String, path: String, query: [QueryItem] = [],
        headers: [String: String] = [:], body: Data? = nil
    ) {
        self.method = method
        self.baseURL = baseURL
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The full URL with the query string percent-encoded.
    public var url: String {
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.name, value: $0.value) }
        let queryString = query.isEmpty ? "" : "?" + (components.percentEncodedQuery ?? "")
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return base + path + queryString
    }
}

public struct QueryItem: Sendable, Equatable, Codable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

public struct UpstreamResponse: Sendable, Equatable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends upstream requests. The runtime provides one over AsyncHTTPClient; tests replay recorded exchanges.
public protocol UpstreamTransport: Sendable {
    func send(_ request: UpstreamRequest) async throws(TransportFailure) -> UpstreamResponse
}

/// Why a request got no HTTP answer. `requestSent` tells whether the provider may have acted on it.
public struct TransportFailure: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case timeout
        case connection
        /// The answer was larger than the transport reads (`RequestLimits.largestProviderAnswer`).
        case responseTooLarge
    }

    public var kind: Kind
    public var requestSent: Bool
    public var detail: String

    public init(_ kind: Kind, requestSent: Bool, detail: String) {
        self.kind = kind
        self.requestSent = requestSent
        self.detail = detail
    }
}
