import Foundation

/// A classified failure from a provider call: what kind, and what the provider itself said.
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case invalidRequest
        case contentModerated
        case unauthorized
        case quotaExceeded
        case notFound
        case conflict
        case rateLimited
        case unavailable
        case timeout
        case connection
        case malformedResponse
        case unsupported
    }

    public var kind: Kind
    public var httpStatus: Int?
    public var providerCode: String?
    public var providerMessage: String?
    /// Seconds the provider asked us to wait (`Retry-After`), when it said.
    public var retryAfter: Double?
    /// For timeouts and connection failures: whether the request may have reached the provider.
    public var requestSent: Bool

    public init(
        _ kind: Kind, httpStatus: Int? = nil, providerCode: String? = nil, providerMessage: String? = nil,
        retryAfter: Double? = nil, requestSent: Bool = true
    ) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.providerCode = providerCode
        self.providerMessage = providerMessage
        self.retryAfter = retryAfter
        self.requestSent = requestSent
    }

    public init(_ failure: TransportFailure) {
        let kind: Kind =
            switch failure.kind {
            case .timeout: .timeout
            case .connection: .connection
            // The provider answered, but more than SeedGate reads: an unreadable answer, not an outage.
            case .responseTooLarge: .malformedResponse
            }
        self.init(kind, providerMessage: failure.detail, requestSent: failure.requestSent)
    }

    /// Before a provider accepted a task, these failures mean "try elsewhere or later", not "the request is bad".
    public var isTransient: Bool {
        switch kind {
        case .rateLimited, .unavailable, .timeout, .connection: true
        default: false
        }
    }

    /// A create whose fate is unknown: it may have produced a paid task upstream.
    public var outcomeUnknown: Bool {
        (kind == .timeout || kind == .connection) && requestSent
    }

    /// The normalised code a job carries when this error ends it.
    public var jobErrorCode: JobErrorCode {
        switch kind {
        case .invalidRequest, .unsupported, .conflict: .invalidRequest
        case .contentModerated: .moderated(providerCode: providerCode)
        case .unauthorized: .providerAuthFailed
        case .quotaExceeded: .providerQuotaExceeded
        case .notFound: .upstreamTaskNotFound
        case .rateLimited, .unavailable, .timeout, .connection: .providerUnavailable
        case .malformedResponse: .providerProtocolError
        }
    }

    public func jobError(provider: ProviderID) -> JobError {
        JobError(
            code: jobErrorCode, message: "\(provider): \(summary)",
            providerCode: providerCode, providerMessage: providerMessage
        )
    }

    /// A human sentence that never contains request headers or credentials.
    public var summary: String {
        switch kind {
        case .invalidRequest: "the provider rejected the request"
        case .contentModerated: "the provider's moderation refused the content"
        case .unauthorized: "the provider refused SeedGate's credentials"
        case .quotaExceeded: "the provider account's quota or balance is exhausted"
        case .notFound: "the provider does not know this task"
        case .conflict: "the provider refused the operation in the task's current state"
        case .rateLimited: "the provider is rate limiting"
        case .unavailable: "the provider is unavailable"
        case .timeout: "the provider did not answer in time"
        case .connection: "could not connect to the provider"
        case .malformedResponse: "the provider's answer could not be read"
        case .unsupported: "the provider does not support this operation"
        }
    }

    public var description: String {
        var parts = ["\(kind.rawValue)"]
        if let httpStatus { parts.append("http \(httpStatus)") }
        if let providerCode { parts.append("code \(providerCode)") }
        if let providerMessage { parts.append(providerMessage) }
        return parts.joined(separator: ", ")
    }
}
