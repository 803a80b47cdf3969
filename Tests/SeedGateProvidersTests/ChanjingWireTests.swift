import Foundation
import Logging
import SeedGateCore
import SeedGateEmulators
import SeedGateRuntime
import Testing

@testable import SeedGateProviders

/// The Chanjing adapter against the strict Chanjing emulator over loopback HTTP: the frame fields [S004]'s table
/// names, the manifest option that switches them, and the batch read through `task/page` [DOC-LIST] with its
/// fallbacks to single reads.
@Suite("Chanjing adapter on the wire", .timeLimit(.minutes(2)))
struct ChanjingWireTests {
    static let start = "https://res.chanjing.cc/chanjing/res/aigc_creation/photo/start.jpg"
    static let end = "https://res.chanjing.cc/chanjing/res/aigc_creation/photo/end.jpg"

    static func framesRequest() -> SubmitRequest {
        ChanjingMappingTests.request(images: [
            ImageInput(url: start, role: .firstFrame), ImageInput(url: end, role: .lastFrame),
        ])
    }

    @Test("by default the frames go as start_frame / end_frame, which the strict emulator takes")
    func defaultFrameFields() async throws {
        try await withLoopbackChanjing { cj in
            let submission = try await ChanjingAdapter().submit(Self.framesRequest(), context: cj.context())
            let task = try #require(await cj.emulator.book.peek(submission.taskID))
            #expect(task.task.spec.images == [Self.start, Self.end], "first frame, then last frame")
        }
    }

    @Test("the shipped manifest names start_frame, the parameter table's reading")
    func manifestOption() throws {
        let manifests = try ManifestLoader.loadAll(directory: ChanjingLoopback.providersDirectory)
        let chanjing = try #require(manifests.first { $0.id == ChanjingAdapter.providerID })
        #expect(chanjing.options?["image_field"] == "start_frame")
    }

    @Test("image_field: ref_img_url sends the code samples' array: taken by an emulator told to, refused (40000) by the strict one")
    func refImgURLOption() async throws {
        let options = ["image_field": "ref_img_url"]
        try await withLoopbackChanjing(acceptsRefImgURL: true) { cj in
            let submission = try await ChanjingAdapter().submit(Self.framesRequest(), context: cj.context(options: options))
            #expect(try #require(await cj.emulator.book.peek(submission.taskID)).task.spec.images == [Self.start, Self.end])
        }
        try await withLoopbackChanjing { cj in
            do throws(ProviderError) {
                _ = try await ChanjingAdapter().submit(Self.framesRequest(), context: cj.context(options: options))
                Issue.record("the strict emulator took ref_img_url")
            } catch {
                #expect(error.kind == .invalidRequest && error.providerCode == "40000", "\(error)")
            }
            #expect(await cj.emulator.counters().creates == 0)
        }
    }

