import Foundation

/// Paid tasks no job tracks, counted from the jobs as the API shows them and the emulator's create counter. A job
/// whose create answer was lost has an `unknown` attempt; if a provider callback later named its task, an `accepted`
/// attempt follows and the job has `upstream.task_id` (adopted). Without adoption those tasks would be orphans too.
struct OrphanedTasks: CustomStringConvertible {
    /// Tasks created upstream that no job would track had nothing been adopted.
    var withoutAdoption: Int
    /// Tasks created upstream that no job tracks now.
    var remaining: Int
    /// Jobs that adopted the task of a create whose answer was lost.
    var adopted: Int

    init(jobs: some Collection<[String: Any]>, upstreamCreates: Int) {
        let tracked = jobs.filter { $0[path: "upstream.task_id"] != nil }.count
        adopted =
            jobs.filter { job in
                let outcomes = (job["attempts"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
                return job[path: "upstream.task_id"] != nil && outcomes.contains("unknown")
            }
            .count
        remaining = upstreamCreates - tracked
        withoutAdoption = remaining + adopted
    }

    var description: String {
        "orphaned paid tasks: \(withoutAdoption) without adoption, \(remaining) after (\(adopted) adopted from callbacks)"
    }
}
