import Foundation
import Logging
import SeedGateCore
import SeedGateTesting
import Testing

@testable import SeedGateProviders

/// The Ark dialect's HTTP-level behaviour beyond the recorded contracts: error classification, unreadable answers,
/// missing credentials, transport failures and batching.
@Suite("Ark dialect")
struct ArkDialectTests {
    static let dialect = ArkTasksDialect(provider: "volcengine-ark")

    @Test(
        "HTTP errors classify by status and code",
        arguments: [
            (400, "InputTextSensitiveContentDetected", ArkErrors.Call.create, ProviderError.Kind.contentModerated),
            (400, "InvalidParameter", .create, .invalidRequest),
            (401, "AuthenticationError", .create, .unauthorized),
            (403, "AccountOverdueError", .create, .quotaExceeded),
            (403, "OperationDenied.ServiceOverdue", .task, .quotaExceeded),
            (403, "OperationDenied.ServiceNotOpen", .create, .unauthorized),
            (404, "NotFound.TaskId", .task, .notFound),
            (404, "InvalidEndpointOrModel.NotFound", .create, .unauthorized),
            (409, "Conflict", .task, .conflict),
            (429, "ModelAccountRpmRateLimitExceeded", .create, .rateLimited),
            (500, "InternalServiceError", .task, .unavailable),
            (503, "ServerOverloaded", .create, .unavailable),
        ])
    func classification(status: Int, code: String, call: ArkErrors.Call, kind: ProviderError.Kind) {
        let body = #"{"error":{"code":"\#(code)","message":"m","param":"","type":"T"}}"#
        let error = ArkErrors.error(for: UpstreamResponse(status: status, body: Data(body.utf8)), call: call)
        #expect(error == ProviderError(kind, httpStatus: status, providerCode: code, providerMessage: "m"))
    }

    /// Defect 12: 429 `QuotaExceeded` was read as a rate limit whatever its message. [REF-ERR] gives it three
    /// messages: two mean a used-up quota (not retried for 15 minutes), one means too many queued tasks (transient).
    @Test(
        "429 QuotaExceeded is classified by its documented message",
        arguments: [
            (
                "Your account [2100000000] has exhausted its free trial quota for the [doubao-seedance-1-5-pro-251215] model. Request ID: 0217",
                ProviderError.Kind.quotaExceeded, 900.0
            ),
            ("You have exceeded the 5-hour/weekly/monthly usage quota. It will reset at 2026-01-05 10:00:00.", .quotaExceeded, 900),
            ("The request has exceeded the quota. Request ID: 021765520060000abcdef", .rateLimited, nil),
            ("the request has exceeded the quota.", .rateLimited, nil),
            ("some message Ark has not documented", .quotaExceeded, 900),
        ] as [(String, ProviderError.Kind, Double?)])
    func quotaExceededByMessage(message: String, kind: ProviderError.Kind, retryAfter: Double?) {
        let body = #"{"error":{"code":"QuotaExceeded","message":"\#(message)","param":"","type":"TooManyRequests"}}"#
        let error = ArkErrors.error(for: UpstreamResponse(status: 429, body: Data(body.utf8)), call: .create)
        #expect(error == ProviderError(kind, httpStatus: 429, providerCode: "QuotaExceeded", providerMessage: message, retryAfter: retryAfter))
        #expect(error.isTransient == (kind == .rateLimited))
        // A longer Retry-After from Ark wins over the hold; the queue meaning keeps Ark's own value.
        let withHeader = ArkErrors.error(for: UpstreamResponse(status: 429, headers: ["retry-after": "1800"], body: Data(body.utf8)), call: .create)
        #expect(withHeader.retryAfter == 1800)
    }

    @Test("Retry-After is read in seconds")
    func retryAfter() {
        func error(_ status: Int, _ value: String) -> ProviderError {
            ArkErrors.error(for: UpstreamResponse(status: status, headers: ["retry-after": value], body: Data()), call: .create)
        }
        #expect(error(429, "7").retryAfter == 7)
        #expect(error(429, " 1.5 ").retryAfter == 1.5)
        #expect(error(429, "Wed, 21 Oct 2015 07:28:00 GMT").retryAfter == nil)
        #expect(error(503, "7").retryAfter == 7)
        #expect(error(429, "-1").retryAfter == nil)
    }

    @Test("an error body that is not Ark's JSON is kept as the message")
    func foreignErrorBody() {
        let error = ArkErrors.error(for: UpstreamResponse(status: 502, body: Data("<html>Bad Gateway</html>".utf8)), call: .task)
        #expect(error == ProviderError(.unavailable, httpStatus: 502, providerMessage: "<html>Bad Gateway</html>"))
    }

