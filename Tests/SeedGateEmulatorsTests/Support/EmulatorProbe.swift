import AsyncHTTPClient
import Foundation
import NIOCore
import SeedGateEmulators
import Testing

/// One request a probe sends (the client adds the provider's credentials).
struct ProbeRequest: Sendable {
    var method: String
    var path: String
    var body: Data?

    static func json(_ method: String, _ path: String, _ fields: [String: Any]) -> ProbeRequest {
        ProbeRequest(method: method, path: path, body: try? JSONSerialization.data(withJSONObject: fields))
    }
}

/// A provider's own error answer, as its documents give it (docs/providers/<id>.md).
struct ProviderErrorShape: Sendable {
    var httpStatus: Int
    /// The provider's code, as text (Chanjing's numeric `code` too).
    var code: String
    /// The keys of the error body, top level.
    var keys: Set<String>
}

/// What the fault tests need to know about one provider's emulator, written from the provider's documents, so one
/// parameterised test covers all five.
struct EmulatorProbe: Sendable, CustomTestStringConvertible {
    var id: String
    var factory: EmulatorFactory
    /// A valid create; the callback URL is set when the provider pushes callbacks and one is given.
    var create: @Sendable (_ prompt: String, _ callbackURL: String?) -> ProbeRequest
    var createdID: @Sendable (_ answer: [String: Any]) -> String?
    var read: @Sendable (_ id: String) -> ProbeRequest
    /// A read of several tasks in one call, where the provider has one.
    var batchRead: (@Sendable (_ ids: [String]) -> ProbeRequest)?
    /// Every status word in a read answer (one for a single read, one per task for a batch).
    var statuses: @Sendable (_ answer: [String: Any]) -> [String]
    /// The code an error answer carries.
    var errorCode: @Sendable (_ answer: [String: Any]) -> String?
    var rateLimited: ProviderErrorShape
    var internalError: ProviderErrorShape
    /// Whether the provider pushes status changes to a callback URL.
    var pushesCallbacks: Bool

    var testDescription: String { id }
}

extension EmulatorProbe {
    static let all: [EmulatorProbe] = [ark("volcengine-ark", .volcengine), ark("byteplus-modelark", .byteplus), modelVerse, aceData, chanjing]

    static func ark(_ id: String, _ models: ArkModelSet) -> EmulatorProbe {
        let tasks = "/api/v3/contents/generations/tasks"
        let model = id == "byteplus-modelark" ? "seedance-1-0-pro-250528" : ArkHarness.pro10
        let errorKeys: Set<String> = ["error"]
        return EmulatorProbe(
            id: id, factory: ArkEmulator.factory(models: models),
            create: { prompt, callback in
                .json("POST", tasks, textToVideo(prompt, model: model, callback.map { ["callback_url": $0] } ?? [:]))
            },
            createdID: { $0["id"] as? String },
            read: { ProbeRequest(method: "GET", path: "\(tasks)/\($0)") },
            batchRead: { ids in ProbeRequest(method: "GET", path: tasks + "?" + ids.map { "filter.task_ids=\($0)" }.joined(separator: "&")) },
            statuses: { answer in
                if let items = answer["items"] as? [[String: Any]] { return items.compactMap { $0["status"] as? String } }
                return [answer["status"] as? String].compactMap { $0 }
            },
            errorCode: { ($0["error"] as? [String: Any])?["code"] as? String },
            rateLimited: ProviderErrorShape(httpStatus: 429, code: "ModelAccountRpmRateLimitExceeded", keys: errorKeys),
            internalError: ProviderErrorShape(httpStatus: 500, code: "InternalServiceError", keys: errorKeys),
            pushesCallbacks: true
        )
    }

    static let modelVerse = EmulatorProbe(
        id: "modelverse", factory: ModelVerseEmulator.factory,
        create: { prompt, _ in .json("POST", "/v1/tasks/submit", modelVerseBody(prompt)) },
        createdID: { ($0["output"] as? [String: Any])?["task_id"] as? String },
        read: { ProbeRequest(method: "GET", path: "/v1/tasks/status?task_id=\($0)") },
        batchRead: nil,
        statuses: { [($0["output"] as? [String: Any])?["task_status"] as? String].compactMap { $0 } },
        errorCode: { ($0["error"] as? [String: Any])?["code"] as? String },
        rateLimited: ProviderErrorShape(httpStatus: 429, code: "rate_limit", keys: ["error"]),
        internalError: ProviderErrorShape(httpStatus: 500, code: "internal_error", keys: ["error"]),
        pushesCallbacks: false
    )

    static let aceData = EmulatorProbe(
        id: "acedata", factory: AceDataEmulator.factory,
        create: { prompt, callback in
            var fields: [String: Any] = ["model": AceDataHarness.pro10, "content": [["type": "text", "text": prompt]]]
            // Both switches, as the adapter sends them: `callback_url` is the one AceData names ([S003]), so without
            // one a placeholder is sent (`async: true` alone gets a synchronous answer).
            fields["async"] = true
            fields["callback_url"] = callback ?? "dummy"
            return .json("POST", "/seedance/videos", fields)
        },
        createdID: { $0["task_id"] as? String },
        read: { .json("POST", "/seedance/tasks", ["action": "retrieve", "id": $0]) },
        batchRead: { .json("POST", "/seedance/tasks", ["action": "retrieve_batch", "ids": $0]) },
        statuses: { answer in
            let records = answer["items"] as? [[String: Any]] ?? [answer]
            return records.map { record in
                ((record["response"] as? [String: Any])?["data"] as? [String: Any])?["status"] as? String ?? "<none>"
            }
        },
        errorCode: { ($0["error"] as? [String: Any])?["code"] as? String },
        rateLimited: ProviderErrorShape(httpStatus: 429, code: "too_many_requests", keys: ["success", "error", "trace_id"]),
        internalError: ProviderErrorShape(httpStatus: 500, code: "api_error", keys: ["success", "error", "trace_id"]),
        pushesCallbacks: true
    )

