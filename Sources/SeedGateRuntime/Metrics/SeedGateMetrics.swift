import CoreMetrics
import Foundation
import SeedGateBuildInfo
import SeedGateCore

/// SeedGate's metrics, on whatever swift-metrics factory the server gives it (a Prometheus registry in
/// production), so every server has its own registry. Families (all prefixed `seedgate_`, each described in
/// docs/metrics.md): jobs created and finished, job duration, jobs open by status, queue depth and wait, upstream
/// calls by provider, operation and outcome with latency, in-flight tasks, poll lag, unrecognised statuses, webhook
/// deliveries, circuit breakers, HTTP requests by route, and the build.
///
/// Every label set is bounded. Models and providers come from configuration and the catalogue (a job's model is
/// validated before it is stored), statuses, outcomes and codes from SeedGate's own enumerations; a value taken from
/// outside (a provider's status word, a request's method or the status it was answered with) passes through a fixed
/// set or a `BoundedLabel`, past which it is reported as `other`.
public final class SeedGateMetrics: JobObserver, Sendable {
    let factory: any MetricsFactory
    /// The status words of `seedgate_upstream_unrecognised_status_total`: raw provider words, at most this many.
    let unrecognisedWords = BoundedLabel(limit: SeedGateMetrics.unrecognisedWordLimit)
    /// The route templates of the HTTP metrics.
    let routes = BoundedLabel(limit: SeedGateMetrics.routeLimit)

    /// Most distinct unrecognised status words reported, across all providers.
    static let unrecognisedWordLimit = 20

    /// Starts reporting on `factory`, with `seedgate_build_info{version,revision} 1` set at once.
    public init(factory: any MetricsFactory) {
        self.factory = factory
        Gauge(label: "seedgate_build_info", dimensions: [("version", BuildInfo.version), ("revision", BuildInfo.revision)], factory: factory)
            .record(1)
    }

    // MARK: jobs (JobObserver)

    public func jobWritten(from old: Job?, to new: Job) {
        if old == nil {
            Counter(label: "seedgate_jobs_created_total", dimensions: [("model", new.model)], factory: factory).increment()
        }
        if old?.submission != .accepted, new.submission == .accepted, let accepted = new.acceptedAt {
            CoreMetrics.Timer(label: "seedgate_queue_wait_seconds", dimensions: [("provider", new.provider?.rawValue ?? "-")], factory: factory)
                .recordSeconds(max(0, accepted.timeIntervalSince(new.createdAt)))
        }
        // Creates whose answer was lost: each one that starts waiting for a callback, and how each wait ended.
        if let old, old.submission != new.submission, old.submission == .unconfirmed || new.submission == .unconfirmed {
            let outcome =
                new.submission == .unconfirmed ? "waiting" : new.submission == .accepted ? "adopted" : new.status == .failed ? "expired" : "ended"
            Counter(
                label: "seedgate_unconfirmed_creates_total", dimensions: [("provider", new.provider?.rawValue ?? "-"), ("outcome", outcome)],
                factory: factory
            ).increment()
        }
        if new.status.isTerminal, old.map({ !$0.status.isTerminal }) ?? true {
            Counter(
                label: "seedgate_jobs_finished_total",
                dimensions: [
                    ("model", new.model), ("provider", new.provider?.rawValue ?? "-"), ("status", new.status.rawValue),
                    ("code", new.error?.code.rawValue ?? "-"),
                ], factory: factory
            ).increment()
            // From the job's own timestamps: created to the write that ended it.
            let ended = new.finishedAt ?? new.updatedAt
            CoreMetrics.Timer(
                label: "seedgate_job_duration_seconds",
                dimensions: [("model", new.model), ("provider", new.provider?.rawValue ?? "-"), ("status", new.status.rawValue)], factory: factory
            )
            .recordSeconds(ended.timeIntervalSince(new.createdAt))
        }
    }

    /// A status word the provider's adapter does not know: the word (at most 32 characters) is a label, so at most
    /// `unrecognisedWordLimit` distinct words are reported and any later one is `other`.
    public func unrecognisedStatus(provider: ProviderID, raw: String) {
        Counter(
            label: "seedgate_upstream_unrecognised_status_total",
            dimensions: [("provider", provider.rawValue), ("status", unrecognisedWords(String(raw.prefix(32))))],
            factory: factory
        )
        .increment()
    }

    public func checkStarted(lateBy seconds: TimeInterval) {
        CoreMetrics.Timer(label: "seedgate_poll_lag_seconds", factory: factory).recordSeconds(max(0, seconds))
    }

    // MARK: upstream, webhooks (HTTP: SeedGateMetrics+HTTP.swift)

    /// One call to a provider: `operation` is submit, fetch or cancel; `outcome` is ok or the error kind.
    public func upstreamCall(provider: ProviderID, operation: String, outcome: String, seconds: Double) {
        Counter(
            label: "seedgate_upstream_requests_total", dimensions: [("provider", provider.rawValue), ("operation", operation), ("outcome", outcome)],
            factory: factory
        )
        .increment()
        CoreMetrics.Timer(
            label: "seedgate_upstream_request_duration_seconds", dimensions: [("provider", provider.rawValue), ("operation", operation)],
            factory: factory
        )
        .recordSeconds(seconds)
    }

    /// One webhook attempt: delivered, failed (will retry) or dead (given up).
    public func webhookAttempt(outcome: String, seconds: Double) {
        Counter(label: "seedgate_webhook_deliveries_total", dimensions: [("outcome", outcome)], factory: factory).increment()
        CoreMetrics.Timer(label: "seedgate_webhook_delivery_duration_seconds", factory: factory).recordSeconds(seconds)
    }

    // MARK: sampled gauges

    func gauge(_ label: String, _ dimensions: [(String, String)] = [], _ value: Int) {
        Gauge(label: label, dimensions: dimensions, factory: factory).record(value)
    }
}

extension CoreMetrics.Timer {
    func recordSeconds(_ seconds: Double) { recordNanoseconds(Int64(max(0, seconds) * 1_000_000_000)) }
}
