import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SeedGateBuildInfo
import SeedGateCore
import SeedGateServer
import SeedGateTesting
import Testing

@testable import SeedGateRuntime

/// The metrics as Prometheus renders them: buckets that fit what each histogram measures, the job duration, HTTP
/// requests by route template, the build, and label sets that stay bounded. The engine runs on a manual clock, so
/// every duration here is the clock's, never the machine's.
@Suite("Prometheus metrics")
struct PrometheusMetricsTests {
    let gateway = TestGateway()

    /// The engine over the gateway's stub providers, reporting to `metrics`.
    func engine(_ metrics: SeedGateMetrics) -> JobService {
        JobService(
            store: gateway.store, providers: gateway.providers, routing: gateway.configuration.routing,
            breakers: CircuitBreakers(now: gateway.clock.now), observer: metrics, logger: TestGateway.logger, now: gateway.clock.now
        )
    }

    /// The line of `series` (name and labels, as rendered) in `text`, without its value.
    func value(_ series: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.map { String($0.dropFirst(series.count + 1)) }
    }

    /// The value of the `status` label in one rendered series line.
    func statusLabel(_ line: Substring) -> Substring {
        guard let start = line.firstRange(of: #"status=""#) else { return "" }
        return line[start.upperBound...].prefix { $0 != "\"" }
    }

    @Test("a finished job is timed from its own timestamps by model, provider and status, once, in minutes-scale buckets")
    func jobDuration() async throws {
        let prometheus = PrometheusMetrics()
        let jobs = engine(prometheus.metrics)
        let job = try await jobs.create(CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "a cat")), tenant: "t1").job
        gateway.clock.advance(by: 200) // waits 200 s in SeedGate's queue
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 1)
        gateway.adapter("volcengine-ark").willReport(
            "task-1",
            .found(
                UpstreamSnapshot(
                    taskID: "task-1", status: .mapped(.succeeded), rawStatus: "succeeded", output: JobOutput(videoURL: "https://cdn.example/1.mp4"))
            ))
        gateway.clock.advance(by: 300) // ends 500 s after it was created
        let poller = PollerService(jobs: jobs)
        #expect(try await poller.checkDueJobs() == 1)
        #expect(try await gateway.store.job(id: job.id)?.status == .succeeded)
        gateway.clock.advance(by: 600)
        #expect(try await poller.checkDueJobs() == 0)

        let text = prometheus.text()
        #expect(text.contains("# TYPE seedgate_job_duration_seconds histogram"))
        let labels = #"model="seedance-1.5-pro",provider="volcengine-ark",status="succeeded""#
        #expect(value("seedgate_job_duration_seconds_bucket{\(labels),le=\"450.0\"}", in: text) == "0")
        #expect(value("seedgate_job_duration_seconds_bucket{\(labels),le=\"600.0\"}", in: text) == "1")
        #expect(value("seedgate_job_duration_seconds_bucket{\(labels),le=\"7200.0\"}", in: text) == "1")
        #expect(value("seedgate_job_duration_seconds_count{\(labels)}", in: text) == "1", "recorded once, when the job ended")
        #expect(value("seedgate_job_duration_seconds_sum{\(labels)}", in: text) == "500.0")
        // The queue wait (200 s) has minutes-scale buckets too.
        #expect(value(#"seedgate_queue_wait_seconds_bucket{provider="volcengine-ark",le="180.0"}"#, in: text) == "0")
        #expect(value(#"seedgate_queue_wait_seconds_bucket{provider="volcengine-ark",le="300.0"}"#, in: text) == "1")
        #expect(value(#"seedgate_queue_wait_seconds_bucket{provider="volcengine-ark",le="600.0"}"#, in: text) == "1")
        // The check was due 2 s after the create was accepted and ran 298 s late.
        #expect(value(#"seedgate_poll_lag_seconds_bucket{le="120.0"}"#, in: text) == "0")
        #expect(value(#"seedgate_poll_lag_seconds_bucket{le="300.0"}"#, in: text) == "1")
        #expect(value(#"seedgate_poll_lag_seconds_bucket{le="600.0"}"#, in: text) == "1")
    }

    @Test("HTTP metrics are labelled by the route template, method and status; an unmatched path by one fixed label")
    func routeTemplates() async throws {
        try await gateway.application().test(.router) { client in
            #expect(try await client.execute(uri: "/v1/jobs/job_x", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/v1/jobs/job_y", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/v1/jobs", method: .get).status == .ok)
            // The facades' templates, and a callback whose token (its credential) must never become a label.
            #expect(try await client.execute(uri: "/v1/videos/video_x", method: .get).status == .notFound)
            let callback = try await client.execute(
                uri: "/v1/callbacks/volcengine-ark/secret-token", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"id":"x"}"#))
            #expect(callback.status == .notFound)
            #expect(try await client.execute(uri: "/no/such/path/42", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/v1/jobs", method: HTTPRequest.Method("BREW")!).status == .notFound)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: metrics.body)
            #expect(value(#"seedgate_http_requests_total{method="GET",route="/v1/jobs/{job_id}",status="404"}"#, in: text) == "2")
            #expect(value(#"seedgate_http_requests_total{method="GET",route="/v1/jobs",status="200"}"#, in: text) == "1")
            #expect(value(#"seedgate_http_requests_total{method="GET",route="/v1/videos/{id}",status="404"}"#, in: text) == "1")
            #expect(value(#"seedgate_http_requests_total{method="POST",route="/v1/callbacks/{provider}/{token}",status="404"}"#, in: text) == "1")
            #expect(value(#"seedgate_http_requests_total{method="GET",route="unmatched",status="404"}"#, in: text) == "1")
            #expect(value(#"seedgate_http_requests_total{method="other",route="unmatched",status="404"}"#, in: text) == "1")
            // Seconds-scale buckets for requests.
            let duration = #"seedgate_http_request_duration_seconds_bucket{method="GET",route="/v1/jobs/{job_id}",status="404""#
            #expect(value(duration + #",le="120.0"}"#, in: text) == "2")
            #expect(text.contains(duration + #",le="0.005"}"#))
            for raw in ["job_x", "video_x", "secret-token", "/no/such/path"] { #expect(!text.contains(raw), "no raw path is a label") }
        }
    }

    @Test("seedgate_build_info names the version and revision, with the value 1")
    func buildInfo() async throws {
        try await gateway.application().test(.router) { client in
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(text.contains("# TYPE seedgate_build_info gauge"))
            let series = #"seedgate_build_info{version="\#(BuildInfo.version)",revision="\#(BuildInfo.revision)"}"#
            #expect(value(series, in: text).flatMap(Double.init) == 1)
        }
    }

    @Test("status words from upstream are capped per metric: past the cap, new words collapse into other")
    func labelCap() {
        let prometheus = PrometheusMetrics()
        let limit = SeedGateMetrics.unrecognisedWordLimit
        for index in 0..<(limit + 5) { prometheus.metrics.unrecognisedStatus(provider: "volcengine-ark", raw: "word-\(index)") }
        prometheus.metrics.unrecognisedStatus(provider: "modelverse", raw: "word-0") // seen before the cap: kept
        prometheus.metrics.unrecognisedStatus(provider: "modelverse", raw: "never-seen")
        let text = prometheus.text()
        let family = "seedgate_upstream_unrecognised_status_total"
        let words = Set(text.split(separator: "\n").filter { $0.hasPrefix(family + "{") }.map(statusLabel))
        #expect(words.count == limit + 1, "the first \(limit) words and other")
        #expect(value(#"\#(family){provider="volcengine-ark",status="word-0"}"#, in: text) == "1")
        #expect(value(#"\#(family){provider="volcengine-ark",status="word-\#(limit - 1)"}"#, in: text) == "1")
        #expect(value(#"\#(family){provider="volcengine-ark",status="word-\#(limit)"}"#, in: text) == nil)
        #expect(value(#"\#(family){provider="volcengine-ark",status="other"}"#, in: text) == "5")
        #expect(value(#"\#(family){provider="modelverse",status="word-0"}"#, in: text) == "1")
        #expect(value(#"\#(family){provider="modelverse",status="other"}"#, in: text) == "1")
    }

    @Test("HTTP labels outside the known sets are grouped: any method not standard, any status outside 100–599")
    func httpLabelsBounded() {
        let prometheus = PrometheusMetrics()
        prometheus.metrics.httpRequest(method: "PURGE", route: nil, status: 404, seconds: 0.01)
        prometheus.metrics.httpRequest(method: "GET", route: "/healthz", status: 999, seconds: 0.01)
        let text = prometheus.text()
        #expect(value(#"seedgate_http_requests_total{method="other",route="unmatched",status="404"}"#, in: text) == "1")
        #expect(value(#"seedgate_http_requests_total{method="GET",route="/healthz",status="other"}"#, in: text) == "1")
    }
}
