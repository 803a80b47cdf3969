import AsyncHTTPClient
import Foundation
import Testing

/// After real work, `GET /metrics` shows every family operators need, in Prometheus text format.
@Suite(.timeLimit(.minutes(2))) struct MetricsTests {
    @Test func metricsShowJobsUpstreamCallsQueuesPollingWebhooksAndCircuits() async throws {
        let emulator = try await RunningEmulator.start(queueSeconds: 0.2, runSeconds: 0.4)
        let receiver = try await WebhookReceiver.start()
        let server = try await RunningServer.start(RunningServer.configuration(emulator: emulator, database: temporaryDatabase()))
        let client = HTTPClient.shared
        let body: [String: Any] = ["model": "seedance-1.5-pro", "prompt": "a clock tower", "callback_url": receiver.url]
        let id = try #require(try await client.json(.POST, server.baseURL + "/v1/jobs", body: body).body["id"] as? String)
        let finished = try await client.waitForJob(server, id) { job in
            let deliveries = job["webhooks"] as? [[String: Any]] ?? []
            // The last event is job.archived, after the archive of the succeeded job's files.
            return deliveries.contains { $0["type"] as? String == "job.archived" }
                && deliveries.allSatisfy { $0["status"] as? String == "delivered" }
        }
        let delivered = (finished["webhooks"] as? [[String: Any]])?.count ?? 0
        try await Task.sleep(for: .seconds(6)) // one sampling round of the gauges
        let metrics = try await client.json(.GET, server.baseURL + "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers.first(name: "content-type")?.hasPrefix("text/plain") == true)
        let families = [
            "seedgate_jobs_created_total", "seedgate_jobs_finished_total", "seedgate_jobs_open", "seedgate_queue_depth",
            "seedgate_queue_wait_seconds", "seedgate_upstream_requests_total", "seedgate_upstream_request_duration_seconds",
            "seedgate_upstream_in_flight", "seedgate_poll_lag_seconds", "seedgate_webhook_deliveries_total",
            "seedgate_circuit_state", "seedgate_http_requests_total", "seedgate_archive_attempts_total", "seedgate_archive_bytes_total",
            "seedgate_archive_lag_seconds",
        ]
        for family in families { #expect(metrics.text.contains("# TYPE \(family)"), "missing \(family)") }
        #expect(metrics.text.contains(#"seedgate_jobs_finished_total{model="seedance-1.5-pro",provider="volcengine-ark",status="succeeded""#))
        #expect(metrics.text.contains(#"operation="submit",outcome="ok""#))
        #expect(metrics.text.contains(#"seedgate_webhook_deliveries_total{outcome="delivered"} \#(delivered)"#))
        try await server.stop()
        try await receiver.stop()
        try await emulator.stop()
    }
}
