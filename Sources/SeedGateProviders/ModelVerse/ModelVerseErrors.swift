import Foundation
import SeedGateCore

/// Classification of ModelVerse's HTTP answers into `ProviderError`s (facts: modelverse.md "Errors", the
/// platform-wide table of [MV-REPO common/error-code.md]; which of its rows `/v1/tasks/*` returns is undocumented).
enum ModelVerseErrors {
    /// Which call an answer belongs to: a 404 means different things to a submit and to a status lookup.
    enum Call {
        case submit
        case status
    }

    /// 400 codes for content that failed the platform's sensitive-word or compliance check.
    static let moderationCodes: Set<String> = ["sensitive_check_error", "invalid_messages"]

    /// The error for a non-2xx answer, keeping ModelVerse's `error.code` and `error.message`.
    static func error(for response: UpstreamResponse, call: Call) -> ProviderError {
        let detail = (try? JSONDecoder().decode(ModelVerseErrorEnvelope.self, from: response.body))?.error
        let code = detail?.code
        let message = detail?.message ?? ArkErrors.bodySnippet(response.body)
        let kind: ProviderError.Kind
        switch response.status {
        case 400:
            kind =
                if let code, moderationCodes.contains(code) {
                    .contentModerated
                } else if code == "model_error" {
                    // "No permission to use the model": the key's model allow-list; another provider may serve it.
                    .unauthorized
                } else {
                    .invalidRequest
                }
        case 401:
            kind = .unauthorized
        case 402:
            kind = .quotaExceeded
        case 403:
            // `forbidden` covers both a key's spend limit ("api key quota exceeded") and its IP allow-list. [api-key.md]
            kind = message?.range(of: "quota", options: .caseInsensitive) != nil ? .quotaExceeded : .unauthorized
        case 404:
            // Undocumented. On a status call it is read as "no such task"; on a submit, as this account or endpoint
            // not serving the request (another provider may), like Ark's 404 on create.
            kind = call == .status ? .notFound : .unauthorized
        case 429:
            kind = .rateLimited
        case 408, 500...599:
            kind = .unavailable
        case 405...499:
            kind = .invalidRequest
        default:
            kind = .malformedResponse
        }
        return ProviderError(
            kind, httpStatus: response.status, providerCode: code, providerMessage: message,
            retryAfter: ArkErrors.retryAfter(response.headers)
        )
    }

    /// A 2xx answer whose body is not what the call returns. (`Retry-After` and body snippets are read by the same
    /// helpers as Ark's; ModelVerse documents no `Retry-After`.)
    static func malformed(_ response: UpstreamResponse, expected: String) -> ProviderError {
        ProviderError(
            .malformedResponse, httpStatus: response.status,
            providerMessage: "expected \(expected), got: \(ArkErrors.bodySnippet(response.body) ?? "an empty body")"
        )
    }
}
