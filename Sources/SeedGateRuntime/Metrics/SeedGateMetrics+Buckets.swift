/// The buckets of SeedGate's duration histograms, chosen for what each one measures. The Prometheus factory takes
/// them per metric name (`durationBuckets`), with `requestBuckets` for any other timer.
///
/// Requests (HTTP, upstream calls, webhook deliveries) take milliseconds to a few seconds, at most the call timeout;
/// the work itself takes minutes: a Seedance job runs from about 30 s to more than 10 minutes, a job can wait in
/// SeedGate's queue for many minutes when a provider is at its limits, and a status check runs late when a provider's
/// call budget is spent.
extension SeedGateMetrics {
    /// 5 ms to 2 minutes: HTTP requests, upstream calls, webhook deliveries.
    public static let requestBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]

    /// 1 second to 2 hours: a job from creation to its end, the wait in SeedGate's queue, success to archived.
    public static let workBuckets: [Duration] = [
        .seconds(1), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(180), .seconds(300), .seconds(450),
        .seconds(600), .seconds(900), .seconds(1200), .seconds(1800), .seconds(3600), .seconds(7200),
    ]

    /// 100 ms to 30 minutes: how late a status check starts after it was due (normally under a second; minutes when
    /// a provider's status-call budget or its read circuit holds checks back).
    public static let lagBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        .seconds(120), .seconds(300), .seconds(600), .seconds(1800),
    ]

    /// The buckets of each duration histogram, by metric name.
    public static let durationBuckets: [String: [Duration]] = [
        "seedgate_http_request_duration_seconds": requestBuckets,
        "seedgate_upstream_request_duration_seconds": requestBuckets,
        "seedgate_webhook_delivery_duration_seconds": requestBuckets,
        "seedgate_job_duration_seconds": workBuckets,
        "seedgate_queue_wait_seconds": workBuckets,
        "seedgate_archive_lag_seconds": workBuckets,
        "seedgate_poll_lag_seconds": lagBuckets,
    ]
}
