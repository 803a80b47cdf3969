import Testing

@testable import SeedGateCore

@Suite struct RoutingTests {
    struct Counter: RandomNumberGenerator {
        var state: UInt64 = 42
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    @Test func orderedFailoverAndFiltering() {
        let policy = RoutingPolicy(routes: ["m": [.init(provider: "a"), .init(provider: "b"), .init(provider: "c")]])
        var generator = Counter()
        #expect(policy.candidates(for: "m", serving: ["a", "b", "c"], using: &generator) == ["a", "b", "c"])
        #expect(policy.candidates(for: "m", serving: ["b", "c"], using: &generator) == ["b", "c"])
    }

    @Test func defaultRouteAndFallbackToAllServing() {
        var generator = Counter()
        let withDefault = RoutingPolicy(defaultRoute: [.init(provider: "b")])
        #expect(withDefault.candidates(for: "x", serving: ["a", "b"], using: &generator) == ["b"])
        #expect(RoutingPolicy().candidates(for: "x", serving: ["b", "a"], using: &generator) == ["a", "b"])
    }

    @Test func weightsSpreadWithinATier() {
        let policy = RoutingPolicy(routes: [
            "m": [
                .init(provider: "a", weight: 3, tier: 1), .init(provider: "b", weight: 1, tier: 1), .init(provider: "c", tier: 2),
            ]
        ])
        var generator = Counter()
        var firsts: [ProviderID: Int] = [:]
        for _ in 0..<2_000 {
            let order = policy.candidates(for: "m", serving: ["a", "b", "c"], using: &generator)
            #expect(order.count == 3)
            #expect(order.last == "c")
            firsts[order[0], default: 0] += 1
        }
        #expect((firsts["a"] ?? 0) > 1_300)
        #expect((firsts["b"] ?? 0) > 300)
    }
}
