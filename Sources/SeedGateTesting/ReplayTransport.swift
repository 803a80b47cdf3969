import Foundation
import SeedGateCore

/// An `UpstreamTransport` that answers with recorded exchanges (a cassette's, or a test's), in order, and notes every
/// way the requests it receives differ from the recorded ones. A differing request is still answered (with the
/// recorded response) so one run reports every difference; a request beyond the recording fails as a connection error.
public actor ReplayTransport: UpstreamTransport {
    private let exchanges: [RecordedExchange]
    private let baseURL: String
    private var next = 0
    private var mismatches: [String] = []

    public init(_ exchanges: [RecordedExchange], baseURL: String) {
        self.exchanges = exchanges
        self.baseURL = baseURL
    }

    public func send(_ request: UpstreamRequest) async throws(TransportFailure) -> UpstreamResponse {
        let index = next
        next += 1
        guard index < exchanges.count else {
            mismatches.append("request \(index + 1) (\(request.method) \(request.path)) has no recorded exchange")
            throw TransportFailure(.connection, requestSent: false, detail: "replay: no recorded exchange left")
        }
        let exchange = exchanges[index]
        mismatches += Self.differences(request, exchange.request, baseURL: baseURL).map { "request \(index + 1): \($0)" }
        return exchange.response.upstreamResponse
    }

    /// Every difference noted so far, plus one for each exchange that was never requested.
    public func finish() -> [String] {
        let unused = exchanges.indices.dropFirst(next).map { index in
            "exchange \(index + 1) (\(exchanges[index].request.method) \(exchanges[index].request.path)) was never requested"
        }
        return mismatches + unused
    }

    public static func differences(_ request: UpstreamRequest, _ recorded: RecordedRequest, baseURL: String) -> [String] {
        var found: [String] = []
        if request.baseURL != baseURL { found.append("base URL \(request.baseURL), recorded \(baseURL)") }
        if request.method != recorded.method { found.append("method \(request.method), recorded \(recorded.method)") }
        if request.path != recorded.path { found.append("path \(request.path), recorded \(recorded.path)") }
        let query = request.query.map { [$0.name, $0.value] }
        if query != (recorded.query ?? []) { found.append("query \(query), recorded \(recorded.query ?? [])") }
        for (name, expected) in (recorded.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            let actual = request.headers[name.lowercased()]
            if !headerMatches(actual, expected) {
                let shown = actual.map { "sent \(redacted($0, like: expected))" } ?? "absent"
                found.append("header \(name): \(shown), recorded \(expected ?? "absent")")
            }
        }
        switch (request.body, recorded.json) {
        case (nil, nil): break
        case (let body?, nil): if !body.isEmpty { found.append("a body was sent, none recorded") }
        case (nil, .some): found.append("no body was sent, a JSON body was recorded")
        case (let body?, let json?):
            if let sent = JSONValue(data: body) {
                found += sent.differences(from: json).map { "JSON body \($0) (sent ≠ recorded)" }
            } else {
                found.append("the body sent is not JSON")
            }
        }
        return found
    }

    /// A recorded value ending in `<redacted>` or `<any>` matches any value that starts with what precedes it.
    public static func headerMatches(_ actual: String?, _ expected: String?) -> Bool {
        guard let expected else { return actual == nil }
        guard let actual else { return false }
        for placeholder in ["<redacted>", "<any>"] where expected.hasSuffix(placeholder) {
            return actual.hasPrefix(String(expected.dropLast(placeholder.count)))
        }
        return actual == expected
    }

    /// A differing header value is shown only where the recording shows one: secrets stay out of test output.
    private static func redacted(_ actual: String, like expected: String?) -> String {
        guard let expected, expected.hasSuffix("<redacted>") else { return actual }
        return "<redacted>"
    }
}
