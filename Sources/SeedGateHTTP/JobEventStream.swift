import Foundation
import OpenAPIRuntime
import SeedGateCore

/// `GET /v1/jobs/{id}/events`: the job's current state, then one `job.<status>` event per status change until a
/// terminal state (other writes, such as a rescheduled check, are not events). Changes made in this process arrive at
/// once; a re-read of the store every second catches those made by other replicas. A comment line every 15 s keeps
/// proxies from closing the connection. One producer task per stream, cancelled when the client goes away; its two
/// feeders are child tasks of it.
enum JobEventStream {
    static func body(for job: Job, jobs: JobService, links: MediaLinks? = nil, emulated: Set<ProviderID> = []) -> HTTPBody {
        let (output, continuation) = AsyncStream.makeStream(of: ArraySlice<UInt8>.self)
        let producer = Task {
            var lastVersion = 0
            var lastStatus: JobStatus?
            var lastArchive: ArchiveState.Phase?
            /// Sends the job if it is newer than what was sent and its status (or, once succeeded, its archive's phase)
            /// changed; returns true when the stream should end: at a terminal status, except that a succeeded job
            /// whose archive is pending is followed until `job.archived` or `job.archive_failed`.
            func send(_ job: Job) -> Bool {
                guard job.version > lastVersion else { return false }
                lastVersion = job.version
                let archive = job.output?.archive?.phase
                if job.status != lastStatus {
                    lastStatus = job.status
                    lastArchive = archive
                    continuation.yield(ArraySlice(frame(job, event: "job.\(job.status.rawValue)", links: links, emulated: emulated)))
                } else if archive != lastArchive, archive == .archived || archive == .failed {
                    lastArchive = archive
                    continuation.yield(
                        ArraySlice(frame(job, event: archive == .archived ? "job.archived" : "job.archive_failed", links: links, emulated: emulated)))
                }
                return job.status.isTerminal && archive != .pending
            }
            defer { continuation.finish() }
            if send(job) { return }
            let watch = jobs.watchers.watch(job.id)
            // Two children feed one stream of wake-ups: the job's writes in this process, and a 1 s tick that re-reads
            // the store. Leaving the group (the job ended, or the client went away) cancels both.
            let (wakeUps, wake) = AsyncStream.makeStream(of: Job?.self)
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await change in watch.changes { wake.yield(change) }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        wake.yield(nil)
                    }
                }
                defer {
                    group.cancelAll()
                    watch.stop()
                    wake.finish()
                }
                var idle = 0
                for await change in wakeUps {
                    if Task.isCancelled { return }
                    if let change {
                        if send(change) { return }
                        idle = 0
                    } else {
                        if let fresh = try? await jobs.latest(job.id), send(fresh) { return }
                        idle += 1
                        if idle % 15 == 0 { continuation.yield(ArraySlice(": keep-alive\n\n".utf8)) }
                    }
                }
            }
        }
        continuation.onTermination = { _ in producer.cancel() }
        return HTTPBody(output, length: .unknown, iterationBehavior: .single)
    }

    static func frame(_ job: Job, event: String, links: MediaLinks? = nil, emulated: Set<ProviderID> = []) -> [UInt8] {
        var text = "id: \(job.id.rawValue)-\(job.version)\nevent: \(event)\ndata: "
        text += String(decoding: renderJobJSON(job, links: links, emulated: emulated), as: UTF8.self)
        text += "\n\n"
        return Array(text.utf8)
    }
}
