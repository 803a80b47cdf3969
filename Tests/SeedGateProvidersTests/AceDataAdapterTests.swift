import Foundation
import Logging
import SeedGateCore
import SeedGateProviders
import SeedGateRuntime
import Testing

/// A transport that answers every request with `answer` and keeps what it was sent.
actor AceDataScriptedTransport: UpstreamTransport {
    private(set) var requests: [UpstreamRequest] = []
    private let answer: @Sendable (UpstreamRequest) throws(TransportFailure) -> UpstreamResponse

    init(_ answer: @escaping @Sendable (UpstreamRequest) throws(TransportFailure) -> UpstreamResponse) {
        self.answer = answer
    }

    func send(_ request: UpstreamRequest) async throws(TransportFailure) -> UpstreamResponse {
        requests.append(request)
        return try answer(request)
    }

    /// The bodies sent, in order.
    var sentBodies: [Data] { requests.compactMap(\.body) }
}

/// Bodies as JSON objects (unreadable ones left out).
func aceObjects(_ bodies: [Data]) -> [[String: Any]] {
    bodies.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
}

func aceReply(_ status: Int, _ json: String, headers: [String: String] = ["content-type": "application/json"]) -> UpstreamResponse {
    UpstreamResponse(status: status, headers: headers, body: Data(json.utf8))
}

@Suite("AceData adapter")
struct AceDataAdapterTests {
    let adapter = AceDataAdapter()

    func context(_ transport: any UpstreamTransport, key: String? = "test-key") -> ProviderContext {
        ProviderContext(
            baseURL: "https://api.acedata.cloud", credentials: ProviderCredentials(key.map { ["api_key": $0] } ?? [:]),
            transport: transport, logger: Logger(label: "acedata-test")
        )
    }

