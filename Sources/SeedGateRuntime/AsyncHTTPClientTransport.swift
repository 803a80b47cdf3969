import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SeedGateCore
import Tracing

/// `UpstreamTransport` over AsyncHTTPClient: one pooled client for all providers, a deadline on every call,
/// a cap on response bodies, and failures classified by whether the request may have reached the provider.
///
/// Every call is a client span, `{METHOD} {provider} {operation}` (`POST volcengine-ark create`; the provider and
/// operation come from `TracedAdapter`), with the provider, operation, method, path (never the query or headers,
/// which may hold credentials) and the answer's status, and it sends the span's `traceparent` (and `tracestate`).
public struct AsyncHTTPClientTransport: UpstreamTransport {
    let client: HTTPClient
    let timeout: TimeAmount
    let maxResponseBytes: Int
    /// The tracer for the call spans; nil: the active one (`InstrumentationSystem.tracer`) at each call.
    let tracer: (any Tracer)?

    public init(
        client: HTTPClient, timeout: Duration = .seconds(30), maxResponseBytes: Int = RequestLimits.largestProviderAnswer,
        tracer: (any Tracer)? = nil
    ) {
        self.client = client
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        self.maxResponseBytes = maxResponseBytes
        self.tracer = tracer
    }

    /// A client suited to upstream calls: connection failures are reported at once (not retried until the
    /// deadline), so "could not connect" and "sent, no answer" stay distinguishable.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .enabled(limit: .ratio(20))
        // The transport makes its own spans and sends `traceparent` itself; AsyncHTTPClient's spans would record the
        // full URL with its query.
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func send(_ request: UpstreamRequest) async throws(TransportFailure) -> UpstreamResponse {
        let tracer = self.tracer ?? InstrumentationSystem.tracer
        let parent = ServiceContext.current ?? .topLevel
        let call = parent.upstreamCall
        let span = tracer.startSpan(
            "\(request.method) \(call?.provider.rawValue ?? "upstream") \(call?.operation ?? "call")", context: parent, ofKind: .client)
        defer { span.end() }
        span.updateAttributes { attributes in
            if let call {
                attributes["seedgate.provider"] = call.provider.rawValue
                attributes["seedgate.upstream.operation"] = call.operation
            }
            attributes["http.request.method"] = request.method
            attributes["url.path"] = request.path
            if let host = URLComponents(string: request.baseURL)?.host { attributes["server.address"] = host }
        }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        tracer.inject(span.context, into: &outgoing.headers, using: HTTPHeadersInjector())
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(outgoing, timeout: timeout)
            let status = Int(response.status.code)
            span.attributes["http.response.status_code"] = status
            if status >= 400 {
                span.attributes["error.type"] = String(status)
                span.setStatus(SpanStatus(code: .error))
            }
            let body = try await response.body.collect(upTo: maxResponseBytes)
            var headers: [String: String] = [:]
            for header in response.headers { headers[header.name.lowercased()] = header.value }
            return UpstreamResponse(status: status, headers: headers, body: Data(body.readableBytesView))
        } catch {
            let failure = Self.classify(error)
            span.attributes["error.type"] = failure.kind.rawValue
            span.attributes["seedgate.upstream.request_sent"] = failure.requestSent
            span.recordError(failure)
            span.setStatus(SpanStatus(code: .error))
            throw failure
        }
    }

    /// Connect-phase failures cannot have reached the provider; anything later might have.
    static func classify(_ error: any Error) -> TransportFailure {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout, .httpProxyHandshakeTimeout, .socksHandshakeTimeout:
                return TransportFailure(.connection, requestSent: false, detail: "could not connect (\(error.shortDescription))")
            case .readTimeout, .deadlineExceeded:
                return TransportFailure(.timeout, requestSent: true, detail: "no answer in time (\(error.shortDescription))")
            default:
                return TransportFailure(.connection, requestSent: true, detail: "connection failed after sending (\(error.shortDescription))")
            }
        case is NIOConnectionError, ChannelError.connectTimeout:
            return TransportFailure(.connection, requestSent: false, detail: "could not connect")
        case let error as IOError where [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode):
            return TransportFailure(.connection, requestSent: false, detail: "could not connect (errno \(error.errnoCode))")
        case is NIOTooManyBytesError:
            return TransportFailure(.responseTooLarge, requestSent: true, detail: "the answer is larger than SeedGate reads")
        default:
            return TransportFailure(.connection, requestSent: true, detail: "connection failed (\(String(describing: type(of: error))))")
        }
    }
}

extension HTTPClientError {
    /// A label-safe description: no URLs, no headers.
    var shortDescription: String { String(describing: self).prefix(60).description }
}
