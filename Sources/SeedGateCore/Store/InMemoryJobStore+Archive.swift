import Foundation

/// Archive claims and retention, in memory.
extension InMemoryJobStore {
    public func claimDueArchives(dueBy: Date, limit: Int, leaseUntil: Date) -> [Job] {
        let due = jobs.values.compactMap { job -> (Date, Job)? in
            guard let at = job.archiveDueAt, at <= dueBy, (archiveLeases[job.id] ?? .distantPast) <= dueBy else { return nil }
            return (at, job)
        }
        return due.sorted { ($0.0, $0.1.id) < ($1.0, $1.1.id) }.prefix(max(0, limit)).map { _, job in
            archiveLeases[job.id] = leaseUntil
            return job
        }
    }

    public func retentionCandidates(_ query: RetentionQuery) -> [Job] {
        jobs.values.filter(query.matches)
            .sorted { ($0.finishedAt ?? .distantPast, $0.id) < ($1.finishedAt ?? .distantPast, $1.id) }
            .prefix(max(0, query.limit)).map { $0 }
    }

    public func deleteJob(_ id: JobID) {
        jobs[id] = nil
        archiveLeases[id] = nil
        outbox.removeAll { $0.jobID == id }
        deliveryLog.removeAll { $0.jobID == id }
    }
}
