import Logging
import Synchronization
import Tracing

/// The trace context a `SeedGateTracer` span (or an incoming `traceparent`) puts in the `ServiceContext`: the
/// current span's ids, and the caller's `tracestate`, passed on as it came.
public struct W3CTraceContext: Sendable, Equatable {
    public var traceParent: TraceParent
    public var traceState: String?

    public init(traceParent: TraceParent, traceState: String? = nil) {
        self.traceParent = traceParent
        self.traceState = traceState
    }
}

enum W3CTraceContextKey: ServiceContextKey {
    typealias Value = W3CTraceContext
    static var nameOverride: String? { "w3c-trace-context" }
}

extension ServiceContext {
    /// The W3C trace context the built-in tracer keeps here (nil: none, or another tracer is in use).
    public var w3cTraceContext: W3CTraceContext? {
        get { self[W3CTraceContextKey.self] }
        set { self[W3CTraceContextKey.self] = newValue }
    }
}

/// SeedGate's built-in tracer: real W3C trace contexts without an exporter. It continues an incoming `traceparent`
/// (or starts a trace), gives every span its own span id, and injects `traceparent` (and `tracestate`) into
/// outgoing requests, so trace ids reach logs, providers and webhook receivers. It records nothing; with a logger at
/// `trace` level it logs each span as it ends, and tests can watch ended spans with `onEnd`.
public struct SeedGateTracer: Tracer {
    public typealias Span = SeedGateSpan

    let logger: Logger?
    let onEnd: (@Sendable (FinishedSpan) -> Void)?

    /// - Parameters:
    ///   - logger: ended spans are logged at `trace` level when this logger is at that level.
    ///   - onEnd: told about every ended span (tests).
    public init(logger: Logger? = nil, onEnd: (@Sendable (FinishedSpan) -> Void)? = nil) {
        self.logger = logger
        self.onEnd = onEnd
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: SpanKind, at instant: @autoclosure () -> Instant,
        function: String, file fileID: String, line: UInt
    ) -> SeedGateSpan {
        var context = context()
        let parent = context.w3cTraceContext
        let own =
            parent.map { W3CTraceContext(traceParent: $0.traceParent.child(), traceState: $0.traceState) }
            ?? W3CTraceContext(traceParent: .newTrace())
        context.w3cTraceContext = own
        let recording = onEnd != nil || (logger.map { $0.logLevel <= .trace } ?? false)
        return SeedGateSpan(
            operationName: operationName, kind: kind, context: context, parentSpanID: parent?.traceParent.spanID,
            start: instant().nanosecondsSinceEpoch, recording: recording, finish: recording ? finish : nil)
    }

    @Sendable private func finish(_ span: FinishedSpan) {
        onEnd?(span)
        guard let logger, logger.logLevel <= .trace else { return }
        var metadata: Logger.Metadata = [
            "span.name": "\(span.operationName)", "span.kind": "\(span.kind)", "trace_id": "\(span.traceParent.traceID)",
            "span_id": "\(span.traceParent.spanID)", "duration_ms": "\((span.end - span.start) / 1_000_000)",
        ]
        if let parent = span.parentSpanID { metadata["parent_span_id"] = "\(parent)" }
        if span.failed { metadata["span.status"] = "error" }
        // SpanAttributes is not a Sequence: forEach is its own method.
        // swift-format-ignore: ReplaceForEachWithForLoop
        span.attributes.forEach { key, value in metadata["span.attr.\(key)"] = "\(Self.text(value))" }
        logger.trace("span ended", metadata: metadata)
    }

    /// An attribute's value as it reads (`insert`, `202`), not its case (`string("insert")`).
    static func text(_ value: SpanAttribute) -> String {
        switch value {
        case .string(let text): text
        case .int64(let number): String(number)
        case .int32(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        case .stringConvertible(let convertible): convertible.description
        default: "\(value)"
        }
    }

    public func forceFlush() {}

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: "traceparent", from: carrier), let parent = TraceParent(header) else { return }
        context.w3cTraceContext = W3CTraceContext(
            traceParent: parent, traceState: TraceState.sanitized(extractor.extract(key: "tracestate", from: carrier)))
    }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let trace = context.w3cTraceContext else { return }
        injector.inject(trace.traceParent.header, forKey: "traceparent", into: &carrier)
        if let state = trace.traceState { injector.inject(state, forKey: "tracestate", into: &carrier) }
    }
}

/// A span of the built-in tracer. Not recording (nothing logs or watches spans): attributes, events and errors are
/// dropped at once, so a span costs its ids and little else.
public final class SeedGateSpan: Tracing.Span {
    public let context: ServiceContext
    public let kind: SpanKind
    public let parentSpanID: String?
    public let isRecording: Bool
    private let start: UInt64
    private let finish: (@Sendable (FinishedSpan) -> Void)?
    private let state: Mutex<State>

    struct State {
        var operationName: String
        var attributes = SpanAttributes()
        var failed = false
        var errors: [String] = []
        var links: [TraceParent] = []
        var ended = false
    }

    init(
        operationName: String, kind: SpanKind, context: ServiceContext, parentSpanID: String?, start: UInt64, recording: Bool,
        finish: (@Sendable (FinishedSpan) -> Void)?
    ) {
        self.context = context
        self.kind = kind
        self.parentSpanID = parentSpanID
        self.start = start
        self.isRecording = recording
        self.finish = finish
        self.state = Mutex(State(operationName: operationName))
    }

    /// This span's own ids.
    public var traceParent: TraceParent { context.w3cTraceContext!.traceParent }

    public var operationName: String {
        get { state.withLock { $0.operationName } }
        set { state.withLock { $0.operationName = newValue } }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set {
            guard isRecording else { return }
            state.withLock { $0.attributes = newValue }
        }
    }

    public func setStatus(_ status: SpanStatus) {
        guard isRecording else { return }
        state.withLock { $0.failed = status.code == .error }
    }

    public func addEvent(_ event: SpanEvent) {}

    /// Keeps the error's type only: messages may carry what spans must not (URLs, provider answers).
    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        guard isRecording else { return }
        state.withLock { $0.errors.append(String(describing: type(of: error))) }
    }

    public func addLink(_ link: SpanLink) {
        guard isRecording, let other = link.context.w3cTraceContext else { return }
        state.withLock { $0.links.append(other.traceParent) }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let ended = state.withLock { state -> State? in
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        guard let ended, let finish else { return }
        finish(
            FinishedSpan(
                operationName: ended.operationName, kind: kind, traceParent: traceParent, parentSpanID: parentSpanID,
                attributes: ended.attributes, failed: ended.failed, errors: ended.errors, links: ended.links, start: start,
                end: instant().nanosecondsSinceEpoch))
    }
}

/// An ended span of the built-in tracer, as `SeedGateTracer.onEnd` sees it.
public struct FinishedSpan: Sendable {
    public var operationName: String
    public var kind: SpanKind
    public var traceParent: TraceParent
    public var parentSpanID: String?
    public var attributes: SpanAttributes
    /// The span's status was set to error.
    public var failed: Bool
    /// The types of the errors recorded.
    public var errors: [String]
    /// The spans this one links to (a status check of several jobs links to each job's trace).
    public var links: [TraceParent]
    /// Nanoseconds since the epoch.
    public var start: UInt64
    public var end: UInt64
}
