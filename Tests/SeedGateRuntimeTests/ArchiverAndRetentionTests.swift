import Foundation
import SeedGateCore
import SeedGateTesting
import Testing

@testable import SeedGateRuntime

/// The archiver's refusals that need no file server, the directory store's guarantees, and retention sweeps, over
/// an in-memory store and a manual clock.
@Suite struct ArchiverAndRetentionTests {
    let gateway = TestGateway()

    func engine() -> JobService {
        JobService(
            store: gateway.store, providers: gateway.providers, routing: gateway.configuration.routing,
            archivePolicy: ArchivePolicy(enabled: true, maxAttempts: 3), logger: TestGateway.logger, now: gateway.clock.now)
    }

    func temporaryStore() throws -> DirectoryMediaStore {
        try DirectoryMediaStore(root: FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-media-\(UUID().uuidString)"))
    }

    /// A succeeded job of `tenant` that finished `age` seconds ago, with its archive in `phase`.
    func succeededJob(
        tenant: String = "default", age: TimeInterval = 0, phase: ArchiveState.Phase = .pending,
        videoURL: String = "https://cdn.example.invalid/v.mp4",
        key: String? = nil, idempotencyKey: String? = nil
    ) async throws -> Job {
        let finished = gateway.clock.now().addingTimeInterval(-age)
        var job = Job(
            id: JobID.generate(at: finished), tenant: tenant, spec: JobSpec(model: "seedance-1.5-pro", prompt: "x"), route: ["volcengine-ark"],
            metadata: [:], callbackURL: nil, idempotencyKey: idempotencyKey, createdAt: finished)
        job.status = .succeeded
        job.submission = .accepted
        job.finishedAt = finished
        job.output = JobOutput(videoURL: videoURL)
        job.output?.providerVideoURL = videoURL
        var archive = ArchiveState(phase: phase, attempts: phase == .pending ? 0 : 1, nextAttemptAt: phase == .pending ? finished : nil)
        if let key { archive.video = ArchivedFile(key: key, bytes: 3, sha256: "00", contentType: "video/mp4") }
        job.output?.archive = archive
        return try await gateway.store.insert(job, events: [])
    }

    @Test("a file URL at a cloud-metadata address fails the archive at once, permanently, and the job stays succeeded")
    func metadataAddressIsRefused() async throws {
        let jobs = engine()
        let job = try await succeededJob(videoURL: "http://169.254.169.254/latest/meta-data/video.mp4")
        let archiver = ArchiverService(jobs: jobs, media: try temporaryStore(), destinations: DestinationGuard())
        #expect(try await jobs.claimArchives(limit: 10).map(\.id) == [job.id])
        await archiver.archive(
            job,
            with: ArchiveTransfer(
                client: .shared, media: archiver.media, destinations: archiver.destinations, settings: archiver.settings, limiter: nil))
        let after = try #require(try await gateway.store.job(id: job.id))
        #expect(after.status == .succeeded)
        #expect(after.output?.archive?.phase == .failed)
        #expect(after.output?.archive?.lastError?.code == .forbiddenDestination)
        #expect(after.output?.archive?.lastError?.permanent == true)
        #expect(after.output?.archive?.attempts == 1)
        #expect(after.output?.archive?.lastError?.message.contains("169.254.169.254") == true)
        #expect(try await gateway.store.events(jobID: job.id).map(\.type) == ["job.archive_failed"])
    }

    @Test("failed tries back off exponentially and give up after max_attempts with job.archive_failed")
    func backoffAndGiveUp() async throws {
        let jobs = engine()
        var job = try await succeededJob()
        let failure = ArchiveFailure(code: .sourceStatus, message: "503", at: gateway.clock.now())
        job = try await jobs.recordArchiveFailure(job, failure)
        #expect(job.output?.archive?.nextAttemptAt == gateway.clock.now().addingTimeInterval(5))
        job = try await jobs.recordArchiveFailure(job, failure)
        #expect(job.output?.archive?.nextAttemptAt == gateway.clock.now().addingTimeInterval(10))
        #expect(job.output?.archive?.phase == .pending)
        job = try await jobs.recordArchiveFailure(job, failure)
        #expect(job.output?.archive?.phase == .failed)
        #expect(job.archiveDueAt == nil)
        #expect(try await jobs.claimArchives(limit: 10).isEmpty)
    }

    @Test("the directory store writes all or nothing, reads ranges, refuses keys that leave it, and deletes")
    func directoryStore() async throws {
        let store = try temporaryStore()
        let bytes: [UInt8] = (0..<300_000).map { UInt8($0 % 256) }
        #expect(try await store.put("t/j/video.mp4", contentType: "video/mp4", body: .bytes(bytes, chunkSize: 7000)) == 300_000)
        #expect(try await store.read("t/j/video.mp4", range: nil).collect() == bytes)
        #expect(try await store.read("t/j/video.mp4", range: 299_990...299_999).collect() == Array(bytes[299_990...]))
        #expect(try await store.size(of: "t/j/video.mp4") == 300_000)
        struct Broken: Error {}
        let failing = MediaByteStream { continuation in
            continuation.yield([1, 2, 3])
            continuation.finish(throwing: Broken())
        }
        await #expect(throws: Broken.self) { try await store.put("t/j/other.mp4", contentType: "video/mp4", body: failing) }
        #expect(try await store.size(of: "t/j/other.mp4") == nil, "a failed write leaves no object")
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root.appendingPathComponent(".partial").path).isEmpty)
        await #expect(throws: MediaStoreError.self) { _ = try await store.read("../escape", range: nil) }
        await #expect(throws: MediaStoreError.self) { _ = try await store.read("t/.partial/x", range: nil) }
        try await store.delete("t/j/video.mp4")
        try await store.delete("t/j/video.mp4")
        await #expect(throws: MediaStoreError.self) { _ = try await store.read("t/j/video.mp4", range: nil) }
    }

    @Test("retention: per-tenant media age, then idempotency keys, then records; deleted media answer gone")
    func retentionSweep() async throws {
        let jobs = engine()
        let media = try temporaryStore()
        for key in ["a/old/video.mp4", "b/old/video.mp4", "b/new/video.mp4"] {
            _ = try await media.put(key, contentType: "video/mp4", body: .bytes([1, 2, 3]))
        }
        let day: TimeInterval = 86_400
        let teamAOld = try await succeededJob(tenant: "team-a", age: 2 * day, phase: .archived, key: "a/old/video.mp4")
        let otherOld = try await succeededJob(tenant: "team-b", age: 2 * day, phase: .archived, key: "b/old/video.mp4", idempotencyKey: "k-1")
        let otherNew = try await succeededJob(tenant: "team-b", age: 0.5 * day, phase: .archived, key: "b/new/video.mp4")
        let ancient = try await succeededJob(tenant: "team-b", age: 40 * day, phase: .deleted)
        let policy = RetentionPolicy(
            defaultRule: RetentionRule(media: 30 * day, record: 30 * day, idempotencyKey: day),
            tenants: ["team-a": RetentionRule(media: day)])
        let service = RetentionService(jobs: jobs, media: media, policy: policy)
        let removed = try await service.sweep()
        #expect(removed == 3, "team-a's old media, team-b's old key, the 40-day-old record")

        let a = try #require(try await gateway.store.job(id: teamAOld.id))
        #expect(a.output?.archive?.phase == .deleted)
        #expect(a.output?.archive?.deletedBy == "retention")
        #expect(try await media.size(of: "a/old/video.mp4") == nil)
        await #expect(throws: JobServiceError.self) { _ = try await jobs.archivedFile(id: teamAOld.id.rawValue, tenant: nil, variant: .video) }
        do {
            _ = try await jobs.archivedFile(id: teamAOld.id.rawValue, tenant: nil, variant: .video)
        } catch JobServiceError.gone(let gone) {
            #expect(gone.reason == .mediaDeleted)
        }
        let b = try #require(try await gateway.store.job(id: otherOld.id))
        #expect(b.output?.archive?.phase == .archived, "team-b keeps media for 30 days")
        #expect(b.idempotencyKey == nil, "after a day the key may be used again")
        #expect(try await media.size(of: "b/new/video.mp4") == 3)
        #expect(try await gateway.store.job(id: otherNew.id) != nil)
        #expect(try await gateway.store.job(id: ancient.id) == nil, "a record past job_days is purged")
        #expect(try await service.sweep() == 0, "a second sweep finds nothing")
        // Another replica's sweeper does not run while this one holds the lease.
        let other = RetentionService(jobs: jobs, media: media, policy: policy)
        #expect(try await other.sweep() == nil)
    }
}
