import Foundation
import SeedGateAPI
import SeedGateCore

/// What `GET /v1/jobs/{id}` adds to the job: its place in SeedGate's queue, its webhook deliveries, and how long a
/// poller should wait before asking again.
struct JobDetail {
    var rendered: Components.Schemas.Job
    var pollAfterMilliseconds: Int?

    init(job: Job, jobs: JobService, links: MediaLinks?, emulated: Set<ProviderID>) async throws {
        rendered = Components.Schemas.Job(job, links: links, emulated: emulated, now: jobs.now())
        rendered.queuePosition = try await jobs.queuePosition(of: job)
        let deliveries = try await jobs.deliveries(of: job)
        if !deliveries.isEmpty { rendered.webhooks = deliveries.map { .init($0) } }
        if !job.status.isTerminal {
            let next = job.dueAt.map { $0.timeIntervalSince(jobs.now()) } ?? 1
            pollAfterMilliseconds = Int((min(max(next, 0.5), 30) * 1000).rounded())
        }
    }
}

extension Components.Schemas.WebhookDelivery {
    init(_ delivery: WebhookDelivery) {
        self.init(
            eventId: delivery.eventID, _type: delivery.eventType, url: delivery.url, status: .init(rawValue: delivery.status.rawValue)!,
            attempts: delivery.attempts, lastResponseStatus: delivery.lastResponseStatus, lastError: delivery.lastError,
            nextAttemptAt: delivery.status == .pending ? delivery.nextAttemptAt : nil, deliveredAt: delivery.deliveredAt
        )
    }
}

/// The job as the API renders it, as JSON bytes (webhook payloads and SSE frames use the same shape as GET), with
/// fresh signed links to its archived files when `links` is given.
public func renderJobJSON(_ job: Job, links: MediaLinks? = nil, emulated: Set<ProviderID> = []) -> Data {
    HTTPJSON.data(Components.Schemas.Job(job, links: links, emulated: emulated, now: Date()))
}
