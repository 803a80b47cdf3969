import Foundation
import Logging
import SeedGateCore
import ServiceLifecycle
import Tracing

/// Delivers the webhook outbox: claims due deliveries (a lease keeps other workers and replicas off them), checks
/// the destination (no link-local or metadata addresses; configured allow/deny lists), signs the payload per
/// Standard Webhooks and POSTs it. A 2xx delivers; anything else is retried on `schedule` (exponential backoff with
/// jitter) until its window closes, then dead-lettered. Delivery is at least once: receivers dedupe on `webhook-id`.
public struct WebhookService: Service {
    let jobs: JobService
    let poster: WebhookPoster
    let signer: WebhookSigner
    let destinations: DestinationGuard
    let schedule: RetrySchedule
    /// The job as the API renders it (the payload's `data`).
    let render: @Sendable (Job) -> Data
    let metrics: SeedGateMetrics?
    let logger: Logger
    let batchSize = 32
    /// How long a claimed delivery is held: longer than one attempt (10 s timeout); a crashed worker's claims are
    /// taken up again when it runs out.
    let lease: TimeInterval = 20

    public init(
        jobs: JobService, poster: WebhookPoster, signer: WebhookSigner, destinations: DestinationGuard, schedule: RetrySchedule,
        render: @escaping @Sendable (Job) -> Data, metrics: SeedGateMetrics? = nil, logger: Logger = Logger(label: "seedgate.webhooks")
    ) {
        self.metrics = metrics
        self.jobs = jobs
        self.poster = poster
        self.signer = signer
        self.destinations = destinations
        self.schedule = schedule
        self.render = render
        self.logger = logger
    }

    public func run() async throws {
        logger.info("webhook delivery started")
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if await deliverDue() < batchSize {
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        logger.info("webhook delivery stopped")
    }

    /// One round: claims up to `batchSize` due deliveries and attempts them all; returns how many were claimed.
    func deliverDue() async -> Int {
        var claimed: [ClaimedDelivery] = []
        do {
            claimed = try await jobs.claimDueDeliveries(limit: batchSize, lease: lease)
        } catch {
            logger.error("claiming webhook deliveries failed", metadata: ["error": "\(error)"])
        }
        await withTaskGroup(of: Void.self) { group in
            for item in claimed { group.addTask { await deliver(item) } }
        }
        return claimed.count
    }

    /// The payload: `{"type", "timestamp", "data": <job>}`.
    func payload(_ event: JobEvent) -> Data {
        var body = Data("{\"type\":\"\(event.type)\",\"timestamp\":\"".utf8)
        body += Data(event.at.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)).utf8)
        body += Data("\",\"data\":".utf8)
        body += event.job.map(render) ?? Data("{\"id\":\"\(event.jobID)\"}".utf8)
        body += Data("}".utf8)
        return body
    }

    /// One attempt, as a span `webhook.deliver` in the job's trace (`Job.traceParent` of the event's job), whose
    /// context the poster sends as `traceparent`; the attempt's log lines carry the job's `trace_id`.
    func deliver(_ item: ClaimedDelivery) async {
        let delivery = item.delivery
        let attributes: SpanAttributes = [
            "seedgate.job.id": "\(delivery.jobID)", "seedgate.webhook.event": "\(delivery.eventType)",
            "seedgate.webhook.attempt": .int64(Int64(delivery.attempts + 1)),
        ]
        await SeedGateTracing.withSpan("webhook.deliver", continuing: item.event.job?.traceParent, ofKind: .client, attributes: attributes) {
            span in await deliver(item, in: span)
        }
    }

    private func deliver(_ item: ClaimedDelivery, in span: any Span) async {
        let delivery = item.delivery
        let started = ContinuousClock.now
        let outcome = await attempt(item)
        switch outcome {
        case .delivered(let status): span.attributes["http.response.status_code"] = status
        case .failed(let status, _, let retryAt):
            if let status { span.attributes["http.response.status_code"] = status }
            span.attributes["seedgate.webhook.dead"] = retryAt == nil
            span.setStatus(SpanStatus(code: .error))
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        switch outcome {
        case .delivered: metrics?.webhookAttempt(outcome: "delivered", seconds: seconds)
        case .failed(_, _, let retryAt): metrics?.webhookAttempt(outcome: retryAt == nil ? "dead" : "failed", seconds: seconds)
        }
        do {
            try await jobs.recordDeliveryAttempt(delivery, outcome: outcome)
        } catch {
            logger.error("recording a webhook attempt failed", metadata: ["job.id": "\(delivery.jobID)", "error": "\(error)"])
        }
        switch outcome {
        case .delivered:
            logger.info("webhook delivered", metadata: ["job.id": "\(delivery.jobID)", "event": "\(delivery.eventType)"])
        case .failed(let status, let error, let retryAt):
            logger.warning(
                retryAt == nil ? "webhook dead-lettered" : "webhook attempt failed",
                metadata: [
                    "job.id": "\(delivery.jobID)", "event": "\(delivery.eventType)", "http.status": "\(status.map(String.init) ?? "-")",
                    "error": "\(error)", "attempts": "\(delivery.attempts + 1)",
                ])
        }
    }

    func attempt(_ item: ClaimedDelivery) async -> DeliveryOutcome {
        let delivery = item.delivery
        if let rejection = await destinations.check(delivery.url) {
            // A host that does not resolve may be a passing DNS failure; a forbidden destination never changes.
            let transient = if case .resolutionFailed = rejection { true } else { false }
            return .failed(responseStatus: nil, error: "destination refused: \(rejection.message)", retryAt: transient ? retryAt(delivery) : nil)
        }
        let body = payload(item.event)
        let headers =
            [("Content-Type", "application/json"), ("User-Agent", "SeedGate-Webhooks/1")]
            + signer.headers(id: item.event.id, timestamp: jobs.now(), body: body)
        do {
            let status = try await poster.post(delivery.url, headers, body)
            if (200..<300).contains(status) { return .delivered(responseStatus: status) }
            return .failed(responseStatus: status, error: "HTTP \(status)", retryAt: retryAt(delivery))
        } catch {
            return .failed(responseStatus: nil, error: "no answer: \(String(describing: type(of: error)))", retryAt: retryAt(delivery))
        }
    }

    func retryAt(_ delivery: WebhookDelivery) -> Date? {
        var generator = SystemRandomNumberGenerator()
        return schedule.nextAttempt(afterAttempt: delivery.attempts + 1, firstAttemptAt: delivery.createdAt, now: jobs.now(), using: &generator)
    }
}
