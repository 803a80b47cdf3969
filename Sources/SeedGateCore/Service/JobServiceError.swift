/// Why a JobService operation was refused. The HTTP layer maps each case to one status code.
public enum JobServiceError: Error, Sendable, Equatable {
    /// The request is invalid or unsupported; `considered` says why each candidate provider could not take it.
    case validation(ValidationFailure, considered: [ProviderRejection])
    case notFound(NotFound)
    /// The operation conflicts with the job's state (e.g. cancelling a running Ark task).
    case conflict(Conflict)
    /// A provider call made on the client's behalf failed.
    case provider(ProviderID, ProviderError)
    /// The idempotency key is in use by a request that is still being handled.
    case idempotencyInProgress
    /// The idempotency key was used before with a different request.
    case idempotencyMismatch
    /// What was asked for existed and was removed (archived media deleted early or by retention).
    case gone(Refusal<GoneReason>)

    /// Something that does not exist, or that the caller may not see (another tenant's job reads as not found).
    public typealias NotFound = Refusal<NotFoundReason>
    /// Why the job's state does not allow the operation now.
    public typealias Conflict = Refusal<ConflictReason>

    public enum NotFoundReason: String, Sendable {
        /// No job with this id (for this tenant).
        case job
        /// No job carries this provider callback token.
        case callbackEndpoint = "callback_endpoint"
        /// The job has no such file (no last frame).
        case media
    }

    public enum ConflictReason: String, Sendable {
        /// The job has ended.
        case alreadyFinished = "already_finished"
        /// Its create call has not answered yet, so whether a task exists upstream is not known.
        case submissionInFlight = "submission_in_flight"
        /// The create's outcome is unknown and SeedGate awaits the provider's callback naming the task.
        case submissionUnconfirmed = "submission_unconfirmed"
        /// The job's provider is no longer configured.
        case providerNotConfigured = "provider_not_configured"
        /// The provider has no cancel call.
        case cancelUnsupported = "cancel_unsupported"
        /// The provider can cancel, but not in the task's current state.
        case notCancellableNow = "not_cancellable_now"
        /// The provider refused the cancel.
        case cancelRefused = "cancel_refused"
        /// The provider no longer knows the task (the job has failed).
        case upstreamTaskLost = "upstream_task_lost"
        /// Concurrent writers kept winning; the caller may try again.
        case concurrentWrite = "concurrent_write"
        /// The job has no archived file (yet): it has not succeeded, archiving is pending, failed or off.
        case notArchived = "not_archived"
    }

    public enum GoneReason: String, Sendable {
        /// The archived media were deleted (by the client or by retention).
        case mediaDeleted = "media_deleted"
    }
}

/// A refusal with a typed reason (what the HTTP edge maps) and a message for people (what it shows).
public struct Refusal<Reason: Sendable & Equatable>: Sendable, Equatable, CustomStringConvertible {
    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
}

public struct ProviderRejection: Sendable, Equatable {
    public var provider: ProviderID
    public var reason: String

    public init(provider: ProviderID, reason: String) {
        self.provider = provider
        self.reason = reason
    }
}
