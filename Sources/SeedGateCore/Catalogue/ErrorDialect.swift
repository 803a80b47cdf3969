/// How a provider answers a failed call, as its documents show: the shape of an error answer and the codes it
/// documents, each with the `ProviderError.Kind` SeedGate classifies it as. Tests fill `body` with each code and check
/// the provider's adapter classifies it so.
public struct ErrorDialect: Sendable, Codable, Equatable {
    /// An error answer's body, with `$code` and `$message` where the provider writes its code and message (quoted in
    /// the template where the provider's codes are strings, bare where they are numbers).
    public var body: String
    public var codes: [DocumentedError]

    public init(body: String, codes: [DocumentedError]) {
        self.body = body
        self.codes = codes
    }

    /// `body` with `code` and `message` filled in.
    public func answer(code: String, message: String) -> String {
        body.replacingOccurrences(of: "$code", with: code).replacingOccurrences(of: "$message", with: message)
    }
}

/// One documented error: the HTTP status it comes with, the provider's code, and what SeedGate makes of it.
public struct DocumentedError: Sendable, Codable, Equatable {
    public var http: Int
    public var code: String
    public var kind: ProviderError.Kind
    /// The documented message, where the provider uses one code for several meanings told apart by the message
    /// (Ark's 429 `QuotaExceeded`: an exhausted quota, or too many queued tasks).
    public var message: String?
    /// What this answer to a create proves (`not_created` / `unknown`); nil: unknown for a 504, not created
    /// otherwise (`CreateOutcome(of:dialect:)`).
    public var createOutcome: CreateOutcome?

    public init(http: Int, code: String, kind: ProviderError.Kind, message: String? = nil, createOutcome: CreateOutcome? = nil) {
        self.http = http
        self.code = code
        self.kind = kind
        self.message = message
        self.createOutcome = createOutcome
    }

    enum CodingKeys: String, CodingKey {
        case http, code, kind, message
        case createOutcome = "create_outcome"
    }
}
