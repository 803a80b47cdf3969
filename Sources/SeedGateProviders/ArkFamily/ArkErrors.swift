import Foundation
import SeedGateCore

/// Classification of Ark's HTTP answers into `ProviderError`s (facts: volcengine-ark.md "Errors", [REF-ERR]).
enum ArkErrors {
    /// Which call an answer belongs to: a 404 means different things to a create and to a task lookup.
    enum Call {
        case create
        case task
    }

    /// 403 codes that mean the account's balance is overdue rather than access being denied.
    static let overdueCodes: Set<String> = ["AccountOverdueError", "OperationDenied.ServiceOverdue"]

    /// The error for a non-2xx answer, keeping Ark's `error.code` and `error.message`.
    static func error(for response: UpstreamResponse, call: Call) -> ProviderError {
        let detail = (try? JSONDecoder().decode(ArkErrorEnvelope.self, from: response.body))?.error
        let code = detail?.code
        let message = detail?.message ?? bodySnippet(response.body)
        let kind: ProviderError.Kind
        switch response.status {
        case 400:
            kind = ArkMapping.jobErrorCode(forProviderCode: code) == .contentModerated ? .contentModerated : .invalidRequest
        case 401:
            kind = .unauthorized
        case 403:
            kind = code.map(overdueCodes.contains) == true ? .quotaExceeded : .unauthorized
        case 404:
            // On a create, 404 is `InvalidEndpointOrModel.NotFound` / `ModelNotOpen`: the account cannot use the
            // model (another provider may), not a missing task.
            kind = call == .create ? .unauthorized : .notFound
        case 409:
            kind = .conflict
        case 429:
            kind = .rateLimited
        case 408, 500...599:
            kind = .unavailable
        case 402...499:
            kind = .invalidRequest
        default:
            kind = .malformedResponse
        }
        return ProviderError(
            kind, httpStatus: response.status, providerCode: code, providerMessage: message,
            retryAfter: retryAfter(response.headers)
        )
    }

    /// A 2xx answer whose body is not what the call returns.
    static func malformed(_ response: UpstreamResponse, expected: String) -> ProviderError {
        ProviderError(
            .malformedResponse, httpStatus: response.status,
            providerMessage: "expected \(expected), got: \(bodySnippet(response.body) ?? "an empty body")"
        )
    }

    /// `Retry-After` in seconds (on a 429, or a 503 that sends it); the HTTP-date form reads as absent.
    static func retryAfter(_ headers: [String: String]) -> Double? {
        guard let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces),
            let seconds = Double(value), seconds >= 0, seconds.isFinite
        else { return nil }
        return seconds
    }

    /// The start of a body that is not Ark's error JSON (a proxy's HTML page, say), for the error message.
    static func bodySnippet(_ body: Data) -> String? {
        guard !body.isEmpty else { return nil }
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