    static let chanjing = EmulatorProbe(
        id: "chanjing", factory: ChanjingEmulator.factory,
        create: { prompt, _ in .json("POST", "/open/v1/ai_creation/task/submit", chanjingVideo(prompt)) },
        createdID: { $0["data"] as? String },
        read: { ProbeRequest(method: "GET", path: "/open/v1/ai_creation/task?unique_id=\($0)") },
        batchRead: { .json("POST", "/open/v1/ai_creation/task/page", ["type": 4, "page": 1, "page_size": 10, "unique_ids": $0]) },
        statuses: { answer in
            let data = answer["data"] as? [String: Any] ?? [:]
            if let list = data["list"] as? [[String: Any]] { return list.compactMap { $0["progress_desc"] as? String } }
            return [data["progress_desc"] as? String].compactMap { $0 }
        },
        errorCode: { ($0["code"] as? Int).map(String.init) },
        rateLimited: ProviderErrorShape(httpStatus: 200, code: "40001", keys: ["trace_id", "code", "msg", "data"]),
        internalError: ProviderErrorShape(httpStatus: 200, code: "50000", keys: ["trace_id", "code", "msg", "data"]),
        pushesCallbacks: false
    )
}

/// A running emulator started from its factory, with a client that presents the emulator's own credentials.
struct ProbedEmulator: Sendable {
    let probe: EmulatorProbe
    let client: HTTPClient
    let baseURL: String
    /// The credential headers every provider call carries.
    let credentials: [(String, String)]

    func send(_ request: ProbeRequest, timeout: TimeAmount = .seconds(20)) async throws -> Reply {
        try await loopbackSend(
            client, request.method, baseURL + request.path, body: request.body, authorization: nil, headers: credentials, timeout: timeout)
    }

    /// A helper route (`/emulator/…`, no credentials).
    func helper(_ method: String, _ path: String, _ fields: [String: Any]? = nil) async throws -> Reply {
        try await loopbackSend(
            client, method, baseURL + path, body: try fields.map { try JSONSerialization.data(withJSONObject: $0) }, authorization: nil)
    }

    func arm(_ fields: [String: Any]) async throws {
        let reply = try await helper("POST", "/emulator/faults", fields)
        try #require(reply.status == 200, "\(probe.id) refused faults: \(String(decoding: reply.body, as: UTF8.self))")
    }

    func injected(_ kind: String) async throws -> Int? {
        (try await helper("GET", "/emulator/faults").json["injected"] as? [String: Any])?[kind] as? Int
    }

    func stats() async throws -> [String: Any] { try await helper("GET", "/emulator/stats").json }

    func emulatedTasks() async throws -> [[String: Any]] {
        try await helper("GET", "/emulator/tasks").json["tasks"] as? [[String: Any]] ?? []
    }

    /// Creates a task and returns its id, failing the test if the emulator refuses.
    func createTask(_ prompt: String = "a kitten yawns at the camera", callbackURL: String? = nil) async throws -> String {
        let reply = try await send(probe.create(prompt, callbackURL))
        let text = String(decoding: reply.body, as: UTF8.self)
        return try #require(probe.createdID(reply.json), "\(probe.id) create answered \(reply.status): \(text)")
    }

    /// Checks that `reply` is the provider's own error answer `shape`.
    func expect(_ reply: Reply, is shape: ProviderErrorShape, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == shape.httpStatus, "\(probe.id)", sourceLocation: sourceLocation)
        #expect(
            probe.errorCode(reply.json) == shape.code, "\(probe.id): \(String(decoding: reply.body, as: UTF8.self))", sourceLocation: sourceLocation)
        #expect(Set(reply.json.keys) == shape.keys, "\(probe.id)", sourceLocation: sourceLocation)
        #expect(reply.headers["content-type"] == "application/json", sourceLocation: sourceLocation)
        #expect(reply.headers["retry-after"] == nil, "no provider documents Retry-After", sourceLocation: sourceLocation)
    }
}

/// Runs `probe`'s emulator from its factory on an ephemeral loopback port while `body` runs, then stops it.
func withProbedEmulator<T: Sendable>(
    _ probe: EmulatorProbe, _ configuration: EmulatorConfiguration = ArkHarness.configuration(),
    _ body: (ProbedEmulator) async throws -> T
) async throws -> T {
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    let instance = probe.factory(configuration) { portSink.yield($0) }
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let result = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await instance.service.run() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let baseURL = "http://127.0.0.1:\(port)"
            var credentials: [(String, String)] = []
            if let key = instance.credentials["api_key"] { credentials.append(("Authorization", "Bearer \(key)")) }
            if let appID = instance.credentials["app_id"], let secret = instance.credentials["secret_key"] {
                let body = try JSONSerialization.data(withJSONObject: ["app_id": appID, "secret_key": secret])
                let token = try await loopbackSend(client, "POST", baseURL + "/open/v1/access_token", body: body, authorization: nil)
                let value = try #require((token.json["data"] as? [String: Any])?["access_token"] as? String)
                credentials.append(("access_token", value))
            }
            return try await body(ProbedEmulator(probe: probe, client: client, baseURL: baseURL, credentials: credentials))
        }
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
