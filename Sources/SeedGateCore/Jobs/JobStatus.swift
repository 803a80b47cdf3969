/// The life of a job: `queued` → `running` → one of the terminal states.
/// A job may also jump from `queued` straight to a terminal state (a provider can finish, fail or
/// expire a task before SeedGate saw it running). Terminal states are final.
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    case queued
    case running
    case succeeded
    case failed
    case cancelled
    case expired

    public var isTerminal: Bool {
        switch self {
        case .queued, .running: false
        case .succeeded, .failed, .cancelled, .expired: true
        }
    }

    /// Whether moving from `self` to `next` is a legal transition. Staying in the same state is not a transition.
    public func canTransition(to next: JobStatus) -> Bool {
        switch (self, next) {
        case (.queued, .running): true
        case (.queued, _), (.running, _): next.isTerminal
        default: false
        }
    }
}
