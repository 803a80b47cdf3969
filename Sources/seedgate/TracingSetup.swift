import Logging
import SeedGateOTLP
import SeedGateRuntime
import ServiceLifecycle
import Tracing

/// Installs the process's tracer, once, before the server starts (docs/tracing.md): OTLP export when
/// `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set and this build has the `OTLP` trait,
/// otherwise the built-in tracer, which propagates W3C trace contexts and records nothing (its spans are logged at
/// `trace` level). Answers the services to run beside the server (the OTLP exporter).
enum TracingSetup {
    static func bootstrap(environment: [String: String], logger: Logger) throws -> [any Service] {
        let disabled = ["true", "1"].contains((environment["OTEL_SDK_DISABLED"] ?? "").lowercased())
        if SeedGateTracing.wantsOTLP(environment), !disabled {
            if let otlp = try OTLPTracing.makeTracer(logger: logger) {
                SeedGateTracing.bootstrap(otlp.tracer)
                logger.notice("tracing: spans exported over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT")
                return [otlp.service]
            }
            logger.warning(
                "OTEL_EXPORTER_OTLP_ENDPOINT is set, but this build has no OTLP exporter (build with `swift build --traits OTLP`); spans are not exported, trace ids are still propagated and logged"
            )
        }
        SeedGateTracing.bootstrap(SeedGateTracer(logger: Logger(label: "seedgate.tracing")))
        return []
    }
}
