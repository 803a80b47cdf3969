import Foundation
import SeedGateCore

/// The plumbing every adapter shares: one JSON request through the context's transport, transport failures turned
/// into `ProviderError`s, and non-2xx answers classified by the provider's own error rules.
enum JSONExchange {
    /// Sends `request`; returns the 2xx answer, or throws the transport failure or `classify`'s error.
    static func transmit(
        _ request: UpstreamRequest, context: ProviderContext, classify: (UpstreamResponse) -> ProviderError
    ) async throws(ProviderError) -> UpstreamResponse {
        let response: UpstreamResponse
        do throws(TransportFailure) {
            response = try await context.transport.send(request)
        } catch {
            throw ProviderError(error)
        }
        guard (200..<300).contains(response.status) else { throw classify(response) }
        return response
    }

    /// Sends a JSON request: `accept: application/json`, `content-type: application/json` when there is a body,
    /// and the given `authorization` header value.
    static func send(
        _ method: String, _ path: String, query: [QueryItem] = [], body: Data? = nil, authorization: String,
        context: ProviderContext, classify: (UpstreamResponse) -> ProviderError
    ) async throws(ProviderError) -> UpstreamResponse {
        var headers = ["authorization": authorization, "accept": "application/json"]
        if body != nil { headers["content-type"] = "application/json" }
        let request = UpstreamRequest(method: method, baseURL: context.baseURL, path: path, query: query, headers: headers, body: body)
        return try await transmit(request, context: context, classify: classify)
    }

    /// A request body: sorted keys and unescaped slashes, so bodies are stable and URLs read as sent.
    static func encode(_ value: some Encodable) throws(ProviderError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(value)
        } catch {
            throw ProviderError(.invalidRequest, providerMessage: "cannot encode the request body: \(error)", requestSent: false)
        }
    }
}
