import AsyncHTTPClient
import Foundation
import Logging
import SeedGateRuntime
import Synchronization
import Testing
import Tracing

/// One trace per job (docs/tracing.md): the create request's `traceparent` (or a trace SeedGate starts) reaches the
/// provider with the create, the webhook receiver with each event, and the logs as `trace_id`. Each test scopes the
/// built-in tracer to its own server with `withTracer`, so nothing is bootstrapped process-wide.
@Suite(.timeLimit(.minutes(2))) struct TracingTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let callerSpanID = "00f067aa0ba902b7"
    static var callerTraceParent: String { "00-\(traceID)-\(callerSpanID)-01" }

    /// Log lines (message and metadata, the trace metadata included) the server writes.
    final class TracedLogs: Sendable {
        struct Line: Sendable {
            var message: String
            var metadata: Logger.Metadata
        }

        let lines = Mutex<[Line]>([])

        func logger() -> Logger {
            Logger(label: "tracing-test") { _ in Handler(capture: self) }
        }

        /// Applies the trace metadata provider itself, as the executable's log handlers do.
        struct Handler: LogHandler {
            let capture: TracedLogs
            var logLevel: Logger.Level = .info
            var metadata: Logger.Metadata = [:]
            var metadataProvider: Logger.MetadataProvider? = SeedGateTracing.metadataProvider

            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }

            func log(event: LogEvent) {
                let all = metadata.merging(metadataProvider?.get() ?? [:]) { $1 }.merging(event.metadata ?? [:]) { $1 }
                capture.lines.withLock { $0.append(Line(message: event.message.description, metadata: all)) }
            }
        }
    }

    /// Spans the built-in tracer ended.
    final class EndedSpans: Sendable {
        let spans = Mutex<[FinishedSpan]>([])
        var tracer: SeedGateTracer { SeedGateTracer(onEnd: { span in self.spans.withLock { $0.append(span) } }) }
        var all: [FinishedSpan] { spans.withLock { $0 } }
    }

    static func traceID(of header: String?) -> String? { header.flatMap { TraceParent($0) }?.traceID }

    static func receivedCreates(_ emulator: RunningEmulator, _ client: HTTPClient) async throws -> [String?] {
        let traces = try await client.json(.GET, emulator.baseURL + "/emulator/traces").body
        return (traces["create"] as? [Any] ?? []).map { $0 as? String }
    }

    @Test func aJobContinuesItsCreateRequestsTraceUpstreamInWebhooksAndInLogs() async throws {
        let emulator = try await RunningEmulator.start(queueSeconds: 0.2, runSeconds: 0.3)
        let receiver = try await WebhookReceiver.start()
        let logs = TracedLogs()
        let ended = EndedSpans()
        let client = HTTPClient.shared
        let configuration = RunningServer.configuration(emulator: emulator, database: temporaryDatabase())
        try await withTracer(ended.tracer) {
            let server = try await RunningServer.start(configuration, logger: logs.logger())
            let created = try await client.json(
                .POST, server.baseURL + "/v1/jobs", body: ["model": "seedance-1.5-pro", "prompt": "a traced fox", "callback_url": receiver.url],
                headers: [("traceparent", Self.callerTraceParent), ("tracestate", "vendor=opaque")])
            #expect(created.status == 202)
            #expect(created.headers.first(name: "X-Trace-Id") == Self.traceID, "the answer names the caller's trace")
            let id = try #require(created.body["id"] as? String)
            _ = try await client.waitForJob(server, id) { job in
                let deliveries = job["webhooks"] as? [[String: Any]] ?? []
                return job["status"] as? String == "succeeded"
                    && deliveries.contains { $0["type"] as? String == "job.succeeded" && $0["status"] as? String == "delivered" }
            }
            try await server.stop()
        }

        // The provider got the create in the caller's trace, from a span of SeedGate's (a new span id).
        let creates = try await Self.receivedCreates(emulator, client)
        let upstream = try #require(creates.count == 1 ? creates[0].flatMap { TraceParent($0) } : nil, "one create, with a traceparent: \(creates)")
        #expect(upstream.traceID == Self.traceID)
        #expect(upstream.spanID != Self.callerSpanID)
        let createSpan = try #require(ended.all.first { $0.operationName == "POST volcengine-ark create" })
        #expect(createSpan.traceParent == upstream, "the header is the create span's own context")
        #expect(createSpan.attributes["seedgate.provider"]?.toSpanAttribute() == .string("volcengine-ark"))
        #expect(createSpan.attributes["seedgate.upstream.operation"]?.toSpanAttribute() == .string("create"))
        #expect(createSpan.attributes["http.response.status_code"]?.toSpanAttribute() == .int64(200))

        // Every webhook delivery carries the job's trace, each from a span of its own.
        let deliveries = receiver.requests
        #expect(!deliveries.isEmpty)
        for delivery in deliveries {
            #expect(Self.traceID(of: delivery.headers["traceparent"]) == Self.traceID, "\(delivery.headers)")
        }
        #expect(Set(deliveries.map { $0.headers["traceparent"] }).count == deliveries.count)

        // The request's log line, and the job's lines from the dispatcher and the webhook service, carry the trace id.
        let lines = logs.lines.withLock { $0 }
        func traced(_ message: String) -> Bool {
            lines.contains { $0.message.hasPrefix(message) && $0.metadata["trace_id"] == .string(Self.traceID) }
        }
        #expect(traced("POST /v1/jobs 202"))
        #expect(traced("job queued"))
        #expect(traced("job running") || traced("job succeeded"), "a status change written for the job")
        #expect(traced("webhook delivered"))

        // Store writes are spans of the job's trace; no span holds a credential or the receiver's URL.
        let spans = ended.all
        #expect(spans.contains { $0.operationName == "store.insert" && $0.traceParent.traceID == Self.traceID })
        #expect(spans.contains { $0.operationName == "store.update" && $0.traceParent.traceID == Self.traceID })
        #expect(spans.contains { $0.operationName == "webhook.deliver" && $0.traceParent.traceID == Self.traceID })
        #expect(spans.contains { $0.operationName == "POST /v1/jobs" && $0.parentSpanID == Self.callerSpanID })
        for span in spans {
            var values: [String] = []
            // SpanAttributes is not a Sequence: forEach is its own method.
            // swift-format-ignore: ReplaceForEachWithForLoop
            span.attributes.forEach { _, value in values.append("\(value)") }
            #expect(!values.contains { $0.contains("emulator-key") || $0.contains(RunningServer.webhookSecret) || $0.contains("/hook") })
        }

        try await receiver.stop()
        try await emulator.stop()
    }

    @Test func aRequestWithoutAValidTraceparentStartsAFreshTrace() async throws {
        let emulator = try await RunningEmulator.start(queueSeconds: 0.2, runSeconds: 0.3)
        let ended = EndedSpans()
        let client = HTTPClient.shared
        let configuration = RunningServer.configuration(emulator: emulator, database: temporaryDatabase())
        var answered: [String] = []
        try await withTracer(ended.tracer) {
            let server = try await RunningServer.start(configuration)
            // None at all, and one the specification calls invalid (uppercase hex): both start a trace.
            for headers in [[], [("traceparent", "00-\(Self.traceID.uppercased())-\(Self.callerSpanID)-01")]] {
                let created = try await client.json(
                    .POST, server.baseURL + "/v1/jobs", body: ["model": "seedance-1.5-pro", "prompt": "an untraced fox"], headers: headers)
                #expect(created.status == 202)
                let traceID = try #require(created.headers.first(name: "X-Trace-Id"))
                #expect(TraceParent(traceID: traceID, spanID: Self.callerSpanID, flags: 0) != nil, "a valid trace id: \(traceID)")
                #expect(traceID != Self.traceID.lowercased())
                answered.append(traceID)
                let id = try #require(created.body["id"] as? String)
                _ = try await client.waitForJob(server, id) { $0["status"] as? String == "succeeded" }
            }
            try await server.stop()
        }
        #expect(Set(answered).count == 2, "each request has a trace of its own")
        let creates = try await Self.receivedCreates(emulator, client)
        #expect(Set(creates.map(Self.traceID(of:))) == Set(answered), "each job's create went upstream in its request's trace: \(creates)")
        try await emulator.stop()
    }
}
