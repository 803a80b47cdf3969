import Logging
import NIOHTTP1
import SeedGateCore
import Synchronization
import Tracing

/// SeedGate's use of swift-distributed-tracing, whatever tracer is installed (the built-in `SeedGateTracer`, or
/// OTLP's in a build with the `OTLP` trait): the job's remembered trace context, spans that continue it, the
/// `trace_id`/`span_id` log metadata. See docs/tracing.md.
///
/// Everything here reads the active tracer (`InstrumentationSystem.tracer`: the one bound by `withTracer`, else the
/// bootstrapped one) at the moment of use, so a test can scope a tracer to one server with `withTracer`.
public enum SeedGateTracing {
    private static let bootstrapped = Mutex(false)

    /// Installs `tracer` as the process's tracer, once: later calls change nothing and answer false. Only the
    /// executable calls it (library code and tests never bootstrap; tests use `withTracer`).
    @discardableResult
    public static func bootstrap(_ tracer: any Tracer) -> Bool {
        bootstrapped.withLock { done in
            guard !done else { return false }
            InstrumentationSystem.bootstrap(tracer)
            done = true
            return true
        }
    }

    /// The trace context `context` carries, as `traceparent` names it (nil: none, or no tracer is active).
    public static func traceParent(of context: ServiceContext) -> TraceParent? {
        if let own = context.w3cTraceContext { return own.traceParent }
        var headers: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &headers, using: DictionaryInjector())
        return headers["traceparent"].flatMap { TraceParent($0) }
    }

    /// The current task's trace context as a `traceparent` value: what a job remembers of the request that created
    /// it (`Job.traceParent`). Nil outside any trace.
    @Sendable public static func currentTraceParent() -> String? {
        ServiceContext.current.flatMap(traceParent(of:))?.header
    }

    /// A context whose spans continue the trace `traceParent` names (a stored `Job.traceParent`), as children of the
    /// span it names; the top level (a new trace) when it is nil or invalid.
    public static func context(continuing traceParent: String?) -> ServiceContext {
        var context = ServiceContext.topLevel
        if let traceParent { InstrumentationSystem.instrument.extract(["traceparent": traceParent], into: &context, using: DictionaryExtractor()) }
        return context
    }

    /// Runs `body` in a span that continues the trace `traceParent` names (a job's), or starts a trace when it is nil.
    /// `links` (other jobs' trace contexts) are recorded as span links. Errors are recorded on the span and rethrown.
    public static func withSpan<T>(
        _ name: String, continuing traceParent: String?, linking links: [String] = [], ofKind kind: SpanKind = .internal,
        attributes: SpanAttributes = [:], _ body: (any Span) async throws -> T
    ) async rethrows -> T {
        let span = InstrumentationSystem.tracer.startSpan(name, context: context(continuing: traceParent), ofKind: kind)
        defer { span.end() }
        if !attributes.isEmpty { span.attributes = attributes }
        for link in links {
            span.addLink(SpanLink(context: context(continuing: link), attributes: [:]))
        }
        return try await running(span, body)
    }

    /// Runs `body` with `span` as the current context; an error is recorded on the span (status error) and rethrown.
    /// The caller ends the span.
    static func running<T>(_ span: any Span, _ body: (any Span) async throws -> T) async rethrows -> T {
        do {
            return try await ServiceContext.$current.withValue(span.context) { try await body(span) }
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    /// Log metadata from the current trace: `trace_id` and `span_id` (nothing outside a trace). Installed with the
    /// logging system by the executable; a log handler of a test applies it itself.
    public static let metadataProvider = Logger.MetadataProvider {
        guard let context = ServiceContext.current, let parent = traceParent(of: context) else { return [:] }
        return ["trace_id": .string(parent.traceID), "span_id": .string(parent.spanID)]
    }

    /// Whether `environment` asks for an OTLP exporter (`OTEL_EXPORTER_OTLP_ENDPOINT` or its traces-only variant).
    public static func wantsOTLP(_ environment: [String: String]) -> Bool {
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].contains { !(environment[$0] ?? "").isEmpty }
    }
}

/// Carries trace headers in a `[String: String]` (lower-case names).
struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key.lowercased()] = value }
}

struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key.lowercased()] }
}

/// Writes trace headers into AsyncHTTPClient's headers, replacing any of the same name.
public struct HTTPHeadersInjector: Injector {
    public init() {}
    public func inject(_ value: String, forKey key: String, into carrier: inout HTTPHeaders) { carrier.replaceOrAdd(name: key, value: value) }
}

extension HTTPHeaders {
    /// Adds the trace headers (`traceparent`, `tracestate`) of `context` (the current one when nil), if it is in a trace.
    public mutating func injectTraceContext(_ context: ServiceContext? = ServiceContext.current) {
        guard let context else { return }
        InstrumentationSystem.instrument.inject(context, into: &self, using: HTTPHeadersInjector())
    }
}
