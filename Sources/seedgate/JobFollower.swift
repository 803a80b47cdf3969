import AsyncHTTPClient
import Foundation
import NIOCore
import OpenAPIRuntime
import SeedGateClient

/// Following a job until it ends (and its archive settles), and saving its video.
struct JobFollower {
    typealias Job = Components.Schemas.Job
    let session: ClientSession
    /// Give up waiting after this long (nil: wait as long as the job takes).
    var waitLimit: Duration?

    /// Polls the job, paced by the server's `SeedGate-Poll-After-Ms`, until it is terminal; with `untilArchived`, a
    /// succeeded job also until its archive is no longer pending. Progress goes to standard error: one line kept
    /// up to date on a terminal, a line per change otherwise.
    func follow(_ job: Job, untilArchived: Bool) async throws -> Job {
        let clock = ContinuousClock()
        let started = clock.now
        var job = job
        var pause = Duration.seconds(1)
        var last = ""
        let live = StandardError.isTerminal
        while true {
            let line = JobOutput.progress(job, elapsed: clock.now - started)
            let state = "\(job.status.rawValue) \(job.provider ?? "") \(job.upstream?.status ?? "") \(job.output?.archive?.state.rawValue ?? "")"
            if live {
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
            } else if state != last {
                StandardError.line(line)
            }
            last = state
            if done(job, untilArchived: untilArchived) { break }
            if let waitLimit, clock.now - started > waitLimit {
                if live { StandardError.line("") }
                throw CLIFailure.unavailable("gave up waiting for \(job.id) after \(waitLimit) (it is still \(job.status.rawValue))")
            }
            try await Task.sleep(for: pause)
            let answer = try await session.api.getJob(path: .init(jobId: job.id))
            guard case .ok(let ok) = answer else { throw CLIFailure.unavailable("unexpected answer to getJob: \(answer)") }
            job = try ok.body.json
            // The server's pacing, within reason: never hammer it, never sleep through the end by much.
            let hint = ok.headers.seedGatePollAfterMs.map { Duration.milliseconds($0) } ?? .seconds(1)
            pause = min(max(hint, .milliseconds(250)), .seconds(5))
        }
        if live { StandardError.line("") }
        return job
    }

    func done(_ job: Job, untilArchived: Bool) -> Bool {
        guard JobOutput.isTerminal(job.status) else { return false }
        guard untilArchived, job.status == .succeeded else { return true }
        return job.output?.archive?.state != .pending
    }

    /// Saves a succeeded job's video at `path`: SeedGate's archived copy (`GET /v1/jobs/{id}/content`) when there is
    /// one, else the provider's link (`output.video_url`; no key is sent there). The file appears whole or not at all
    /// (written beside it, then renamed). Answers the bytes written.
    func download(_ job: Job, to path: String) async throws -> Int {
        let target = URL(fileURLWithPath: path)
        let staging = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(getpid()).partial")
        guard FileManager.default.createFile(atPath: staging.path, contents: nil) else {
            throw CLIFailure.cannotWrite("cannot create \(staging.path)")
        }
        var moved = false
        defer { if !moved { try? FileManager.default.removeItem(at: staging) } }
        guard let handle = try? FileHandle(forWritingTo: staging) else { throw CLIFailure.cannotWrite("cannot open \(staging.path)") }
        let written: Int
        do {
            defer { try? handle.close() }
            written = try await fetch(job, into: handle)
            do {
                try handle.synchronize()
            } catch {
                throw CLIFailure.cannotWrite("cannot write \(path): \(error.localizedDescription)")
            }
        }
        if rename(staging.path, target.path) != 0 {
            throw CLIFailure.cannotWrite("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        moved = true
        return written
    }

    private func fetch(_ job: Job, into handle: FileHandle) async throws -> Int {
        let archive = job.output?.archive
        if archive?.state == .archived {
            let answer = try await session.downloadClient().getJobContent(path: .init(jobId: job.id), query: .init(variant: .video))
            guard case .ok(let ok) = answer else { throw CLIFailure.unavailable("unexpected answer to getJobContent: \(answer)") }
            let body: HTTPBody =
                switch ok.body {
                case .videoMp4(let body), .videoQuicktime(let body), .png(let body), .jpeg(let body): body
                }
            var written = 0
            for try await chunk in body {
                try write(chunk, to: handle)
                written += chunk.count
            }
            if let expected = ok.headers.contentLength, expected != written {
                throw CLIFailure.unavailable("the download of \(job.id) ended after \(written) of \(expected) bytes")
            }
            return written
        }
        if let archive, archive.state == .failed || archive.state == .deleted {
            let reason = archive.error.map { " (\($0.code.rawValue): \($0.message))" } ?? ""
            StandardError.line(
                "seedgate: SeedGate has no copy of \(job.id): its archive is \(archive.state.rawValue)\(reason); trying the provider's link")
        }
        guard let link = providerLink(job) else {
            throw CLIFailure.unavailable("\(job.id) has no video URL to download")
        }
        var request = HTTPClientRequest(url: link)
        request.method = .GET
        let response = try await session.downloads.execute(request, timeout: .hours(6))
        guard response.status == .ok else {
            throw CLIFailure.unavailable("the provider's link for \(job.id) answered \(response.status.code) (links expire after a day)")
        }
        var written = 0
        for try await buffer in response.body {
            try write(buffer.readableBytesView, to: handle)
            written += buffer.readableBytes
        }
        return written
    }

    /// The provider's own link (never SeedGate's content route, which needs the key and is served only once archived).
    private func providerLink(_ job: Job) -> String? {
        let output = job.output
        if let provider = output?.providerVideoUrl { return provider }
        guard let video = output?.videoUrl, !video.contains("/v1/jobs/\(job.id)/content") else { return nil }
        return video
    }

    private func write(_ bytes: some Collection<UInt8>, to handle: FileHandle) throws {
        do {
            try handle.write(contentsOf: Data(bytes))
        } catch {
            throw CLIFailure.cannotWrite("cannot write the download: \(error.localizedDescription)")
        }
    }
}
