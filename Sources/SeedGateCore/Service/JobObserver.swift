import Foundation

/// What JobService and the background services report as they work, for metrics. The core names the events; the
/// runtime counts them (the core imports no metrics library).
public protocol JobObserver: Sendable {
    /// A job was stored, as `new`, after being `old` (nil when just created).
    func jobWritten(from old: Job?, to new: Job)
    /// A provider reported a status word its adapter does not know.
    func unrecognisedStatus(provider: ProviderID, raw: String)
    /// A due status check started this many seconds after it was due.
    func checkStarted(lateBy seconds: TimeInterval)
}
