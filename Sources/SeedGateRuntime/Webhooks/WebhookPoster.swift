import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends one webhook POST and answers the receiver's HTTP status; throws when no answer came (refused, timed out).
/// The webhook service decides everything else (destination, signature, retries), so tests can stand in for the
/// network with a closure.
public struct WebhookPoster: Sendable {
    public var post: @Sendable (_ url: String, _ headers: [(String, String)], _ body: Data) async throws -> Int

    public init(post: @escaping @Sendable (_ url: String, _ headers: [(String, String)], _ body: Data) async throws -> Int) {
        self.post = post
    }

    /// Over AsyncHTTPClient, with a 10 s timeout; at most 64 KiB of the answer is read (and ignored). The current
    /// trace context (the delivery's span, in the job's trace) goes along as `traceparent` (and `tracestate`).
    public static func httpClient(_ client: HTTPClient, timeout: TimeAmount = .seconds(10)) -> WebhookPoster {
        WebhookPoster { url, headers, body in
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.headers.injectTraceContext()
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return Int(response.status.code)
        }
    }
}
