import Foundation
import Logging
import SeedGateCore
import SeedGateTesting
import Synchronization
import Testing

@testable import SeedGateProviders

/// The Chanjing access token's life: one per credential, refreshed before expiry by one caller at a time, replaced
/// once when Chanjing rejects it, and its failures reported without pretending a task may exist.
@Suite("Chanjing access token")
struct ChanjingTokenTests {
    @Test("a token is exchanged once and reused while it is valid")
    func reuse() async throws {
        let (adapter, fake, _) = Self.setUp()
        let context = Self.context(fake)
        for _ in 0..<3 { _ = try await adapter.fetch([FetchTarget(taskID: "t1")], context: context) }
        #expect(await fake.exchanges == 1)
        #expect(await fake.rejections == 0)
    }

    @Test("many concurrent calls with an expired token trigger exactly one token exchange")
    func concurrentRefresh() async throws {
        let (adapter, fake, clock) = Self.setUp()
        let context = Self.context(fake)
        _ = try await adapter.fetch([FetchTarget(taskID: "t0")], context: context)
        #expect(await fake.exchanges == 1)

        clock.advance(86_400 - 299) // inside the 5-minute refresh margin of the one-day token
        await fake.holdExchanges(for: .milliseconds(50))
        let results = try await withThrowingTaskGroup(of: FetchResult?.self) { group in
            for index in 0..<24 {
                group.addTask { try await adapter.fetch([FetchTarget(taskID: "t\(index)")], context: context)["t\(index)"] }
            }
            return try await group.reduce(into: [FetchResult?]()) { $0.append($1) }
        }
        #expect(results.count == 24)
        #expect(results.allSatisfy { if case .found(let snapshot)? = $0 { snapshot.status == .mapped(.running) } else { false } })
        #expect(await fake.exchanges == 2, "one exchange for the first call, exactly one refresh for all 24")
        #expect(await fake.rejections == 0, "no call used a superseded token")
    }

