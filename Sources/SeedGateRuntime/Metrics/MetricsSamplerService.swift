import Foundation
import Logging
import SeedGateCore
import ServiceLifecycle

/// Samples the gauges that come from the store and the circuit breakers: open jobs by status, jobs waiting inside
/// SeedGate for provider budget, tasks in flight per provider and model, and circuit states (0 closed, 1 half-open,
/// 2 open). Every replica reports the shared store's view.
public struct MetricsSamplerService: Service {
    let jobs: JobService
    let metrics: SeedGateMetrics
    let interval: Duration
    let logger: Logger

    public init(jobs: JobService, metrics: SeedGateMetrics, interval: Duration = .seconds(5), logger: Logger) {
        self.jobs = jobs
        self.metrics = metrics
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await sample()
            } catch {
                logger.warning("sampling metrics failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    func sample() async throws {
        let open = try await jobs.openJobCounts()
        for status in [JobStatus.queued, .running] { metrics.gauge("seedgate_jobs_open", [("status", status.rawValue)], open[status] ?? 0) }
        metrics.gauge("seedgate_queue_depth", [], try await jobs.queueDepth())
        let inFlight = try await jobs.inFlightCounts()
        for provider in jobs.providers.all {
            for offering in provider.manifest.models {
                let key = ProviderModel(provider: provider.id, model: offering.name)
                metrics.gauge("seedgate_upstream_in_flight", [("provider", provider.id.rawValue), ("model", offering.name)], inFlight[key] ?? 0)
            }
            for operation in CircuitBreakers.Operation.allCases {
                let state =
                    switch jobs.breakers.state(provider.id, operation) {
                    case .closed: 0
                    case .halfOpen: 1
                    case .open: 2
                    }
                metrics.gauge("seedgate_circuit_state", [("provider", provider.id.rawValue), ("operation", operation.rawValue)], state)
            }
        }
    }
}
