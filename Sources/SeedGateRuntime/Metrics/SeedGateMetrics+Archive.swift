import CoreMetrics
import Foundation

/// Archive metrics: `seedgate_archive_attempts_total{outcome}` (archived, or the failure code),
/// `seedgate_archive_bytes_total`, `seedgate_archive_lag_seconds` (from success to archived), and retention's
/// `seedgate_retention_removed_total{what}`.
extension SeedGateMetrics {
    public func archiveFinished(outcome: String, bytes: Int64, lag: Double?) {
        Counter(label: "seedgate_archive_attempts_total", dimensions: [("outcome", outcome)], factory: factory).increment()
        if bytes > 0 { Counter(label: "seedgate_archive_bytes_total", factory: factory).increment(by: Int(bytes)) }
        if let lag { CoreMetrics.Timer(label: "seedgate_archive_lag_seconds", factory: factory).recordSeconds(lag) }
    }

    public func retentionRemoved(_ what: String, count: Int) {
        guard count > 0 else { return }
        Counter(label: "seedgate_retention_removed_total", dimensions: [("what", what)], factory: factory).increment(by: count)
    }
}
