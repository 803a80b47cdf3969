import Foundation
import Logging
import SeedGateCore
import SeedGateRuntime
import SeedGateTesting
import Synchronization
import Testing
import Tracing

/// The W3C trace context SeedGate reads and writes, the built-in tracer, and the store decorator's spans.
@Suite struct TraceParentTests {
    static let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func parsesAndFormatsAValidTraceparent() throws {
        let parent = try #require(TraceParent(Self.valid))
        #expect(parent.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parent.spanID == "00f067aa0ba902b7")
        #expect(parent.sampled)
        #expect(parent.header == Self.valid)
        #expect(TraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")?.sampled == false)
    }

    /// What the specification tells a receiver to refuse (a new trace starts instead).
    @Test(arguments: [
        "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
    ])
    func refusesInvalidValues(_ value: String) {
        #expect(TraceParent(value) == nil)
    }

    /// A later version may add fields; they are dropped and the value is passed on as version 00.
    @Test func acceptsALaterVersionWithMoreFields() throws {
        let parent = try #require(TraceParent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next"))
        #expect(parent.header == Self.valid)
    }

    @Test func newTracesAndChildrenHaveFreshValidIDs() throws {
        let root = TraceParent.newTrace()
        #expect(TraceParent(root.header) == root)
        #expect(!root.sampled, "the built-in tracer records nothing")
        let child = root.child()
        #expect(child.traceID == root.traceID && child.spanID != root.spanID)
        #expect(TraceParent.newTrace().traceID != root.traceID)
    }

    @Test func jobsKnowTheTraceIDOfTheirTraceparent() {
        var job = Job(
            id: .generate(at: Date()), tenant: "t", spec: JobSpec(model: "m", prompt: "p"), route: [], metadata: [:], callbackURL: nil,
            idempotencyKey: nil, createdAt: Date())
        #expect(job.traceID == nil)
        job.traceParent = Self.valid
        #expect(job.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        job.traceParent = "garbage"
        #expect(job.traceID == nil)
    }
}

@Suite struct SeedGateTracerTests {
    final class Ended: Sendable {
        let spans = Mutex<[FinishedSpan]>([])
        var tracer: SeedGateTracer { SeedGateTracer(onEnd: { span in self.spans.withLock { $0.append(span) } }) }
        var all: [FinishedSpan] { spans.withLock { $0 } }
    }

    @Test func continuesAnIncomingTraceAndInjectsTheCurrentSpan() throws {
        let tracer = SeedGateTracer()
        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": TraceParentTests.valid, "tracestate": "a=1"], into: &context, using: Headers())
        let span = tracer.startSpan("work", context: context)
        defer { span.end() }
        #expect(span.traceParent.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(span.parentSpanID == "00f067aa0ba902b7")
        #expect(span.traceParent.spanID != "00f067aa0ba902b7")
        #expect(span.traceParent.sampled, "the caller's flags are kept")
        var outgoing: [String: String] = [:]
        tracer.inject(span.context, into: &outgoing, using: Headers())
        #expect(outgoing == ["traceparent": span.traceParent.header, "tracestate": "a=1"])
    }

    @Test func startsATraceWithoutAValidParent() {
        let tracer = SeedGateTracer()
        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": "00-zz"], into: &context, using: Headers())
        #expect(context.w3cTraceContext == nil)
        let span = tracer.startSpan("work", context: context)
        #expect(span.parentSpanID == nil)
        span.end()
    }

    @Test func aStoredTraceparentIsContinuedAndLogsCarryTheTraceID() async throws {
        let ended = Ended()
        try await withTracer(ended.tracer) {
            #expect(SeedGateTracing.currentTraceParent() == nil, "no trace outside a span")
            try await SeedGateTracing.withSpan("job.submit", continuing: TraceParentTests.valid) { span in
                let current = try #require(SeedGateTracing.currentTraceParent().flatMap { TraceParent($0) })
                #expect(current.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
                let metadata = SeedGateTracing.metadataProvider.get()
                #expect(metadata["trace_id"] == .string(current.traceID))
                #expect(metadata["span_id"] == .string(current.spanID))
            }
        }
        let span = try #require(ended.all.first)
        #expect(span.operationName == "job.submit" && span.parentSpanID == "00f067aa0ba902b7")
        #expect(SeedGateTracing.metadataProvider.get().isEmpty, "nothing outside a trace")
    }

    /// Every write is a span; outside a trace a job's write continues the job's own trace; claims outside a trace are
    /// not spans; a store offering shared state still does through the wrapper.
    @Test func storeWritesAreSpansInTheRightTrace() async throws {
        let ended = Ended()
        let store = TracingJobStore.wrap(InMemoryJobStore(), system: "memory")
        #expect(store is any ProviderSharedState)
        var job = Job(
            id: .generate(at: Date()), tenant: "t", spec: JobSpec(model: "m", prompt: "p"), route: [], metadata: [:], callbackURL: nil,
            idempotencyKey: nil, createdAt: Date())
        job.traceParent = TraceParentTests.valid
        try await withTracer(ended.tracer) {
            let stored = try await store.insert(job, events: [])
            _ = try await store.update(stored, expecting: stored.version, events: [])
            #expect(try await store.update(stored, expecting: stored.version, events: []) == nil, "a lost compare-and-set")
            _ = try await store.claimDueForCheck(dueBy: Date(), limit: 10, leaseUntil: Date())
            try await SeedGateTracing.withSpan("other", continuing: nil) { _ in
                _ = try await store.claimDueForCheck(dueBy: Date(), limit: 10, leaseUntil: Date())
            }
        }
        let spans = ended.all
        #expect(spans.map(\.operationName) == ["store.insert", "store.update", "store.update", "store.claim_checks", "other"])
        for span in spans.prefix(3) {
            #expect(span.traceParent.traceID == "4bf92f3577b34da6a3ce929d0e0e4736", "the job's trace")
            #expect(span.attributes["seedgate.job.id"]?.toSpanAttribute() == .string(job.id.rawValue))
            #expect(span.attributes["db.system.name"]?.toSpanAttribute() == .string("memory"))
        }
        #expect(spans[2].attributes["seedgate.store.conflict"]?.toSpanAttribute() == .bool(true))
        #expect(spans[3].traceParent.traceID == spans[4].traceParent.traceID, "the claim is a child of the enclosing span")
    }

    struct Headers: Injector, Extractor {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    }
}