    @Test("an image_field the adapter does not know is refused before anything is sent")
    func unknownOption() async throws {
        try await withLoopbackChanjing { cj in
            await #expect(
                throws: ProviderError(
                    .unsupported, providerMessage: "the chanjing manifest option image_field is start_frame or ref_img_url, not frames",
                    requestSent: false)
            ) {
                try await ChanjingAdapter().submit(Self.framesRequest(), context: cj.context(options: ["image_field": "frames"]))
            }
            #expect(await cj.emulator.tokenStats().exchanges == 0)
        }
    }

    @Test("several tasks are read with one task/page call")
    func batchIsOnePageCall() async throws {
        try await withLoopbackChanjing { cj in
            let adapter = ChanjingAdapter()
            let context = cj.context()
            var ids: [String] = []
            for index in 0..<3 {
                ids.append(try await adapter.submit(ChanjingMappingTests.request(prompt: "task \(index)"), context: context).taskID)
            }
            let before = await cj.emulator.counters().statusReads
            let results = try await adapter.fetch(ids.map { FetchTarget(taskID: $0) }, context: context)
            #expect(Set(results.keys) == Set(ids))
            for id in ids {
                guard case .found(let snapshot)? = results[id] else {
                    Issue.record("\(id): \(String(describing: results[id]))")
                    continue
                }
                #expect(snapshot.taskID == id && snapshot.status.isMapped, "\(snapshot)")
            }
            #expect(await cj.emulator.counters().statusReads == before + 1, "one page call, no single reads")
        }
    }

    @Test("an id the page does not list is read alone: an unknown one is reported not found")
    func missingFromPage() async throws {
        try await withLoopbackChanjing { cj in
            let adapter = ChanjingAdapter()
            let context = cj.context()
            let known = try await adapter.submit(ChanjingMappingTests.request(), context: context).taskID
            let unknown = "0f1e2d3c-4b5a-4968-8776-655443322110"
            let results = try await adapter.fetch([FetchTarget(taskID: known), FetchTarget(taskID: unknown)], context: context)
            guard case .found(let snapshot)? = results[known] else {
                Issue.record("\(known): \(String(describing: results[known]))")
                return
            }
            #expect(snapshot.taskID == known)
            #expect(results[unknown] == .notFound, "GET answered 40000 任务不存在 for it")
        }
    }

    @Test("a page answer that cannot be read falls back to one read per task")
    func unreadablePage() async throws {
        try await withLoopbackChanjing { cj in
            let adapter = ChanjingAdapter()
            let context = cj.context()
            let ids = [
                try await adapter.submit(ChanjingMappingTests.request(prompt: "one"), context: context).taskID,
                try await adapter.submit(ChanjingMappingTests.request(prompt: "two"), context: context).taskID,
            ]
            try await cj.arm(#"{"read_malformed": 1}"#)
            let before = await cj.emulator.counters().statusReads
            let results = try await adapter.fetch(ids.map { FetchTarget(taskID: $0) }, context: context)
            for id in ids {
                guard case .found(let snapshot)? = results[id] else {
                    Issue.record("\(id): \(String(describing: results[id]))")
                    continue
                }
                #expect(snapshot.taskID == id)
            }
            #expect(await cj.emulator.counters().statusReads == before + 3, "the broken page, then one GET per task")
        }
    }

    @Test("one unreadable item in a page is read alone; one unreadable single read never stalls the others")
    func unreadableItem() async throws {
        let page = #"""
            {"code":0,"msg":"success","data":{"list":[
              {"unique_id":"a","progress_desc":"Generating"},
              {"unique_id":"b","progress_desc":7},
              {"unique_id":"c","progress_desc":"Success","output_url":["https://res.example/c.mp4"]},
              {"unique_id":"zz","progress_desc":"Success"}
            ],"total":4,"page_info":{"page":1,"size":50,"total_count":4,"total_page":1}}}
            """#
        let transport = ChanjingScriptedTransport(
            page: page, singles: ["b": #"{"code":0,"msg":"success","data":{"unique_id":"b","progress_desc":"Queued"}}"#, "d": "<html>"]
        )
        let results = try await ChanjingAdapter().fetch(
            ["a", "b", "c", "d"].map { FetchTarget(taskID: $0) }, context: ChanjingTokenTests.context(transport))
        #expect(results["a"] == .found(UpstreamSnapshot(taskID: "a", status: .mapped(.running), rawStatus: "Generating")))
        #expect(results["b"] == .found(UpstreamSnapshot(taskID: "b", status: .mapped(.queued), rawStatus: "Queued")), "read alone")
        #expect(
            results["c"]
                == .found(
                    UpstreamSnapshot(
                        taskID: "c", status: .mapped(.succeeded), rawStatus: "Success", output: JobOutput(videoURL: "https://res.example/c.mp4"))))
        #expect(results["d"] == nil, "its unreadable single read is left out; the others are answered")
        #expect(results["zz"] == nil, "a task not asked about is ignored")
        #expect(await transport.singleReads == ["b", "d"])
        #expect(await transport.pageBodies.count == 1)
    }

    @Test("the page request carries every field [DOC-LIST] lists: unique_ids, type 4, page 1, page_size 50, is_success false")
    func pageRequestBody() async throws {
        let transport = ChanjingScriptedTransport(page: #"{"code":0,"msg":"success","data":{"list":[],"total":0}}"#, singles: [:])
        _ = try await ChanjingAdapter().fetch([FetchTarget(taskID: "a"), FetchTarget(taskID: "b")], context: ChanjingTokenTests.context(transport))
        let body = try #require(await transport.pageBodies.first)
        #expect(body == .object(["unique_ids": .array(["a", "b"]), "type": 4, "page": 1, "page_size": 50, "is_success": false]))
    }

    @Test("a page refused as a parameter error falls back to single reads; a rate limit fails the batch")
    func pageRefusals() async throws {
        let refused = ChanjingScriptedTransport(
            page: #"{"code":40000,"msg":"参数错误","data":null}"#,
            singles: [
                "a": #"{"code":0,"msg":"success","data":{"unique_id":"a","progress_desc":"Queued"}}"#,
                "b": #"{"code":0,"msg":"success","data":{"unique_id":"b","progress_desc":"Queued"}}"#,
            ])
        let results = try await ChanjingAdapter().fetch(
            [FetchTarget(taskID: "a"), FetchTarget(taskID: "b")], context: ChanjingTokenTests.context(refused))
        #expect(results.count == 2)
        let limited = ChanjingScriptedTransport(page: #"{"code":40001,"msg":"超出 QPS 限制","data":null}"#, singles: [:])
        await #expect(throws: ProviderError(.rateLimited, httpStatus: 200, providerCode: "40001", providerMessage: "超出 QPS 限制")) {
            try await ChanjingAdapter().fetch([FetchTarget(taskID: "a"), FetchTarget(taskID: "b")], context: ChanjingTokenTests.context(limited))
        }
        #expect(await limited.singleReads.isEmpty, "no burst of single reads into a rate limit")
    }
}

extension UpstreamSnapshot.Status {
    fileprivate var isMapped: Bool {
        if case .mapped = self { true } else { false }
    }
}

/// A Chanjing with a scripted page answer and single-read answers by id; tokens always work.
actor ChanjingScriptedTransport: UpstreamTransport {
    let page: String
    let singles: [String: String]
    private(set) var singleReads: [String] = []
    private(set) var pageBodies: [JSONValue] = []

    init(page: String, singles: [String: String]) {
        self.page = page
        self.singles = singles
    }

    func send(_ request: UpstreamRequest) async throws(TransportFailure) -> UpstreamResponse {
        switch request.path {
        case ChanjingAdapter.tokenPath:
            return Self.answer(ChanjingTokenTests.tokenBody)
        case ChanjingAdapter.pagePath:
            pageBodies.append(request.body.flatMap(JSONValue.init(data:)) ?? .null)
            return Self.answer(page)
        default:
            let id = request.query.first { $0.name == "unique_id" }?.value ?? ""
            singleReads.append(id)
            return Self.answer(singles[id] ?? #"{"code":40000,"msg":"任务不存在","data":null}"#)
        }
    }

    private static func answer(_ body: String) -> UpstreamResponse {
        UpstreamResponse(status: 200, headers: ["content-type": "application/json"], body: Data(body.utf8))
    }
}

/// A Chanjing emulator on a loopback port and an HTTP transport to it.
struct ChanjingLoopback: Sendable {
    let emulator: ChanjingEmulator
    let baseURL: String
    let transport: AsyncHTTPClientTransport

    static let providersDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Providers")

    /// The emulator's credentials, with the manifest `options` and shared state given.
    func context(options: [String: String] = [:], sharedState: (any ProviderSharedState)? = nil) -> ProviderContext {
        ProviderContext(
            baseURL: baseURL,
            credentials: ProviderCredentials(["app_id": ChanjingEmulator.defaultAppID, "secret_key": emulator.configuration.apiKey]),
            transport: transport, logger: Logger(label: "test"), options: options, sharedState: sharedState
        )
    }

    /// Arms faults through `POST /emulator/faults`.
    func arm(_ json: String) async throws {
        let answer = try await transport.send(
            UpstreamRequest(
                method: "POST", baseURL: baseURL, path: "/emulator/faults", headers: ["content-type": "application/json"], body: Data(json.utf8)))
        try #require(answer.status == 200, "faults refused: \(String(decoding: answer.body, as: UTF8.self))")
    }
}

/// Runs a Chanjing emulator (tasks queue 50 ms, run 200 ms) on an ephemeral loopback port while `body` runs.
func withLoopbackChanjing<T: Sendable>(
    acceptsRefImgURL: Bool = false, _ body: (ChanjingLoopback) async throws -> T
) async throws -> T {
    let configuration = EmulatorConfiguration(queueSeconds: 0.05, runSeconds: 0.2, logLevel: .critical)
    let emulator = ChanjingEmulator(configuration: configuration, acceptsRefImgURL: acceptsRefImgURL)
    return try await withLoopbackEmulator("the Chanjing emulator", timeout: .seconds(10)) { onPort in
        let application = emulator.makeApplication(onServerRunning: onPort)
        return { try await application.run() }
    } _: { baseURL, transport in
        try await body(ChanjingLoopback(emulator: emulator, baseURL: baseURL, transport: transport))
    }
}