    @Test("a 2xx create answer without a task id is malformed, with its HTTP status")
    func malformedCreate() async throws {
        for body in ["<html></html>", #"{"id":""}"#, #"{"task":"cgt-1"}"#] {
            let (context, _) = Self.context([Self.exchange("POST", ArkTasksDialect.tasksPath, status: 200, body: body)])
            do {
                _ = try await Self.dialect.submit(Self.submitRequest, context: context)
                Issue.record("accepted a create answer \(body)")
            } catch {
                #expect(error.kind == .malformedResponse && error.httpStatus == 200 && error.requestSent, "\(body)")
            }
        }
    }

    @Test("a missing API key fails before anything is sent")
    func missingCredential() async {
        let transport = ReplayTransport([], baseURL: "https://ark.example")
        let context = ProviderContext(
            baseURL: "https://ark.example", credentials: ProviderCredentials([:]), transport: transport, logger: Logger(label: "test")
        )
        do {
            _ = try await Self.dialect.submit(Self.submitRequest, context: context)
            Issue.record("submit succeeded without credentials")
        } catch {
            #expect(error.kind == .unauthorized && !error.requestSent)
        }
        #expect(await transport.finish().isEmpty)
    }

    @Test("transport failures keep their kind and whether the request was sent")
    func transportFailure() async {
        let context = ProviderContext(
            baseURL: "https://ark.example", credentials: ProviderCredentials(["api_key": "k"]),
            transport: FailingTransport(failure: TransportFailure(.timeout, requestSent: true, detail: "read timed out")),
            logger: Logger(label: "test")
        )
        do {
            _ = try await Self.dialect.submit(Self.submitRequest, context: context)
            Issue.record("submit succeeded through a failing transport")
        } catch {
            #expect(error == ProviderError(.timeout, providerMessage: "read timed out", requestSent: true))
            #expect(error.outcomeUnknown)
        }
    }

    @Test("more ids than maxBatchSize are listed in chunks")
    func chunking() async throws {
        let ids = (0..<(Self.dialect.maxBatchSize + 1)).map { String(format: "cgt-20251212000000-%05d", $0) }
        let chunks = [Array(ids.prefix(Self.dialect.maxBatchSize)), Array(ids.suffix(1))]
        let exchanges = chunks.map { chunk in
            let items = chunk.map { #"{"id":"\#($0)","status":"queued"}"# }.joined(separator: ",")
            var exchange = Self.exchange("GET", ArkTasksDialect.tasksPath, status: 200, body: #"{"items":[\#(items)]}"#)
            exchange.request.query = [["page_num", "1"], ["page_size", String(chunk.count)]] + chunk.map { ["filter.task_ids", $0] }
            return exchange
        }
        let (context, transport) = Self.context(exchanges)
        let results = try await Self.dialect.fetch(ids.map { FetchTarget(taskID: $0) }, context: context)
        #expect(await transport.finish().isEmpty)
        #expect(results.count == ids.count)
        #expect(results.values.allSatisfy { if case .found(let snapshot) = $0 { snapshot.status == .mapped(.queued) } else { false } })
    }

    @Test("a callback that is not a task object is malformed")
    func malformedCallback() {
        #expect(throws: ProviderError(.malformedResponse, providerMessage: #"expected an Ark task object, got: {"status":"running"}"#)) {
            try Self.dialect.decodeCallback(Data(#"{"status":"running"}"#.utf8))
        }
    }

    // MARK: helpers

    static let submitRequest = SubmitRequest(
        jobID: JobID.generate(), spec: JobSpec(model: "seedance-1.5-pro", prompt: "p"), upstreamModel: "doubao-seedance-1-5-pro-251215"
    )

    static func exchange(_ method: String, _ path: String, status: Int, body: String) -> ContractCassette.Exchange {
        ContractCassette.Exchange(
            request: .init(method: method, path: path, query: nil, headers: nil, json: nil),
            response: .init(status: status, headers: nil, json: nil, body: body)
        )
    }

    static func context(_ exchanges: [ContractCassette.Exchange]) -> (ProviderContext, ReplayTransport) {
        let transport = ReplayTransport(exchanges, baseURL: "https://ark.example")
        let context = ProviderContext(
            baseURL: "https://ark.example", credentials: ProviderCredentials(["api_key": "k"]), transport: transport, logger: Logger(label: "test")
        )
        return (context, transport)
    }
}

/// A transport whose every request fails.
struct FailingTransport: UpstreamTransport {
    var failure: TransportFailure

    func send(_ request: UpstreamRequest) async throws(TransportFailure) -> UpstreamResponse { throw failure }
}
