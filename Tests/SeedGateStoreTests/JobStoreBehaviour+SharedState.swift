import Foundation
import SeedGateCore
import Testing

/// Provider shared state (`ProviderSharedState`): versioned compare-and-set values and leases that one holder at a time
/// owns until they run out. Every store SeedGate ships offers it, so replicas on one database share it.
extension JobStoreBehaviour {
    static func sharedValues(_ store: any JobStore) async throws {
        let state = try #require(store as? any ProviderSharedState, "\(type(of: store)) does not offer provider shared state")
        #expect(try await state.sharedValue("chanjing:token:a") == nil)
        #expect(try await state.setSharedValue("chanjing:token:a", to: "one", expecting: 1) == nil, "no value yet: only nil matches")

        let first = try #require(try await state.setSharedValue("chanjing:token:a", to: "one", expecting: nil))
        #expect(first == SharedStateEntry(value: "one", version: 1))
        #expect(try await state.sharedValue("chanjing:token:a") == first)
        #expect(try await state.setSharedValue("chanjing:token:a", to: "again", expecting: nil) == nil, "a value exists")
        #expect(try await state.setSharedValue("chanjing:token:a", to: "stale", expecting: 2) == nil)

        let second = try #require(try await state.setSharedValue("chanjing:token:a", to: "two", expecting: 1))
        #expect(second == SharedStateEntry(value: "two", version: 2))
        #expect(try await state.setSharedValue("chanjing:token:a", to: "late", expecting: 1) == nil, "the old version no longer matches")
        #expect(try await state.sharedValue("chanjing:token:a") == second)
        #expect(try await state.sharedValue("chanjing:token:b") == nil, "keys are separate")
    }

    /// Of several writers racing from the same version, exactly one wins.
    static func concurrentSharedWrites(_ store: any JobStore) async throws {
        let state = try #require(store as? any ProviderSharedState)
        let winners = try await withThrowingTaskGroup(of: String?.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    try await state.setSharedValue("k", to: "writer-\(writer)", expecting: nil) == nil ? nil : "writer-\(writer)"
                }
            }
            return try await group.reduce(into: [String]()) { if let winner = $1 { $0.append(winner) } }
        }
        #expect(winners.count == 1)
        #expect(try await state.sharedValue("k") == SharedStateEntry(value: winners.first ?? "-", version: 1))
    }

    static func sharedLeases(_ store: any JobStore) async throws {
        let state = try #require(store as? any ProviderSharedState)
        let now = Date(timeIntervalSince1970: 1_772_510_000)
        #expect(try await state.acquireSharedLease("lease", holder: "a", until: now.addingTimeInterval(30), now: now))
        #expect(try await !state.acquireSharedLease("lease", holder: "b", until: now.addingTimeInterval(40), now: now.addingTimeInterval(10)))
        #expect(
            try await state.acquireSharedLease("lease", holder: "a", until: now.addingTimeInterval(60), now: now.addingTimeInterval(10)),
            "the holder extends")
        #expect(try await !state.acquireSharedLease("lease", holder: "b", until: now.addingTimeInterval(90), now: now.addingTimeInterval(59)))

        // Someone else's release does nothing; the holder's frees the lease at once.
        try await state.releaseSharedLease("lease", holder: "b")
        #expect(try await !state.acquireSharedLease("lease", holder: "b", until: now.addingTimeInterval(90), now: now.addingTimeInterval(20)))
        try await state.releaseSharedLease("lease", holder: "a")
        #expect(try await state.acquireSharedLease("lease", holder: "b", until: now.addingTimeInterval(90), now: now.addingTimeInterval(20)))

        // An expired lease is taken over; the old holder's late release leaves the new holder's lease alone.
        #expect(try await state.acquireSharedLease("lease", holder: "c", until: now.addingTimeInterval(200), now: now.addingTimeInterval(90)))
        try await state.releaseSharedLease("lease", holder: "b")
        #expect(try await !state.acquireSharedLease("lease", holder: "a", until: now.addingTimeInterval(300), now: now.addingTimeInterval(100)))

        // A lease and a value under one key do not disturb each other.
        #expect(try await state.sharedValue("lease") == nil)
        let written = try #require(try await state.setSharedValue("lease", to: "v", expecting: nil))
        #expect(written.version == 1)
        try await state.releaseSharedLease("lease", holder: "c")
        #expect(try await state.sharedValue("lease") == written)
        #expect(try await state.acquireSharedLease("other", holder: "a", until: now.addingTimeInterval(30), now: now), "leases are per key")
    }

    /// Of several holders racing for a free lease, exactly one gets it.
    static func concurrentLeases(_ store: any JobStore) async throws {
        let state = try #require(store as? any ProviderSharedState)
        let now = Date()
        let holders = try await withThrowingTaskGroup(of: String?.self) { group in
            for holder in 0..<8 {
                group.addTask {
                    try await state.acquireSharedLease("race", holder: "h\(holder)", until: now.addingTimeInterval(30), now: now) ? "h\(holder)" : nil
                }
            }
            return try await group.reduce(into: [String]()) { if let holder = $1 { $0.append(holder) } }
        }
        #expect(holders.count == 1)
    }
}

@Suite struct JobStoreSharedStateTests {
    @Test(arguments: StoreBackend.allCases)
    func sharedValues(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.sharedValues)
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentSharedWrites(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.concurrentSharedWrites)
    }

    @Test(arguments: StoreBackend.allCases)
    func sharedLeases(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.sharedLeases)
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentLeases(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.concurrentLeases)
    }
}
