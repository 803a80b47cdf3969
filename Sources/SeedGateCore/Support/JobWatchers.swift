import Foundation
import Synchronization

/// In-process fan-out of job changes to whoever watches a job (Server-Sent Events). Every write through
/// `JobService` is published; watchers on other replicas catch up by re-reading the store.
public final class JobWatchers: Sendable {
    private let watchers = Mutex<[JobID: [UUID: AsyncStream<Job>.Continuation]]>([:])

    public init() {}

    /// A stream of the job's stored versions from now on; call `stop` when done.
    public func watch(_ id: JobID) -> (changes: AsyncStream<Job>, stop: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .bufferingNewest(8))
        let token = UUID()
        watchers.withLock { $0[id, default: [:]][token] = continuation }
        let stop: @Sendable () -> Void = { [weak self] in
            let removed = self?.watchers.withLock { watchers -> AsyncStream<Job>.Continuation? in
                let continuation = watchers[id]?.removeValue(forKey: token)
                if watchers[id]?.isEmpty == true { watchers[id] = nil }
                return continuation
            }
            removed?.finish()
        }
        return (stream, stop)
    }

    func publish(_ job: Job) {
        let targets = watchers.withLock { $0[job.id].map { Array($0.values) } ?? [] }
        for continuation in targets { continuation.yield(job) }
    }
}
