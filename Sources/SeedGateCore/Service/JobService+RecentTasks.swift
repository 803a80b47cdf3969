import Foundation

/// The second way to find the task of a create whose answer was lost: where a provider lists its account's recent
/// tasks with what was sent (Chanjing: prompt, model, creation time), an unconfirmed job adopts the one listed task
/// that matches it, provided no other waiting job matches that task and no other untracked task matches the job.
/// An ambiguous match adopts nothing: a wrong adoption would show one client another's video.
extension JobService {
    /// How far apart SeedGate's record of the lost create and the provider's creation time may be (clock skew
    /// plus the create call's own duration).
    static let recentTaskTimeTolerance: TimeInterval = 300
    /// Listing calls per provider and minute, whatever the number of waiting jobs.
    public static let recentTaskListingsPerMinute = 6

    /// Looks for the tasks of `waiting` (unconfirmed jobs) in the recent-task lists of their providers, within each
    /// provider's listing budget; returns how many jobs adopted a task.
    @discardableResult
    public func adoptListedTasks(_ waiting: [Job]) async throws -> Int {
        var adopted = 0
        for (providerID, jobs) in Dictionary(grouping: waiting.filter { $0.submission == .unconfirmed }, by: \.provider) {
            guard let providerID, let provider = providers[providerID], provider.adapter.listsRecentTasks,
                let earliest = jobs.compactMap(\.lostCreateAt).min(),
                listingBudgets.take(providerID, perMinute: Self.recentTaskListingsPerMinute)
            else { continue }
            let listed: [RecentTask]
            do throws(ProviderError) {
                listed = try await provider.adapter.recentTasks(
                    createdSince: earliest.addingTimeInterval(-Self.recentTaskTimeTolerance), context: provider.context)
            } catch {
                logger.warning(
                    "could not list recent tasks to find lost creates", metadata: ["provider": "\(providerID)", "error": "\(error.kind.rawValue)"])
                continue
            }
            var untracked: [RecentTask] = []
            for task in listed where try await store.job(provider: providerID, upstreamTaskID: task.taskID) == nil { untracked.append(task) }
            let upstream = { (job: Job) in provider.manifest.offering(for: job.model)?.upstream }
            for (job, task) in Self.unambiguousPairs(jobs, untracked, upstreamModel: upstream) {
                let saved = try await adopt(job, taskID: task.taskID, snapshot: task.snapshot, provider: provider, how: "listed")
                if saved.upstream?.taskID == task.taskID { adopted += 1 }
            }
        }
        return adopted
    }

    /// Each job with exactly one matching task that matches no other job: same upstream model, same prompt as sent,
    /// created within `recentTaskTimeTolerance` of the lost create.
    static func unambiguousPairs(_ jobs: [Job], _ tasks: [RecentTask], upstreamModel: (Job) -> String?) -> [(Job, RecentTask)] {
        func matches(_ job: Job, _ task: RecentTask) -> Bool {
            guard let lostAt = job.lostCreateAt, let created = task.createdAt, let model = upstreamModel(job),
                let prompt = job.requestedSpec?.prompt ?? job.spec.prompt
            else { return false }
            return task.upstreamModel == model && task.prompt == prompt
                && abs(created.timeIntervalSince(lostAt)) <= recentTaskTimeTolerance
        }
        return jobs.compactMap { job in
            let candidates = tasks.filter { matches(job, $0) }
            guard candidates.count == 1, let task = candidates.first, jobs.filter({ matches($0, task) }).count == 1 else { return nil }
            return (job, task)
        }
    }
}

extension Job {
    /// When the create whose answer was lost was recorded (its `unknown` attempt).
    var lostCreateAt: Date? { attempts.last { $0.outcome == .unknown }?.at }
}
