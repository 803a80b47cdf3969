import Foundation
import Logging
import SeedGateCore
import SeedGateTesting
import Testing

@testable import SeedGateProviders

/// Replicas share one Chanjing token through the store (`ProviderSharedState`): one exchange cluster-wide, and a
/// 10400 re-reads the shared token before exchanging again. Each "replica" is its own `ChanjingAdapter` (its own
/// per-process cache), all on one `FakeChanjing`, where a new token kills the previous one.
@Suite("Chanjing token shared by replicas")
struct ChanjingSharedTokenTests {
    static func context(_ transport: any UpstreamTransport, store: (any ProviderSharedState)?) -> ProviderContext {
        var context = ChanjingTokenTests.context(transport)
        context.sharedState = store
        return context
    }

    /// Four replicas, eight concurrent reads each, the first exchange held for 100 ms so they all overlap.
    static func crowd(_ fake: FakeChanjing, clock: ChanjingTestClock, store: (any ProviderSharedState)?) async throws {
        await fake.holdExchanges(for: .milliseconds(100))
        let replicas = (0..<4).map { _ in ChanjingAdapter(now: clock.now) }
        let context = Self.context(fake, store: store)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (replica, adapter) in replicas.enumerated() {
                for index in 0..<8 {
                    group.addTask { _ = try await adapter.fetch([FetchTarget(taskID: "r\(replica)-\(index)")], context: context) }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test("replicas sharing the store exchange one token between them, and none is refused")
    func oneExchangeForAllReplicas() async throws {
        let clock = ChanjingTestClock()
        let fake = FakeChanjing(clock: clock)
        try await Self.crowd(fake, clock: clock, store: InMemoryJobStore())
        #expect(await fake.exchanges == 1)
        #expect(await fake.rejections == 0)
    }

    @Test("without shared state each replica exchanges its own token and they kill each other's (the old behaviour)")
    func perProcessTokensCollide() async throws {
        let clock = ChanjingTestClock()
        let fake = FakeChanjing(clock: clock)
        try? await Self.crowd(fake, clock: clock, store: nil)
        #expect(await fake.exchanges >= 4, "one per replica at least")
    }

    @Test("a 10400 re-reads the shared token: another replica's newer token is used without exchanging again")
    func rejectionRereadsTheSharedToken() async throws {
        let clock = ChanjingTestClock()
        let fake = FakeChanjing(clock: clock)
        let store = InMemoryJobStore()
        let a = ChanjingAdapter(now: clock.now)
        let b = ChanjingAdapter(now: clock.now)
        let context = Self.context(fake, store: store)
        _ = try await a.fetch([FetchTarget(taskID: "t")], context: context)
        _ = try await b.fetch([FetchTarget(taskID: "t")], context: context)
        #expect(await fake.exchanges == 1, "b read a's token from the store")

        // Someone outside SeedGate exchanged the credentials: the shared token is dead. B is refused, finds the refused
        // token still stored, and exchanges under the lease; A, refused with its cached copy, then reads B's token.
        await fake.supersede()
        _ = try await b.fetch([FetchTarget(taskID: "t")], context: context)
        #expect(await fake.exchanges == 2)
        _ = try await a.fetch([FetchTarget(taskID: "t")], context: context)
        #expect(await fake.exchanges == 2, "a used the token b stored instead of exchanging (and killing it)")
        #expect(await fake.rejections == 2, "one refusal each, each retried once with the shared token")
    }

    @Test("a token due for refresh is refreshed once, and the other replicas read the new one")
    func refreshIsShared() async throws {
        let clock = ChanjingTestClock()
        let fake = FakeChanjing(clock: clock)
        let store = InMemoryJobStore()
        let replicas = (0..<3).map { _ in ChanjingAdapter(now: clock.now) }
        let context = Self.context(fake, store: store)
        for adapter in replicas { _ = try await adapter.fetch([FetchTarget(taskID: "t")], context: context) }
        clock.advance(86_400 - 299) // inside the 5-minute refresh margin
        for adapter in replicas { _ = try await adapter.fetch([FetchTarget(taskID: "t")], context: context) }
        #expect(await fake.exchanges == 2)
        #expect(await fake.rejections == 0)
    }

    @Test("a lease left by a replica that died is taken over once it has run out")
    func expiredLeaseIsTakenOver() async throws {
        let clock = ChanjingTestClock()
        let fake = FakeChanjing(clock: clock)
        let store = InMemoryJobStore()
        let key = ChanjingSharedToken.key(baseURL: "https://open-api.chanjing.cc", appID: "app")
        #expect(
            try await store.acquireSharedLease(
                key, holder: "dead-replica", until: clock.now().addingTimeInterval(-1), now: clock.now().addingTimeInterval(-31)))
        _ = try await ChanjingAdapter(now: clock.now).fetch([FetchTarget(taskID: "t")], context: Self.context(fake, store: store))
        #expect(await fake.exchanges == 1)
        #expect(try await store.sharedValue(key) != nil, "the new token is shared")
        #expect(
            try await store.acquireSharedLease(key, holder: "next", until: clock.now().addingTimeInterval(30), now: clock.now()),
            "and the lease released")
    }

    @Test("the store key is stable, per base URL and app, and names no credential; the stored token is never printed")
    func keysAndRedaction() {
        let key = ChanjingSharedToken.key(baseURL: "https://open-api.chanjing.cc/", appID: "my-app")
        #expect(key == ChanjingSharedToken.key(baseURL: "https://open-api.chanjing.cc", appID: "my-app"))
        #expect(key != ChanjingSharedToken.key(baseURL: "https://open-api.chanjing.cc", appID: "other"))
        #expect(key.hasPrefix("chanjing:access_token:") && !key.contains("my-app"))
        #expect(!"\(SharedStateEntry(value: "secret-token", version: 1))".contains("secret-token"))
        #expect(!"\(ChanjingToken(value: "secret-token", expiresAt: Date()))".contains("secret-token"))
    }
}
