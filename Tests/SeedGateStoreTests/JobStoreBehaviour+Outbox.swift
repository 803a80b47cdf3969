import Foundation
import SeedGateCore
import Testing

/// Idempotency keys, callback tokens, queue positions, in-flight counts and the webhook outbox.
extension JobStoreBehaviour {
    static func idempotencyKeysAndCallbackTokens(_ store: any JobStore) async throws {
        var job = JobFixtures.job(tenant: "acme", idempotencyKey: "k1")
        job.callbackToken = "tok-1"
        _ = try await store.insert(job, events: [])
        #expect(try await store.job(tenant: "acme", idempotencyKey: "k1")?.id == job.id)
        #expect(try await store.job(tenant: "globex", idempotencyKey: "k1") == nil)
        #expect(try await store.job(callbackToken: "tok-1")?.id == job.id)
        #expect(try await store.job(callbackToken: "tok-2") == nil)
        await #expect(throws: JobStoreError.duplicateIdempotencyKey) {
            try await store.insert(JobFixtures.job(tenant: "acme", idempotencyKey: "k1"), events: [])
        }
        _ = try await store.insert(JobFixtures.job(tenant: "globex", idempotencyKey: "k1"), events: [])
    }

    static func queuePositionsAndInFlightCounts(_ store: any JobStore) async throws {
        let base = Date()
        var jobs: [Job] = []
        for index in 0..<4 { jobs.append(try await store.insert(JobFixtures.job(createdAt: base.addingTimeInterval(Double(index))), events: [])) }
        #expect(try await store.queuePosition(of: jobs[0].id) == 0)
        #expect(try await store.queuePosition(of: jobs[3].id) == 3)
        var accepted = jobs[1]
        accepted.provider = "volcengine-ark"
        accepted.submission = .accepted
        _ = try #require(try await store.update(accepted, expecting: accepted.version, events: []))
        #expect(try await store.queuePosition(of: jobs[3].id) == 2)
        let counts = try await store.inFlightCounts()
        #expect(counts == [ProviderModel(provider: "volcengine-ark", model: accepted.model): 1])
        // Counted by resolution too (limits of their own at 4k), read from the stored spec.
        var fourK = jobs[2]
        fourK.provider = "volcengine-ark"
        fourK.submission = .submitting
        fourK.spec.resolution = "4k"
        _ = try #require(try await store.update(fourK, expecting: fourK.version, events: []))
        #expect(try await store.inFlightCounts(resolution: "4k") == [ProviderModel(provider: "volcengine-ark", model: fourK.model): 1])
        #expect(try await store.inFlightCounts(resolution: "1080p").isEmpty)
        #expect(try await store.inFlightCounts()[ProviderModel(provider: "volcengine-ark", model: accepted.model)] == 2)
    }

    static func outboxDeliveries(_ store: any JobStore) async throws {
        let job = JobFixtures.job()
        let now = Date()
        let event = JobEvent.statusChanged(job, at: now, webhookURLs: ["https://a.example/hook", "https://b.example/hook"])
        _ = try await store.insert(job, events: [event])
        let stored = try await store.deliveries(jobID: job.id)
        #expect(stored.map(\.url) == ["https://a.example/hook", "https://b.example/hook"])
        #expect(stored.allSatisfy { $0.status == .pending && $0.eventID == event.id })

        let lease = now.addingTimeInterval(30)
        let claimed = try await store.claimDueDeliveries(dueBy: now, limit: 10, leaseUntil: lease)
        #expect(claimed.count == 2)
        #expect(claimed.first?.event.job?.id == job.id)
        #expect(try await store.claimDueDeliveries(dueBy: now, limit: 10, leaseUntil: lease).isEmpty, "leased deliveries are not claimed twice")

        let first = try #require(claimed.first?.delivery.id)
        let second = try #require(claimed.last?.delivery.id)
        try await store.recordDeliveryAttempt(first, at: now, outcome: .delivered(responseStatus: 204))
        try await store.recordDeliveryAttempt(
            second, at: now, outcome: .failed(responseStatus: 500, error: "HTTP 500", retryAt: now.addingTimeInterval(5)))
        // A worker whose lease ran out reports late: it must not undo the delivery.
        try await store.recordDeliveryAttempt(first, at: now, outcome: .failed(responseStatus: nil, error: "late", retryAt: nil))
        var after = try await store.deliveries(jobID: job.id)
        #expect(after.map(\.status) == [.delivered, .pending])
        #expect(after.map(\.attempts) == [1, 1])
        #expect(try await store.claimDueDeliveries(dueBy: now.addingTimeInterval(5), limit: 10, leaseUntil: lease).map(\.delivery.id) == [second])
        try await store.recordDeliveryAttempt(second, at: now, outcome: .failed(responseStatus: nil, error: "refused", retryAt: nil))
        after = try await store.deliveries(jobID: job.id)
        #expect(after.last?.status == .dead)
        #expect(after.last?.lastError == "refused")
        #expect(try await store.claimDueDeliveries(dueBy: .distantFuture, limit: 10, leaseUntil: .distantFuture).isEmpty)
    }
}

@Suite struct JobStoreOutboxTests {
    @Test(arguments: StoreBackend.allCases)
    func idempotencyKeysAndCallbackTokens(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.idempotencyKeysAndCallbackTokens)
    }

    @Test(arguments: StoreBackend.allCases)
    func queuePositionsAndInFlightCounts(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.queuePositionsAndInFlightCounts)
    }

    @Test(arguments: StoreBackend.allCases)
    func outboxDeliveries(_ backend: StoreBackend) async throws {
        try await backend.withStore(JobStoreBehaviour.outboxDeliveries)
    }
}
