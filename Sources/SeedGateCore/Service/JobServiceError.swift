/// Why a JobService operation was refused. The HTTP layer maps each case to one status code.
public enum JobServiceError: Error, Sendable, Equatable {
    /// The request is invalid or unsupported; `considered` says why each candidate provider could not take it.
    case validation(ValidationFailure, considered: [ProviderRejection])
    case notFound(String)
    /// The operation conflicts with the job's state (e.g. cancelling a running Ark task).
    case conflict(String)
    /// A provider call made on the client's behalf failed.
    case provider(ProviderID, ProviderError)
    /// The idempotency key is in use by a request that is still being handled.
    case idempotencyInProgress
    /// The idempotency key was used before with a different request.
    case idempotencyMismatch
}

public struct ProviderRejection: Sendable, Equatable {
    public var provider: ProviderID
    public var reason: String

    public init(provider: ProviderID, reason: String) {
        self.provider = provider
        self.reason = reason
    }
}
