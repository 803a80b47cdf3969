import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SeedGateCore

/// `UpstreamTransport` over AsyncHTTPClient: one pooled client for all providers, a deadline on every call,
/// a cap on response bodies, and failures classified by whether the request may have reached the provider.
public struct AsyncHTTPClientTransport: UpstreamTransport {
    let client: HTTPClient
    let timeout: TimeAmount
    let maxResponseBytes: Int

    public init(client: HTTPClient, timeout: Duration = .seconds(30), maxResponseBytes: Int = RequestLimits.largestProviderAnswer) {
        self.client = client
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        self.maxResponseBytes = maxResponseBytes
    }

    /// A client suited to upstream calls: connection failures are reported at once (not retried until the
    /// deadline), so "could not connect" and "sent, no answer" stay distinguishable.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .enabled(limit: .ratio(20))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func send(_ request: UpstreamRequest) async throws(TransportFailure) -> UpstreamResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(outgoing, timeout: timeout)
            let body = try await response.body.collect(upTo: maxResponseBytes)
            var headers: [String: String] = [:]
            for header in response.headers { headers[header.name.lowercased()] = header.value }
            return UpstreamResponse(status: Int(response.status.code), headers: headers, body: Data(body.readableBytesView))
        } catch {
            throw Self.classify(error)
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
