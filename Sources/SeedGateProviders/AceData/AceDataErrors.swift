import Foundation
import SeedGateCore

/// Classification of AceData's answers into `ProviderError`s (facts: acedata.md "Errors", [S003] [SDK-ACE]).
/// AceData's `error.code` decides first (it is specific and stable); the HTTP status decides when the code is
/// absent or unknown. The provider's code and message are always kept.
enum AceDataErrors {
    /// Which call an answer belongs to: a 404 means different things to a create and to a task lookup.
    enum Call {
        case create
        case task
    }

    /// `error.code` → kind, for the codes AceData documents or its official SDK names.
    static func kind(forCode code: String?) -> ProviderError.Kind? {
        guard let code else { return nil }
        switch code {
        // `token_mismatched`: the docs file it under 400 "bad request"; the SDK reads it as "the token does not
        // match the requested resource" (TokenMismatchError). It is about the token, not the video request, so
        // another provider may still take the job. `disabled`: the resource is disabled for this account.
        case "invalid_token", "token_expired", "no_token", "token_mismatched", "disabled": return .unauthorized
        case "used_up": return .quotaExceeded
        case "too_many_requests": return .rateLimited
        case "bad_request", "api_not_implemented": return .invalidRequest
        case "api_error": return .unavailable
        default: return AceDataMapping.isModerationCode(code) ? .contentModerated : nil
        }
    }

    /// The error for a non-2xx answer (or a 2xx `success: false` answer that names no task).
    static func error(for response: UpstreamResponse, call: Call) -> ProviderError {
        let envelope = try? JSONDecoder().decode(AceDataErrorEnvelope.self, from: response.body)
        let code = envelope?.error?.code
        let message = envelope?.error?.message ?? bodySnippet(response.body)
        let kind = kind(forCode: code) ?? kind(forStatus: response.status, call: call)
        return ProviderError(
            kind, httpStatus: response.status, providerCode: code, providerMessage: message,
            retryAfter: retryAfter(response.headers)
        )
    }

    /// The kind an HTTP status implies when the code says nothing.
    static func kind(forStatus status: Int, call: Call) -> ProviderError.Kind {
        switch status {
        case 400: .invalidRequest
        case 401: .unauthorized
        case 402: .quotaExceeded
        // The SDK reads a 403 with an unlisted code as a moderation block. [SDK-ACE transport.py _map_error]
        case 403: .contentModerated
        // A lookup: AceData does not know the id. A create: the endpoint itself is missing at this base URL,
        // which says nothing about the request; try again later or elsewhere.
        case 404: call == .task ? .notFound : .unavailable
        case 429: .rateLimited
        // The SDK retries 408 and 409 like 5xx. [SDK-ACE transport.py]
        case 408, 409, 500...599: .unavailable
        case 405...499: .invalidRequest
        case 200..<300: .invalidRequest
        default: .malformedResponse
        }
    }

    /// A 2xx answer whose body is not what the call returns.
    static func malformed(_ response: UpstreamResponse, expected: String) -> ProviderError {
        ProviderError(
            .malformedResponse, httpStatus: response.status,
            providerMessage: "expected \(expected), got: \(bodySnippet(response.body) ?? "an empty body")"
        )
    }

    /// `Retry-After` in seconds; the HTTP-date form reads as absent. (AceData documents no such header.)
    static func retryAfter(_ headers: [String: String]) -> Double? {
        guard let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces),
            let seconds = Double(value), seconds >= 0, seconds.isFinite
        else { return nil }
        return seconds
    }

    /// The start of a body that is not AceData's error JSON (a proxy's HTML page, say), for the error message.
    static func bodySnippet(_ body: Data) -> String? {
        guard !body.isEmpty else { return nil }
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
