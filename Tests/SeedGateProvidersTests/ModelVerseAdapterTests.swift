import Foundation
import Logging
import SeedGateCore
import Synchronization
import Testing

@testable import SeedGateProviders

/// The ModelVerse adapter's HTTP-level behaviour beyond the recorded contracts: the raw-key header, unreadable
/// answers, missing credentials, transport failures and the operations ModelVerse does not have.
@Suite("ModelVerse adapter")
struct ModelVerseAdapterTests {
    static let adapter = ModelVerseAdapter()

    @Test("the API key goes in Authorization as is, without Bearer; GET sends no content type")
    func rawKeyHeader() async throws {
        let transport = ModelVerseCapturingTransport(body: #"{"output":{"task_id":"t-1"},"request_id":"r"}"#)
        let context = Self.context(transport, key: "sk-raw-key")
        _ = try await Self.adapter.submit(Self.submitRequest, context: context)
        transport.respond(with: #"{"output":{"task_id":"t-1","task_status":"Running"},"request_id":""}"#)
        _ = try await Self.adapter.fetch([FetchTarget(taskID: "t-1")], context: context)
        let requests = transport.requests
        try #require(requests.count == 2)
        #expect(requests.allSatisfy { $0.headers["authorization"] == "sk-raw-key" })
        #expect(requests[0].method == "POST" && requests[0].path == "/v1/tasks/submit")
        #expect(requests[0].headers["content-type"] == "application/json")
        #expect(requests[1].query == [QueryItem("task_id", "t-1")] && requests[1].headers["content-type"] == nil)
        #expect(requests[1].url == "https://mv.example/v1/tasks/status?task_id=t-1")
    }

    @Test("a task id with reserved characters is percent-encoded in the query")
    func encodedTaskID() async throws {
        let transport = ModelVerseCapturingTransport(body: #"{"output":{"task_id":"a b&c","task_status":"Pending"}}"#)
        let results = try await Self.adapter.fetch([FetchTarget(taskID: "a b&c")], context: Self.context(transport))
        #expect(transport.requests.first?.url == "https://mv.example/v1/tasks/status?task_id=a%20b%26c")
        #expect(results["a b&c"] == .found(UpstreamSnapshot(taskID: "a b&c", status: .mapped(.queued), rawStatus: "Pending")))
    }

    @Test(
        "a 2xx submit answer without a task id is malformed, with its HTTP status",
        arguments: [
            "<html></html>", #"{"output":{"task_id":""}}"#, #"{"task_id":"t-1"}"#, #"{"error":{"code":"param_error"}}"#,
        ])
    func malformedSubmit(body: String) async {
        let context = Self.context(ModelVerseCapturingTransport(body: body))
        do {
            _ = try await Self.adapter.submit(Self.submitRequest, context: context)
            Issue.record("accepted a submit answer \(body)")
        } catch {
            #expect(error.kind == .malformedResponse && error.httpStatus == 200 && error.requestSent)
        }
    }

    @Test(
        "a status answer about another task, or without a status, is malformed",
        arguments: [
            #"{"output":{"task_id":"other","task_status":"Success"}}"#, #"{"output":{"task_id":"t-1"}}"#, #"{"task_status":"Success"}"#,
        ])
    func malformedStatus(body: String) async {
        let context = Self.context(ModelVerseCapturingTransport(body: body))
        do {
            _ = try await Self.adapter.fetch([FetchTarget(taskID: "t-1")], context: context)
            Issue.record("accepted a status answer \(body)")
        } catch {
            #expect(error.kind == .malformedResponse && error.httpStatus == 200)
        }
    }

    @Test("unknown and mistyped status fields are ignored")
    func tolerantStatus() async throws {
        let body =
            #"{"output":{"task_id":"t-1","task_status":"Success","urls":"not-a-list","finish_time":"soon","extra":1},"usage":{"completion_tokens":"many","total_tokens":7}}"#
        let results = try await Self.adapter.fetch([FetchTarget(taskID: "t-1")], context: Self.context(ModelVerseCapturingTransport(body: body)))
        #expect(
            results["t-1"]
                == .found(
                    UpstreamSnapshot(
                        taskID: "t-1", status: .mapped(.succeeded), rawStatus: "Success", usage: JobUsage(completionTokens: nil, totalTokens: 7)
                    )))
    }

    @Test("a missing API key fails before anything is sent")
    func missingCredential() async {
        let transport = ModelVerseCapturingTransport(body: "{}")
        let context = ProviderContext(
            baseURL: "https://mv.example", credentials: ProviderCredentials([:]), transport: transport, logger: Logger(label: "test")
        )
        do {
            _ = try await Self.adapter.submit(Self.submitRequest, context: context)
            Issue.record("submit succeeded without credentials")
        } catch {
            #expect(error.kind == .unauthorized && !error.requestSent)
        }
        #expect(transport.requests.isEmpty)
    }

    @Test("transport failures keep their kind and whether the request was sent")
    func transportFailure() async {
        let context = ProviderContext(
            baseURL: "https://mv.example", credentials: ProviderCredentials(["api_key": "k"]),
            transport: FailingTransport(failure: TransportFailure(.connection, requestSent: false, detail: "refused")),
            logger: Logger(label: "test")
        )
        do {
            _ = try await Self.adapter.submit(Self.submitRequest, context: context)
            Issue.record("submit succeeded through a failing transport")
        } catch {
            #expect(error == ProviderError(.connection, providerMessage: "refused", requestSent: false))
            #expect(!error.outcomeUnknown)
        }
    }

    @Test("cancel and callbacks are unsupported, and nothing is sent")
    func unsupportedOperations() async {
        let transport = ModelVerseCapturingTransport(body: "{}")
        await #expect(throws: ProviderError(.unsupported, providerMessage: "ModelVerse documents no way to cancel a task", requestSent: false)) {
            try await Self.adapter.cancel(taskID: "t-1", context: Self.context(transport))
        }
        #expect(throws: ProviderError(.unsupported, providerMessage: "ModelVerse sends no callbacks", requestSent: false)) {
            try Self.adapter.decodeCallback(Data(#"{"output":{"task_id":"t-1","task_status":"Success"}}"#.utf8))
        }
        #expect(transport.requests.isEmpty)
        #expect(Self.adapter.maxBatchSize == 1)
    }

    // MARK: helpers

    static let submitRequest = SubmitRequest(
        jobID: JobID.generate(), spec: JobSpec(model: "seedance-1.5-pro", prompt: "p", generateAudio: true),
        upstreamModel: "doubao-seedance-1-5-pro-251215"
    )

    static func context(_ transport: ModelVerseCapturingTransport, key: String = "k") -> ProviderContext {
        ProviderContext(
            baseURL: "https://mv.example", credentials: ProviderCredentials(["api_key": key]), transport: transport, logger: Logger(label: "test")
        )
    }
}

/// A transport that keeps every request and answers each with the current canned body (HTTP 200).
final class ModelVerseCapturingTransport: UpstreamTransport {
    private let state: Mutex<(sent: [UpstreamRequest], body: String)>

    init(body: String) { state = Mutex(([], body)) }

    var requests: [UpstreamRequest] { state.withLock { $0.sent } }

    func respond(with body: String) { state.withLock { $0.body = body } }

    func send(_ request: UpstreamRequest) async throws(TransportFailure) -> UpstreamResponse {
        let body = state.withLock { state in
            state.sent.append(request)
            return state.body
        }
        return UpstreamResponse(status: 200, headers: ["content-type": "application/json"], body: Data(body.utf8))
    }
}
