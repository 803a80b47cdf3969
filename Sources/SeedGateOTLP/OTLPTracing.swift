import Logging
import ServiceLifecycle
import Tracing

#if OTLP
    import OTel
#endif

/// The OTLP exporter, present only in a build with the `OTLP` package trait (`swift build --traits OTLP`); the
/// default build compiles this file without swift-otel, and `isAvailable` is false. See docs/tracing.md.
public enum OTLPTracing {
    #if OTLP
        public static let isAvailable = true
    #else
        public static let isAvailable = false
    #endif

    /// A tracer exporting spans over OTLP/HTTP (protobuf) to `OTEL_EXPORTER_OTLP_ENDPOINT` (default
    /// `http://localhost:4318`; `/v1/traces` is appended) as `OTEL_SERVICE_NAME` (default `seedgate`), with the
    /// service that batches and sends them (run it beside the server; it flushes on graceful shutdown). swift-otel
    /// reads the other standard `OTEL_*` variables itself (sampler, headers, timeout, compression). Metrics and logs
    /// are not exported: SeedGate serves Prometheus metrics and writes logs (with `trace_id`) to standard error.
    /// Nil in a build without the trait.
    public static func makeTracer(logger: Logger) throws -> (tracer: any Tracer, service: any Service)? {
        #if OTLP
            var configuration = OTel.Configuration.default
            configuration.serviceName = "seedgate"
            configuration.diagnosticLogger = .custom(logger)
            configuration.metrics.enabled = false
            configuration.logs.enabled = false
            configuration.traces.exporter = .otlp
            let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
            return (tracer, service)
        #else
            return nil
        #endif
    }
}
