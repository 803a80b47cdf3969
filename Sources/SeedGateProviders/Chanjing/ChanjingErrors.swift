import Foundation
import SeedGateCore

/// Classification of Chanjing's answers into `ProviderError`s (facts: chanjing.md "Envelope and errors").
///
/// Chanjing answers business errors with HTTP 200 and a non-zero envelope `code`; the code is kept as
/// `providerCode` (a decimal string) and `msg` as `providerMessage`, beside the normalised kind.
enum ChanjingErrors {
    /// Which call an answer belongs to: the same code means different things to a token exchange and a task call.
    enum Call: Sendable {
        case token
        case submit
        case task
    }

    /// "AccessToken 验证失败": expired, invalid or superseded by a newer token. [S004] The SDK treats 10401 alike. [SDK-CJ]
    static let tokenRejectedCodes: Set<Int> = [10400, 10401]

    /// Message fragments of billing failures (扣费失败, 余额不足, 蝉豆不足, 欠费), from Chanjing's own SDK. [SDK-CJ]
    static let billingKeywords = ["扣费失败", "余额不足", "蝉豆不足", "欠费"]

    /// INFERRED: Chanjing documents no moderation code; a parameter error or failed task whose message speaks of
    /// sensitive content (敏感), review (审核) or violations (违规, 违禁) is taken as a moderation refusal.
    static let moderationKeywords = ["敏感", "审核", "违规", "违禁"]

    /// The error for an envelope whose `code` is not 0.
    static func error(code: Int, message: String?, httpStatus: Int, call: Call) -> ProviderError {
        ProviderError(
            kind(code: code, message: message, call: call), httpStatus: httpStatus,
            providerCode: String(code), providerMessage: message
        )
    }

    /// 10400/10401 → unauthorized (after the one refresh), 40001 → rate limited, 40002 → quota ("制作时长到达上限"),
    /// 400/40000 → invalid request (or moderation by its message), 50000/51000 → unavailable. On a token exchange
    /// every code but the rate limit and internal errors means the app_id / secret_key pair was refused.
    static func kind(code: Int, message: String?, call: Call) -> ProviderError.Kind {
        let text = message ?? ""
        if billingKeywords.contains(where: text.contains) { return .quotaExceeded }
        switch code {
        case 40001: return .rateLimited
        case 50000...59999: return .unavailable
        default: break
        }
        if call == .token { return .unauthorized }
        switch code {
        case 10000...19999: return .unauthorized
        case 40002: return .quotaExceeded
        case 400, 40000...49999:
            return moderationKeywords.contains(where: text.contains) ? .contentModerated : .invalidRequest
        default:
            // An undocumented code: nothing was created (code ≠ 0), so "try elsewhere or later" is the safe reading.
            return .unavailable
        }
    }

    /// INFERRED: Chanjing does not document the answer for an unknown `unique_id`. A parameter error whose message
    /// says the thing does not exist (不存在, Chanjing's wording for "模型不存在") on a task lookup means the task is gone.
    static func isMissingTask(code: Int, message: String?) -> Bool {
        (code == 40000 || code == 400) && (message ?? "").contains("不存在")
    }

    /// The error for a non-2xx answer (Chanjing itself answers 200; these come from a proxy or a future change).
    static func error(for response: UpstreamResponse) -> ProviderError {
        let head = try? JSONDecoder().decode(ChanjingEnvelopeHead.self, from: response.body)
        let kind: ProviderError.Kind =
            switch response.status {
            case 401, 403: .unauthorized
            case 429: .rateLimited
            case 408, 500...599: .unavailable
            case 400...499: .invalidRequest
            default: .malformedResponse
            }
        return ProviderError(
            kind, httpStatus: response.status, providerCode: head?.code.map(String.init),
            providerMessage: head?.msg ?? bodySnippet(response.body), retryAfter: retryAfter(response.headers)
        )
    }

    /// A 2xx answer whose body is not what the call returns.
    static func malformed(_ response: UpstreamResponse, expected: String) -> ProviderError {
        ProviderError(
            .malformedResponse, httpStatus: response.status,
            providerMessage: "expected \(expected), got: \(bodySnippet(response.body) ?? "an empty body")"
        )
    }

    /// A failure of the token exchange, as the business call that needed the token reports it. No create was sent
    /// (or the one sent was refused with 10400), so `requestSent` is false; an unreadable token answer drops its
    /// HTTP status into the message, because SeedGate reads a malformed 2xx on a submit as "a task may exist".
    static func tokenFailure(_ error: ProviderError) -> ProviderError {
        var failure = error
        failure.requestSent = false
        if failure.kind == .malformedResponse, let status = failure.httpStatus {
            failure.httpStatus = nil
            failure.providerMessage = "access_token answer (HTTP \(status)): \(failure.providerMessage ?? "unreadable")"
        }
        return failure
    }

    /// `Retry-After` in seconds, when a proxy sends it (Chanjing documents none).
    static func retryAfter(_ headers: [String: String]) -> Double? {
        guard let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces),
            let seconds = Double(value), seconds >= 0, seconds.isFinite
        else { return nil }
        return seconds
    }

    /// The start of a body that is not Chanjing's JSON, for the error message.
    static func bodySnippet(_ body: Data) -> String? {
        guard !body.isEmpty else { return nil }
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
