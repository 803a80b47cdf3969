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
            let moderated: Set<JobErrorCode> = [.contentModerated, .realPersonRefused]
            kind = moderated.contains(ArkMapping.jobErrorCode(forProviderCode: code)) ? .contentModerated : .invalidRequest
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
            if code == "QuotaExceeded" { return quotaExceeded(response, message: message) }
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

    /// How long SeedGate holds a provider whose quota is used up before it tries it again (SeedGate's choice: a trial
    /// quota or a plan's period quota does not come back within minutes, and each create would only be refused again).
    static let exhaustedQuotaHold: Double = 15 * 60

    /// Message starts of a `QuotaExceeded` (429) that means "too many tasks queued for this account", which passes as
    /// soon as tasks finish. [REF-ERR] 429 table: "The request has exceeded the quota. Request ID: {{id}}" (当前账号处于
    /// 排队中状态的任务数已超过限制). Matched case-insensitively at the start of the message.
    static let queueFullMessages = ["the request has exceeded the quota"]

    /// `QuotaExceeded` (429) has several documented messages [REF-ERR] (volcengine-ark.md, Errors): the free trial
    /// quota of a model is used up ("Your account [%s] has exhausted its free trial quota for the [%s] model."), a
    /// plan's period quota is used up ("You have exceeded the 5-hour/weekly/monthly usage quota. It will reset at
    /// …"), or too many tasks are queued ("The request has exceeded the quota."). Only the last is transient: the job
    /// waits and retries (`rateLimited`). Any other message reads as a used-up quota (`quotaExceeded`), held for
    /// `exhaustedQuotaHold` unless Ark says otherwise with `Retry-After`: retrying it soon would only be refused again.
    static func quotaExceeded(_ response: UpstreamResponse, message: String?) -> ProviderError {
        let retryAfter = retryAfter(response.headers)
        let text = (message ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if queueFullMessages.contains(where: text.hasPrefix) {
            return ProviderError(
                .rateLimited, httpStatus: response.status, providerCode: "QuotaExceeded", providerMessage: message, retryAfter: retryAfter)
        }
        return ProviderError(
            .quotaExceeded, httpStatus: response.status, providerCode: "QuotaExceeded", providerMessage: message,
            retryAfter: max(retryAfter ?? 0, exhaustedQuotaHold))
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