    /// AceData's quirk, imitated: a create without a switch would block until the video exists. For every model
    /// and mode the manifest offers, with and without a callback route, the adapter sends both switches:
    /// `callback_url` (the seed document's switch [S003]; the placeholder when the job has no route) and `async`.
    @Test("no create the manifest allows can trigger AceData's blocking mode")
    func neverBlocking() async throws {
        let manifest = try ManifestLoader.load(file: ContractFiles.manifestFile(AceDataAdapter.providerID))
        let transport = AceDataScriptedTransport { _ in aceReply(200, #"{"task_id":"5e0c6a4e-0000-4000-8000-000000000001"}"#) }
        var sent = 0
        for model in manifest.models {
            for scenario in [Scenario.textToVideo, .firstFrame, .firstLastFrame, .referenceImages] where model.supports(Capability(scenario)) {
                let raw = JobSpec(model: model.name, prompt: "a lighthouse at dusk", images: ManifestTests.images(for: scenario))
                let spec = try JobValidator.normalise(raw, offering: model, manifest: manifest)
                for callbackURL in [nil, "https://gw.example/v1/callbacks/acedata/x"] {
                    let request = SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: model.upstream, callbackURL: callbackURL)
                    let submission = try await adapter.submit(request, context: context(transport))
                    #expect(submission == Submission(taskID: "5e0c6a4e-0000-4000-8000-000000000001"))
                    sent += 1
                }
            }
        }
        let bodies = aceObjects(await transport.sentBodies)
        #expect(bodies.count == sent && sent >= 16)
        for body in bodies {
            let asyncFlag = body["async"] as? Bool == true
            let callback = body["callback_url"] is String
            #expect(asyncFlag && callback, "both async switches on every create: \(body)")
            let twoX = (body["model"] as? String)?.contains("seedance-2-") == true
            // AceData's spelling; Seedance 2.x takes no camera_fixed at all.
            #expect(body["camera_fixed"] == nil && (twoX ? body["camerafixed"] == nil : body["camerafixed"] is Bool), "\(body)")
        }
        #expect(await transport.requests.allSatisfy { $0.method == "POST" && $0.path == "/seedance/videos" })
    }

    @Test("many tasks are fetched with retrieve_batch in chunks of 50, each id once")
    func batchChunks() async throws {
        let transport = AceDataScriptedTransport { request in
            let body = (try? JSONSerialization.jsonObject(with: request.body ?? Data()) as? [String: Any]) ?? [:]
            let ids = body["ids"] as? [String] ?? []
            let items = ids.map { #"{"id":"\#($0)","created_at":1.0,"started_at":1.1}"# }.joined(separator: ",")
            return aceReply(200, #"{"items":[\#(items)],"count":\#(ids.count)}"#)
        }
        let ids = (0..<120).map { "task-\($0)" }
        let targets = (ids + ids.prefix(10)).map { FetchTarget(taskID: $0) }
        let results = try await adapter.fetch(targets, context: context(transport))
        #expect(results.count == 120)
        #expect(results.values.allSatisfy { $0 == .found(UpstreamSnapshot(taskID: ($0.taskID), status: .mapped(.running), rawStatus: "pending")) })
        let bodies = aceObjects(await transport.sentBodies)
        #expect(bodies.map { $0["action"] as? String } == ["retrieve_batch", "retrieve_batch", "retrieve_batch"])
        #expect(bodies.map { ($0["ids"] as? [String])?.count } == [50, 50, 20])
        #expect(adapter.maxBatchSize == 50)
    }

    @Test("an unreadable batch item is skipped and its id confirmed on its own")
    func batchSkipsOddItems() async throws {
        let transport = AceDataScriptedTransport { request in
            let body = String(decoding: request.body ?? Data(), as: UTF8.self)
            if body.contains("retrieve_batch") { return aceReply(200, #"{"items":[{"id":"a","started_at":1},{"oops":true}],"count":2}"#) }
            return aceReply(200, #"{"id":"b"}"#)
        }
        let results = try await adapter.fetch([FetchTarget(taskID: "a"), FetchTarget(taskID: "b")], context: context(transport))
        #expect(results["a"] == .found(UpstreamSnapshot(taskID: "a", status: .mapped(.running), rawStatus: "pending")))
        #expect(results["b"] == .found(UpstreamSnapshot(taskID: "b", status: .mapped(.queued), rawStatus: "pending")))
        #expect(aceObjects(await transport.sentBodies).last?["action"] as? String == "retrieve")
    }

    @Test(
        "retrieve: 404, {} and null mean AceData does not know the task",
        arguments: [
            aceReply(404, #"{"success":false,"error":{"code":"not_found","message":"no"}}"#), aceReply(200, "{}"), aceReply(200, "null"),
        ])
    func unknownTask(_ answer: UpstreamResponse) async throws {
        let transport = AceDataScriptedTransport { _ in answer }
        #expect(try await adapter.fetch([FetchTarget(taskID: "gone")], context: context(transport)) == ["gone": .notFound])
    }

    @Test("retrieve: an error envelope in a 200, another task, or no JSON are errors, not guesses")
    func retrieveErrors() async throws {
        let limited = AceDataScriptedTransport { _ in aceReply(200, #"{"success":false,"error":{"code":"too_many_requests","message":"slow down"}}"#)
        }
        await #expect(throws: ProviderError(.rateLimited, httpStatus: 200, providerCode: "too_many_requests", providerMessage: "slow down")) {
            try await adapter.fetch([FetchTarget(taskID: "t")], context: context(limited))
        }
        let other = AceDataScriptedTransport { _ in aceReply(200, #"{"id":"someone-else"}"#) }
        await #expect(throws: ProviderError.self) { try await adapter.fetch([FetchTarget(taskID: "t")], context: context(other)) }
        let html = AceDataScriptedTransport { _ in aceReply(200, "<html>maintenance</html>", headers: [:]) }
        do {
            _ = try await adapter.fetch([FetchTarget(taskID: "t")], context: context(html))
            Issue.record("expected a malformed response")
        } catch {
            #expect(error.kind == .malformedResponse && error.httpStatus == 200)
            #expect(error.providerMessage?.contains("<html>maintenance</html>") == true)
        }
    }

    @Test(
        "HTTP errors: AceData's code decides, then the status",
        arguments: [
            (403, #"{"success":false,"error":{"code":"forbidden","message":"blocked"}}"#, ProviderError.Kind.contentModerated),
            (403, #"{"success":false,"error":{"code":"disabled","message":"off"}}"#, .unauthorized),
            (402, #"{"accepts":[]}"#, .quotaExceeded),
            (400, #"{"success":false,"error":{"code":"used_up","message":"recharge"}}"#, .quotaExceeded),
            (401, #"{"success":false,"error":{"code":"token_expired","message":"old"}}"#, .unauthorized),
            (404, "not here", .unavailable),
            (409, "{}", .unavailable),
            (502, "<html>bad gateway</html>", .unavailable),
            (422, #"{"success":false,"error":{"code":"whatever","message":"?"}}"#, .invalidRequest),
        ])
    func createErrors(_ status: Int, _ body: String, _ kind: ProviderError.Kind) async throws {
        let transport = AceDataScriptedTransport { _ in aceReply(status, body) }
        let request = SubmitRequest(jobID: JobID.generate(), spec: JobSpec(model: "seedance-1.0-pro", prompt: "x"), upstreamModel: "m")
        do {
            _ = try await adapter.submit(request, context: context(transport))
            Issue.record("expected \(kind)")
        } catch {
            #expect(error.kind == kind)
            #expect(error.httpStatus == status)
        }
    }

    @Test("a 2xx create without a task id may have created a task: malformed, with the HTTP status")
    func createWithoutTaskID() async throws {
        let transport = AceDataScriptedTransport { _ in aceReply(200, #"{"success":true,"trace_id":"t"}"#) }
        let request = SubmitRequest(jobID: JobID.generate(), spec: JobSpec(model: "seedance-1.0-pro", prompt: "x"), upstreamModel: "m")
        do {
            _ = try await adapter.submit(request, context: context(transport))
            Issue.record("expected malformedResponse")
        } catch {
            #expect(error.kind == .malformedResponse && error.httpStatus == 200)
        }
    }

    @Test("a transport timeout after sending is reported as such; a missing key stops before any request")
    func transportAndCredentials() async throws {
        let slow = AceDataScriptedTransport { _ throws(TransportFailure) in throw TransportFailure(.timeout, requestSent: true, detail: "no answer") }
        let request = SubmitRequest(jobID: JobID.generate(), spec: JobSpec(model: "seedance-1.0-pro", prompt: "x"), upstreamModel: "m")
        await #expect(throws: ProviderError(.timeout, providerMessage: "no answer", requestSent: true)) {
            try await adapter.submit(request, context: context(slow))
        }
        let idle = AceDataScriptedTransport { _ in aceReply(200, "{}") }
        do {
            _ = try await adapter.submit(request, context: context(idle, key: nil))
            Issue.record("expected unauthorized")
        } catch {
            #expect(error.kind == .unauthorized && !error.requestSent)
        }
        #expect(await idle.requests.isEmpty)
    }

    @Test("cancel is unsupported and sends nothing")
    func cancelUnsupported() async throws {
        let transport = AceDataScriptedTransport { _ in aceReply(200, "{}") }
        do {
            _ = try await adapter.cancel(taskID: "t", context: context(transport))
            Issue.record("expected unsupported")
        } catch {
            #expect(error.kind == .unsupported && !error.requestSent)
        }
        #expect(await transport.requests.isEmpty)
    }

    @Test("a callback body without task_id, or not JSON, is malformed")
    func badCallbacks() {
        for body in [#"{"success":true,"data":{"status":"succeeded"}}"#, "hello", ""] {
            #expect(throws: ProviderError.self) { try adapter.decodeCallback(Data(body.utf8)) }
        }
    }
}

extension FetchResult {
    /// The task id of a found snapshot ("" for notFound), for compact assertions.
    fileprivate var taskID: String {
        if case .found(let snapshot) = self { return snapshot.taskID }
        return ""
    }
}
