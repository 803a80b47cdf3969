import Foundation

extension Job {
    /// Moves to `next` if the transition is legal, stamping the lifecycle timestamps. Returns false otherwise.
    @discardableResult
    public mutating func transition(to next: JobStatus, at date: Date) -> Bool {
        guard status.canTransition(to: next) else { return false }
        status = next
        if next == .running || (next.isTerminal && submission == .accepted), startedAt == nil { startedAt = date }
        if next.isTerminal {
            finishedAt = date
            nextCheckAt = nil
            submitAfter = nil
            unconfirmedUntil = nil
            if submission != .accepted { submission = .abandoned }
        }
        return true
    }

    /// Ends the job as failed with `error`.
    public mutating func fail(_ error: JobError, at date: Date) {
        if transition(to: .failed, at: date) { self.error = error }
    }

    /// When the provider accepted the task, if it did.
    public var acceptedAt: Date? { attempts.last { $0.outcome == .accepted }?.at }
}
