import Foundation

/// The webhook outbox: events are recorded with the job writes that cause them; delivery workers claim them here
/// and report each attempt back.
extension JobService {
    /// Takes up to `limit` due deliveries for `lease` seconds, so no other worker or replica takes them meanwhile.
    public func claimDueDeliveries(limit: Int, lease: TimeInterval) async throws -> [ClaimedDelivery] {
        let date = now()
        return try await store.claimDueDeliveries(dueBy: date, limit: limit, leaseUntil: date.addingTimeInterval(lease))
    }

    /// Records the outcome of an attempt on a claimed delivery.
    public func recordDeliveryAttempt(_ delivery: WebhookDelivery, outcome: DeliveryOutcome) async throws {
        try await store.recordDeliveryAttempt(delivery.id, at: now(), outcome: outcome)
    }
}
