import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import SeedGateCore
import ServiceLifecycle

/// Keeps SeedGate's own copy of every succeeded job's files: claims jobs whose archive try is due (leased, so one
/// worker or replica at a time), downloads the video and last frame into the media store with `ArchiveTransfer`,
/// and records the result through `JobService` (archived, or a failure retried with back-off). At most
/// `settings.concurrency` downloads run at once; a crash leaves the claim to expire and the try is taken again.
public struct ArchiverService: Service {
    let jobs: JobService
    let media: any MediaStore
    let destinations: DestinationGuard
    let settings: ArchiveSettings
    let metrics: SeedGateMetrics?
    let logger: Logger

    public init(
        jobs: JobService, media: any MediaStore, destinations: DestinationGuard, settings: ArchiveSettings = ArchiveSettings(),
        metrics: SeedGateMetrics? = nil, logger: Logger = Logger(label: "seedgate.archive")
    ) {
        self.jobs = jobs
        self.media = media
        self.destinations = destinations
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        // Its own client: redirects are followed by hand (each hop passes the destination guard), and the read
        // timeout is the stall timeout.
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .milliseconds(Int64(settings.stallTimeout * 1000))),
            decompression: .disabled
        )
        // No AsyncHTTPClient spans: they would record the result URL's query (a provider's signed link).
        configuration.tracing.tracer = nil
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let transfer = ArchiveTransfer(
            client: client, media: media, destinations: destinations, settings: settings,
            limiter: settings.bandwidthBytesPerSecond.map { BandwidthLimiter(bytesPerSecond: $0) })
        if let directory = media as? DirectoryMediaStore { directory.removeStalePartials(olderThan: jobs.archivePolicy.lease) }
        logger.info("archiver started", metadata: ["store": "\(media.kind)", "concurrency": "\(settings.concurrency)"])
        await cancelWhenGracefulShutdown { await loop(transfer) }
        try? await client.shutdown()
        logger.info("archiver stopped")
    }

    /// Keeps up to `concurrency` archives running, claiming more whenever one ends or the doorbell rings. A job
    /// whose claim ran out while this process is still downloading it is claimed again by this loop only after the
    /// download ends (`inFlight`); another replica may take it over (the lease should outlast the longest download).
    func loop(_ transfer: ArchiveTransfer) async {
        await withTaskGroup(of: JobID?.self) { group in
            var inFlight: Set<JobID> = []
            var waiting = false
            while !Task.isCancelled {
                if inFlight.count < settings.concurrency {
                    do {
                        for job in try await jobs.claimArchives(limit: settings.concurrency - inFlight.count) where !inFlight.contains(job.id) {
                            group.addTask {
                                await archive(job, with: transfer)
                                return job.id
                            }
                            inFlight.insert(job.id)
                        }
                    } catch {
                        logger.error("claiming archives failed", metadata: ["error": "\(error)"])
                    }
                }
                if !waiting {
                    group.addTask {
                        await jobs.signals.archives.wait(upTo: settings.tick)
                        return nil
                    }
                    waiting = true
                }
                guard let finished = await group.next() else { continue }
                if let id = finished { inFlight.remove(id) } else { waiting = false }
            }
            group.cancelAll()
        }
    }

    /// One try at archiving one job.
    func archive(_ job: Job, with transfer: ArchiveTransfer) async {
        guard let output = job.output, let videoURL = output.providerVideoURL else {
            await record(job, ArchiveTransfer.Failure(code: .sourceStatus, message: "the job has no video URL", permanent: true))
            return
        }
        let stem = Self.keyStem(job)
        do {
            let video = try await transfer.transfer(videoURL, keyStem: stem + "/video", expected: .video)
            var lastFrame: ArchivedFile?
            if let frameURL = output.providerLastFrameURL {
                lastFrame = try await transfer.transfer(frameURL, keyStem: stem + "/last_frame", expected: .image)
            }
            let saved = try await jobs.recordArchived(job, store: media.kind, video: video, lastFrame: lastFrame)
            metrics?.archiveFinished(outcome: "archived", bytes: video.bytes + (lastFrame?.bytes ?? 0), lag: Self.lag(saved))
            logger.info("job archived", metadata: ["job.id": "\(job.id)", "bytes": "\(video.bytes)", "store": "\(media.kind)"])
        } catch let failure as ArchiveTransfer.Failure {
            if Task.isCancelled {
                // Shutting down: not the file's fault. Hand the try back at once instead of leaving the claim to expire.
                // (A detached task: this one is cancelled, and the store may refuse work from a cancelled task.)
                let jobs = jobs
                await Task.detached { try? await jobs.releaseArchiveClaim(job) }.value
            } else {
                await record(job, failure)
            }
        } catch {
            logger.error("recording an archive failed", metadata: ["job.id": "\(job.id)", "error": "\(error)"])
        }
    }

    private func record(_ job: Job, _ failure: ArchiveTransfer.Failure) async {
        metrics?.archiveFinished(outcome: failure.code.rawValue, bytes: 0, lag: nil)
        do {
            try await jobs.recordArchiveFailure(
                job, ArchiveFailure(code: failure.code, message: failure.message, at: jobs.now(), permanent: failure.permanent))
        } catch {
            logger.error("recording an archive failure failed", metadata: ["job.id": "\(job.id)", "error": "\(error)"])
        }
    }

    /// `<tenant>/<job id>`: the tenant's characters outside `[A-Za-z0-9._-]` are replaced, so keys stay plain paths.
    static func keyStem(_ job: Job) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        var tenant = String(job.tenant.map { allowed.contains($0) ? $0 : "_" })
        if tenant.isEmpty { tenant = "_" }
        return "\(tenant)/\(job.id.rawValue)"
    }

    /// Seconds from the job's success to its archive.
    static func lag(_ job: Job) -> Double? {
        guard let archived = job.output?.archive?.archivedAt, let finished = job.finishedAt else { return nil }
        return max(0, archived.timeIntervalSince(finished))
    }
}
