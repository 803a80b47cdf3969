/// Stable, provider-independent error codes a failed job can carry. The provider's own code is kept beside it.
public enum JobErrorCode: String, Sendable, Codable, CaseIterable {
    /// Input or output moderation refused the content.
    case contentModerated = "content_moderated"
    /// Moderation found a real person in the reference media, which Seedance 2.x does not take
    /// (`…SensitiveContentDetected.PrivacyInformation`): use a trusted output of the same account or a provider asset.
    case realPersonRefused = "real_person_refused"
    /// The provider rejected a parameter SeedGate let through.
    case invalidRequest = "invalid_request"
    /// The provider refused SeedGate's credentials or the account is not allowed to use the model.
    case providerAuthFailed = "provider_auth_failed"
    /// The account's quota or balance at the provider is exhausted.
    case providerQuotaExceeded = "provider_quota_exceeded"
    /// Every provider of the route was rate limiting or unavailable for too long.
    case providerUnavailable = "provider_unavailable"
    /// The provider reported a failure that fits no other code.
    case generationFailed = "generation_failed"
    /// The provider no longer knows the task (deleted, or past its retention window).
    case upstreamTaskNotFound = "upstream_task_not_found"
    /// The job passed its deadline without finishing.
    case expired
    /// A submission was sent but its outcome could not be learnt; SeedGate will not risk a second paid task.
    case submitOutcomeUnknown = "submit_outcome_unknown"
    /// The provider answered something SeedGate could not read.
    case providerProtocolError = "provider_protocol_error"
    /// The provider reported success but never gave the result (no video URL), however long SeedGate waited.
    case resultMissing = "result_missing"

    /// The code for a moderation refusal with the provider's own code: privacy (real-person) refusals have their own.
    public static func moderated(providerCode: String?) -> JobErrorCode {
        providerCode?.hasSuffix(".PrivacyInformation") == true ? .realPersonRefused : .contentModerated
    }
}
