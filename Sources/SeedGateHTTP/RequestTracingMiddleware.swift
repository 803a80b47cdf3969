import HTTPTypes
import Hummingbird
import Tracing

/// Makes every request a server span, `{METHOD} {route template}` (`POST /v1/jobs`), continuing the caller's W3C
/// `traceparent` (and `tracestate`) or starting a trace, and answers with the trace id in `X-Trace-Id`, so a client
/// can find the request's log lines (they carry `trace_id`). Router-wide and outermost, so the request's log line and
/// everything the handler does (the job it creates remembers this trace) is inside the span.
///
/// Attributes: method, route template (`http.route`), status. Never the path or the query, which can hold a
/// credential (a provider callback's token, a signed link's signature), and never a header.
struct RequestTracingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var parent = ServiceContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &parent, using: HTTPFieldsExtractor())
        let span = InstrumentationSystem.tracer.startSpan("\(request.method.rawValue)", context: parent, ofKind: .server)
        defer { span.end() }
        span.attributes["http.request.method"] = request.method.rawValue
        do {
            var response = try await ServiceContext.$current.withValue(span.context) { try await next(request, context) }
            name(span, request, context)
            span.attributes["http.response.status_code"] = Int(response.status.code)
            if response.status.code >= 500 { span.setStatus(SpanStatus(code: .error)) }
            if let traceID = Self.traceID(of: span.context) { response.headers[.xTraceID] = traceID }
            return response
        } catch {
            name(span, request, context)
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    private func name(_ span: any Span, _ request: Request, _ context: Context) {
        guard let route = context.endpointPath, route != "NotFound" else { return }
        span.operationName = "\(request.method.rawValue) \(route)"
        span.attributes["http.route"] = route
    }

    /// The trace id of `context`, read from the `traceparent` the active tracer would send (whichever tracer it is).
    static func traceID(of context: ServiceContext) -> String? {
        var headers: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &headers, using: TraceIDInjector())
        let fields = headers["traceparent"]?.split(separator: "-") ?? []
        guard fields.count >= 4, fields[1].utf8.count == 32 else { return nil }
        return String(fields[1])
    }
}

extension HTTPField.Name {
    /// The trace id of the request's trace, on every answer.
    static let xTraceID = HTTPField.Name("X-Trace-Id")!
}

private struct HTTPFieldsExtractor: Extractor {
    func extract(key: String, from carrier: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { carrier[$0] }
    }
}

private struct TraceIDInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key.lowercased()] = value }
}
