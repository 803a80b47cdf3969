import Foundation
import Hummingbird
import NIOCore

/// The one JSON configuration of everything SeedGate's HTTP layer writes: jobs, problems, both facades' objects and
/// errors, webhook payloads, SSE frames and idempotency fingerprints. Keys are sorted (stable bytes, so digests and
/// diffs are meaningful), slashes are left unescaped (URLs stay readable) and dates are RFC 3339 with milliseconds.
enum HTTPJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        return encoder
    }

    /// `value` as JSON, or `fallback` in the (programming-error) case that it does not encode.
    static func data(_ value: some Encodable, fallback: String = "{}") -> Data {
        (try? encoder().encode(value)) ?? Data(fallback.utf8)
    }

    /// A JSON response of `contentType` (application/json unless said otherwise).
    static func response(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], contentType: String = "application/json",
        fallback: String = "{}"
    ) -> Response {
        var headers = headers
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data(value, fallback: fallback))))
    }
}

/// RFC 3339 timestamps with milliseconds, the format every date in the API uses.
enum RFC3339 {
    static func string(from date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

/// An error that answers in its own API's shape: problem+json for the unified API, OpenAI's or Ark's error object
/// for the facades. Handlers throw them; `ProblemMiddleware` renders them as they are and turns any other error
/// into a problem. Each reads the request id `ProblemMiddleware` put in the logger's metadata.
protocol SeedGateResponseError: HTTPResponseError {}

extension RequestContext {
    /// The id `ProblemMiddleware` gave this request.
    var requestID: String? { logger[metadataKey: "request.id"].map { "\($0)" } }
}
