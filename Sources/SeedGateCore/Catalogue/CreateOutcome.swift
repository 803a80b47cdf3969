/// What a failed create call proves about the task upstream.
///
/// A create that failed may still have made (and billed) a task: the request reached the provider, then the answer
/// was lost, cut short, or came from a proxy or gateway in front of it. SeedGate never sends such a job to a second
/// provider; it ends `submit_outcome_unknown`. The table per provider is docs/create-outcomes.md.
public enum CreateOutcome: String, Sendable, Codable, Equatable {
    /// The provider answered that it made nothing (a refusal, a rate limit, an overload it documents as a refusal).
    case notCreated = "not_created"
    /// The provider may have made the task.
    case unknown
}

extension CreateOutcome {
    /// What `error`, the failure of a create call to a provider whose error dialect is `dialect` (nil: a provider no
    /// longer configured, whose codes are not known), proves:
    /// - nothing sent (`requestSent == false`, e.g. a refusal before sending, a connect failure) → not created;
    /// - sent, then no answer (timeout, connection lost) → unknown;
    /// - a 2xx answer that could not be read → unknown (the provider said yes in a way we could not read);
    /// - an answer carrying one of the provider's documented codes → that code's `create_outcome`: the documents
    ///   tell callers to retry these (a refusal, a rate limit, an internal error answered by the provider's own
    ///   application), so the default is not created, except for a 504, whose gateway gave up while the provider
    ///   may still be working;
    /// - any other answer: a 5xx that is not the provider's own error body (a proxy's 502, a gateway's 504 page, a
    ///   bare 500) → unknown, since the request may have gone through behind it; but a 503 (the server, or a proxy
    ///   without a healthy upstream, refusing to handle the request) and a 4xx → not created.
    public init(of error: ProviderError, dialect: ErrorDialect?) {
        self = Self.outcome(of: error, dialect: dialect)
    }

    private static func outcome(of error: ProviderError, dialect: ErrorDialect?) -> CreateOutcome {
        guard error.requestSent else { return .notCreated }
        if error.outcomeUnknown { return .unknown }
        guard let status = error.httpStatus else {
            // No HTTP status and sent: a failure the adapter could not place, so the stricter reading.
            return error.kind == .timeout || error.kind == .connection || error.kind == .malformedResponse ? .unknown : .notCreated
        }
        if (200..<300).contains(status), error.kind == .malformedResponse { return .unknown }
        if let code = error.providerCode, let documented = dialect?.codes.first(where: { $0.code == code && $0.http == status }) {
            return documented.createOutcome ?? (status == 504 ? .unknown : .notCreated)
        }
        return status >= 500 && status != 503 ? .unknown : .notCreated
    }
}

extension ProviderManifest {
    /// What `error`, the failure of a create call to this provider, proves (`CreateOutcome(of:dialect:)`).
    public func createOutcome(of error: ProviderError) -> CreateOutcome {
        CreateOutcome(of: error, dialect: errors)
    }
}
