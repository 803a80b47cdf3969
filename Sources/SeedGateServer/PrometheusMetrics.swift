import Prometheus
import SeedGateRuntime

/// SeedGate's metrics on a Prometheus registry, each duration histogram with the buckets of what it measures
/// (`SeedGateMetrics.durationBuckets`: seconds for requests, minutes for jobs, queue waits and poll lag). The
/// registry is what `GET /metrics` serves.
public struct PrometheusMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let metrics: SeedGateMetrics

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = SeedGateMetrics.requestBuckets
        factory.durationHistogramBuckets = SeedGateMetrics.durationBuckets
        metrics = SeedGateMetrics(factory: factory)
    }

    /// The registry in Prometheus text format, as `GET /metrics` answers.
    public func text() -> String { registry.emitToString() }
}
