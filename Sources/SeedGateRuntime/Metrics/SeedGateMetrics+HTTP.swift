import CoreMetrics

/// HTTP metrics: `seedgate_http_requests_total{method,route,status}` and
/// `seedgate_http_request_duration_seconds{method,route,status}`. Every label is bounded: the route is the matched
/// route's template (`/v1/jobs/{job_id}`, never a path with ids in it) or `unmatched`; the method is one of the standard
/// methods or `other`; the status is the code when it is in 100–599, else `other`.
extension SeedGateMetrics {
    /// The route label of a request that matched no route.
    public static let unmatchedRoute = "unmatched"

    static let standardMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"]

    /// Most distinct route templates reported; routes come from the code, so this only guards against surprises.
    static let routeLimit = 64

    /// One answered request. `route` is the matched route's template, nil when no route matched.
    public func httpRequest(method: String, route: String?, status: Int, seconds: Double) {
        let dimensions = [
            ("method", Self.standardMethods.contains(method) ? method : BoundedLabel.overflow),
            ("route", route.map { routes($0) } ?? Self.unmatchedRoute),
            ("status", (100...599).contains(status) ? String(status) : BoundedLabel.overflow),
        ]
        Counter(label: "seedgate_http_requests_total", dimensions: dimensions, factory: factory).increment()
        CoreMetrics.Timer(label: "seedgate_http_request_duration_seconds", dimensions: dimensions, factory: factory).recordSeconds(seconds)
    }
}
