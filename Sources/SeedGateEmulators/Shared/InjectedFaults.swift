import Foundation
import Hummingbird

/// A create refused by an injected fault; the emulator answers it in its provider's dialect (`EmulatorFaultDialect`).
public enum CreateRejection: Sendable, Equatable {
    /// The provider's rate-limit error (Ark: 429 `ModelAccountRpmRateLimitExceeded`).
    case rateLimited
    /// The provider's internal error (Ark: 500 `InternalServiceError`).
    case serverError
}

/// What happens to the answer of a create that has already created its task.
public struct CreateAnswerFaults: Sendable, Equatable {
    /// Waited before answering.
    public var delay: Duration?
    /// Closes the connection instead of answering (after the delay, if both are due).
    public var drop = false
    /// Answers what a gateway in front of the provider answers when it gives up waiting (504, an HTML page, none
    /// of the provider's own headers or codes) although the provider made the task.
    public var gatewayTimeout = false

    public init(delay: Duration? = nil, drop: Bool = false, gatewayTimeout: Bool = false) {
        self.delay = delay
        self.drop = drop
        self.gatewayTimeout = gatewayTimeout
    }

    /// The page a typical reverse proxy serves with its 504.
    static let gatewayTimeoutPage =
        "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n"

    /// Serves the faults around the create's real answer: waits, then either returns `response` or closes the
    /// client's connection before a byte of it is written and throws `EmulatorConnectionDropped`.
    public func apply(to response: Response, context: EmulatorRequestContext) async throws -> Response {
        if let delay { try await Task.sleep(for: delay) }
        if gatewayTimeout, !drop {
            return Response(
                status: .gatewayTimeout, headers: [.contentType: "text/html"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.gatewayTimeoutPage)))
        }
        guard drop else { return response }
        try await context.dropConnection()
        throw EmulatorConnectionDropped()
    }
}

/// What happens to one status read.
public struct ReadFaults: Sendable, Equatable {
    public enum Failure: Sendable, Equatable {
        /// The provider's internal error (Ark: 500 `InternalServiceError`).
        case serverError
        /// 200 with a body that is not JSON (`malformed(_:)`).
        case malformed
    }

    /// Waited before the task is looked up.
    public var delay: Duration?
    public var failure: Failure?
    /// The status word to report for every task instead of the real one.
    public var statusOverride: String?

    public init(delay: Duration? = nil, failure: Failure? = nil, statusOverride: String? = nil) {
        self.delay = delay
        self.failure = failure
        self.statusOverride = statusOverride
    }

    /// Waits the injected delay, if any.
    public func wait() async throws {
        if let delay { try await Task.sleep(for: delay) }
    }

    /// `json` cut in half (at least its first byte kept, and never the whole of it).
    public static func malformed(_ json: Data) -> Data {
        guard json.count > 1 else { return Data("{".utf8) }
        return json.prefix(max(1, json.count / 2))
    }
}

/// Thrown after an injected drop closed the client's connection; nothing can be answered any more.
public struct EmulatorConnectionDropped: Error, Equatable {
    public init() {}
}

/// How many faults of each kind were injected since the plan was last cleared.
public struct FaultTally: Sendable, Equatable, Encodable {
    public var createRateLimited = 0
    public var createServerError = 0
    public var createDelay = 0
    public var createDrop = 0
    public var createGatewayTimeout = 0
    public var readMalformed = 0
    public var readServerError = 0
    public var readDelay = 0
    /// Reads that reported the override word.
    public var statusOverride = 0
    /// Callback events lost.
    public var dropCallbacks = 0
    /// Callback events sent twice.
    public var duplicateCallbacks = 0

    enum CodingKeys: String, CodingKey {
        case createRateLimited = "create_rate_limited"
        case createServerError = "create_server_error"
        case createDelay = "create_delay"
        case createDrop = "create_drop"
        case createGatewayTimeout = "create_gateway_timeout"
        case readMalformed = "read_malformed"
        case readServerError = "read_server_error"
        case readDelay = "read_delay"
        case statusOverride = "status_override"
        case dropCallbacks = "drop_callbacks"
        case duplicateCallbacks = "duplicate_callbacks"
    }
}

/// `GET /emulator/faults`: the armed faults (top-level, same keys as the POST body), `injected` (the tally)
/// and `honoured` (the kinds this emulator injects: `create`, `read`, `callbacks`).
public struct FaultPlanSnapshot: Sendable, Equatable, Encodable {
    public var remaining: FaultCounters
    public var injected: FaultTally
    public var honoured: [String]

    enum CodingKeys: String, CodingKey {
        case injected, honoured
    }

    public func encode(to encoder: any Encoder) throws {
        try remaining.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(injected, forKey: .injected)
        try container.encode(honoured, forKey: .honoured)
    }
}