    @Test("when another client supersedes the token, concurrent 10400s share one refresh and each call is retried once")
    func concurrentRejection() async throws {
        let (adapter, fake, _) = Self.setUp()
        let context = Self.context(fake)
        _ = try await adapter.fetch([FetchTarget(taskID: "t0")], context: context)
        await fake.supersede()
        await fake.holdExchanges(for: .milliseconds(50))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<16 {
                group.addTask { _ = try await adapter.fetch([FetchTarget(taskID: "t\(index)")], context: context) }
            }
            try await group.waitForAll()
        }
        #expect(await fake.exchanges == 2, "one exchange for the first call, exactly one replacement for all 16")
        // Calls that reached the cache after the refresh began waited for it and were never refused.
        let rejections = await fake.rejections
        #expect((1...16).contains(rejections))
        #expect(await fake.businessCalls == 1 + 16 + rejections, "each refused call was retried exactly once")
    }

    @Test("a second 10400 after the refresh is reported as unauthorized, with no further retry")
    func persistentRejection() async throws {
        let (adapter, fake, _) = Self.setUp()
        await fake.rejectEveryToken()
        do {
            _ = try await adapter.submit(ChanjingMappingTests.request(), context: Self.context(fake))
            Issue.record("submit succeeded with every token rejected")
        } catch {
            #expect(error == ProviderError(.unauthorized, httpStatus: 200, providerCode: "10400", providerMessage: "AccessToken 验证失败"))
        }
        #expect(await fake.exchanges == 2)
        #expect(await fake.businessCalls == 2)
    }

    @Test("tokens are kept per base URL and app_id")
    func keying() async throws {
        let (adapter, fake, _) = Self.setUp()
        _ = try await adapter.fetch([FetchTarget(taskID: "t")], context: Self.context(fake))
        _ = try await adapter.fetch([FetchTarget(taskID: "t")], context: Self.context(fake, baseURL: "https://open-api.chanjing.cc/"))
        #expect(await fake.exchanges == 1, "a trailing slash is the same base URL")
        await fake.allowAnyToken()
        _ = try await adapter.fetch([FetchTarget(taskID: "t")], context: Self.context(fake, baseURL: "http://127.0.0.1:9"))
        _ = try await adapter.fetch([FetchTarget(taskID: "t")], context: Self.context(fake, appID: "other-app"))
        #expect(await fake.exchanges == 3)
    }

    @Test(
        "token exchange failures are reported as not having sent the create",
        arguments: [
            (#"{"code":40000,"msg":"app_id 或 secret_key 错误","data":null}"#, ProviderError.Kind.unauthorized),
            (#"{"code":40001,"msg":"超出 QPS 限制"}"#, .rateLimited),
            (#"{"code":0,"msg":"success","data":{"expire_in":1}}"#, .malformedResponse),
            ("<html>gateway</html>", .malformedResponse),
        ])
    func exchangeFailure(body: String, kind: ProviderError.Kind) async {
        let transport = ReplayTransport([Self.raw("POST", ChanjingAdapter.tokenPath, body)], baseURL: "https://open-api.chanjing.cc")
        do {
            _ = try await ChanjingAdapter().submit(ChanjingMappingTests.request(), context: Self.context(transport))
            Issue.record("submit succeeded without a token")
        } catch {
            #expect(error.kind == kind && !error.requestSent && !error.outcomeUnknown, "\(error)")
        }
        #expect(await Self.unmatched(transport).isEmpty)
    }

    @Test("a timeout on the token exchange is transient, not an unknown create outcome")
    func exchangeTimeout() async {
        let context = Self.context(FailingTransport(failure: TransportFailure(.timeout, requestSent: true, detail: "read timed out")))
        do {
            _ = try await ChanjingAdapter().submit(ChanjingMappingTests.request(), context: context)
            Issue.record("submit succeeded through a failing transport")
        } catch {
            #expect(error == ProviderError(.timeout, providerMessage: "read timed out", requestSent: false))
            #expect(error.isTransient && !error.outcomeUnknown)
        }
    }

    @Test("missing credentials fail before anything is sent")
    func missingCredentials() async {
        let transport = ReplayTransport([], baseURL: "https://open-api.chanjing.cc")
        let context = ProviderContext(
            baseURL: "https://open-api.chanjing.cc", credentials: ProviderCredentials(["app_id": "a"]), transport: transport,
            logger: Logger(label: "test")
        )
        do {
            _ = try await ChanjingAdapter().fetch([FetchTarget(taskID: "t")], context: context)
            Issue.record("fetch succeeded without a secret key")
        } catch {
            #expect(error.kind == .unauthorized && !error.requestSent)
        }
        #expect(await Self.unmatched(transport).isEmpty)
    }

    @Test(
        "unreadable or non-200 business answers",
        arguments: [
            (200, #"{"code":0,"msg":"success","data":{"id":1}}"#, ProviderError.Kind.malformedResponse),
            (200, #"{"code":0,"msg":"success","data":""}"#, .malformedResponse),
            (200, "not json", .malformedResponse),
            (502, "<html>Bad Gateway</html>", .unavailable),
            (429, "", .rateLimited),
        ])
    func badSubmitAnswers(status: Int, body: String, kind: ProviderError.Kind) async {
        var answer = Self.raw("POST", ChanjingAdapter.submitPath, body)
        answer.response.status = status
        let transport = ReplayTransport(
            [Self.raw("POST", ChanjingAdapter.tokenPath, Self.tokenBody), answer], baseURL: "https://open-api.chanjing.cc")
        do {
            _ = try await ChanjingAdapter().submit(ChanjingMappingTests.request(), context: Self.context(transport))
            Issue.record("accepted \(status) \(body)")
        } catch {
            #expect(error.kind == kind && error.httpStatus == status && error.requestSent, "\(error)")
        }
        #expect(await Self.unmatched(transport).isEmpty)
    }

    @Test("a lookup answered with data null is a task Chanjing no longer knows; a wrong task is malformed")
    func lookupEdges() async throws {
        let null = Self.raw("GET", ChanjingAdapter.taskPath, #"{"code":0,"msg":"success","data":null}"#)
        let other = Self.raw("GET", ChanjingAdapter.taskPath, #"{"code":0,"msg":"success","data":{"unique_id":"b","progress_desc":"Queued"}}"#)
        let broken = Self.raw("GET", ChanjingAdapter.taskPath, #"{"code":0,"msg":"success","data":{"unique_id":"a"}}"#)
        let transport = ReplayTransport(
            [Self.raw("POST", ChanjingAdapter.tokenPath, Self.tokenBody), null, other, broken], baseURL: "https://open-api.chanjing.cc")
        let adapter = ChanjingAdapter()
        let context = Self.context(transport)
        #expect(try await adapter.fetch([FetchTarget(taskID: "a")], context: context) == ["a": .notFound])
        for _ in 0..<2 {
            await #expect(throws: ProviderError.self) { try await adapter.fetch([FetchTarget(taskID: "a")], context: context) }
        }
        #expect(await Self.unmatched(transport).isEmpty)
    }

    @Test("cancel and callbacks are unsupported without calling Chanjing")
    func unsupported() async {
        let transport = ReplayTransport([], baseURL: "https://open-api.chanjing.cc")
        await #expect(throws: ProviderError.self) { try await ChanjingAdapter().cancel(taskID: "t", context: Self.context(transport)) }
        #expect(throws: ProviderError.self) { try ChanjingAdapter().decodeCallback(Data("{}".utf8)) }
        #expect(await Self.unmatched(transport).isEmpty)
        #expect(ChanjingAdapter().maxBatchSize == 50, "one task/page call reads up to 50 tasks [DOC-LIST]")
    }

    // MARK: helpers

    static let tokenBody = #"{"code":0,"msg":"success","data":{"access_token":"tok","expire_in":1721289220}}"#

    static func setUp() -> (ChanjingAdapter, FakeChanjing, ChanjingTestClock) {
        let clock = ChanjingTestClock()
        let fake = FakeChanjing(clock: clock)
        return (ChanjingAdapter(now: clock.now), fake, clock)
    }

    static func context(
        _ transport: any UpstreamTransport, baseURL: String = "https://open-api.chanjing.cc", appID: String = "app"
    ) -> ProviderContext {
        ProviderContext(
            baseURL: baseURL, credentials: ProviderCredentials(["app_id": appID, "secret_key": "secret"]), transport: transport,
            logger: Logger(label: "test")
        )
    }

    /// Exchanges requested beyond or short of the script (the raw exchanges record no bodies, so those differences are ignored).
    static func unmatched(_ transport: ReplayTransport) async -> [String] {
        await transport.finish().filter { $0.contains("never requested") || $0.contains("no recorded exchange") }
    }

    static func raw(_ method: String, _ path: String, _ body: String) -> ContractCassette.Exchange {
        ContractCassette.Exchange(
            request: .init(method: method, path: path, query: nil, headers: nil, json: nil),
            response: .init(status: 200, headers: nil, json: nil, body: body)
        )
    }
}

/// A clock the test moves by hand.
final class ChanjingTestClock: Sendable {
    private let date = Mutex(Date(timeIntervalSince1970: 1_772_510_000))

    func now() -> Date { date.withLock { $0 } }
    func advance(_ seconds: Double) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// An in-memory Chanjing: one valid token at a time (a new exchange supersedes the old), 10400 for any other,
/// every task `Generating`. Counts exchanges, business calls and rejections.
actor FakeChanjing: UpstreamTransport {
    private(set) var exchanges = 0
    private(set) var businessCalls = 0
    private(set) var rejections = 0
    private var current: String?
    private var exchangeHold: Duration = .zero
    private var rejectAll = false
    private var anyToken = false
    private let clock: ChanjingTestClock

    init(clock: ChanjingTestClock) { self.clock = clock }

    func holdExchanges(for duration: Duration) { exchangeHold = duration }
    /// Another client exchanged the same credentials: the adapter's token is dead.
    func supersede() { current = "someone-else" }
    func rejectEveryToken() { rejectAll = true }
    /// Accept every token issued (several base URLs or app ids share this fake).
    func allowAnyToken() { anyToken = true }

    func send(_ request: UpstreamRequest) async throws(TransportFailure) -> UpstreamResponse {
        if request.path == ChanjingAdapter.tokenPath {
            exchanges += 1
            let token = "token-\(exchanges)"
            if exchangeHold > .zero { try? await Task.sleep(for: exchangeHold) }
            current = token
            let expiry = Int(clock.now().timeIntervalSince1970) + 86_400
            return Self.answer(#"{"code":0,"msg":"success","data":{"access_token":"\#(token)","expire_in":\#(expiry)}}"#)
        }
        businessCalls += 1
        guard !rejectAll, anyToken || request.headers["access_token"] == current else {
            rejections += 1
            return Self.answer(#"{"code":10400,"msg":"AccessToken 验证失败","data":null}"#)
        }
        if request.method == "POST" { return Self.answer(#"{"code":0,"msg":"success","data":"task-1"}"#) }
        let id = request.query.first { $0.name == "unique_id" }?.value ?? ""
        return Self.answer(#"{"code":0,"msg":"success","data":{"unique_id":"\#(id)","progress_desc":"Generating"}}"#)
    }

    private static func answer(_ body: String) -> UpstreamResponse {
        UpstreamResponse(status: 200, headers: ["content-type": "application/json"], body: Data(body.utf8))
    }
}
