import Foundation
import SeedGateCore

/// One HTTP exchange with a provider as recorded (in a cassette, or written by a test): the request the adapter must
/// send and the response it gets. Everything is the provider's wire format.
public struct RecordedExchange: Decodable, Sendable {
    public var request: RecordedRequest
    public var response: RecordedResponse

    public init(request: RecordedRequest, response: RecordedResponse) {
        self.request = request
        self.response = response
    }
}

/// A recorded request. Only the listed headers are checked; `nil` as a header's value means "must not be sent", and
/// a value ending in `<redacted>` or `<any>` matches any value that starts with what precedes it.
public struct RecordedRequest: Decodable, Sendable {
    public var method: String
    public var path: String
    public var query: [[String]]?
    public var headers: [String: String?]?
    public var json: JSONValue?

    public init(method: String, path: String, query: [[String]]?, headers: [String: String?]?, json: JSONValue?) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.json = json
    }
}

/// A recorded response: a JSON body, or (`body`) one that is not JSON, verbatim.
public struct RecordedResponse: Decodable, Sendable {
    public var status: Int
    public var headers: [String: String]?
    public var json: JSONValue?
    public var body: String?

    public init(status: Int, headers: [String: String]?, json: JSONValue?, body: String?) {
        self.status = status
        self.headers = headers
        self.json = json
        self.body = body
    }

    /// As the adapter receives it: header names in lower case, the body as bytes.
    public var upstreamResponse: UpstreamResponse {
        let data = json?.data() ?? Data((body ?? "").utf8)
        let names = Dictionary((headers ?? [:]).map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        return UpstreamResponse(status: status, headers: names, body: data)
    }
}
