import Foundation
import SeedGateCore
import SeedGateTesting
import Testing

@testable import SeedGateRuntime

/// The dispatcher and the poller driven directly, one round at a time, over stub providers and a manual clock: no
/// sockets, no sleeps. Time passes only when the test advances the clock.
@Suite("Dispatcher and poller on a manual clock")
struct DispatcherAndPollerTests {
    let gateway = TestGateway()
    var ark: StubAdapter { gateway.adapter("volcengine-ark") }
    var backup: StubAdapter { gateway.adapter("byteplus-modelark") }

    func create(_ jobs: JobService) async throws -> Job {
        try await jobs.create(CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "a cat")), tenant: "t1").job
    }

    func stored(_ job: Job) async throws -> Job {
        try #require(try await gateway.store.job(id: job.id))
    }

    @Test("a queued job goes to the route's first provider and is followed from then on")
    func submitsToFirstProvider() async throws {
        let jobs = gateway.engine()
        let job = try await create(jobs)
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 1)
        let accepted = try await stored(job)
        #expect(accepted.submission == .accepted)
        #expect(accepted.provider == "volcengine-ark")
        #expect(accepted.upstream?.taskID == "task-1")
        #expect(ark.submits.count == 1)
        #expect(backup.submits.isEmpty)
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 0, "an accepted job is never submitted again")
    }

    @Test("a rate-limited create hands the job to the next provider at once; a round of failures backs off on the clock")
    func failoverAndBackoff() async throws {
        let jobs = gateway.engine()
        let dispatcher = DispatcherService(jobs: jobs)
        let job = try await create(jobs)
        ark.willSubmit(.failure(ProviderError(.rateLimited, httpStatus: 429)))
        backup.willSubmit(.failure(ProviderError(.unavailable, httpStatus: 503)))
        #expect(try await dispatcher.dispatchDueJobs() == 1)
        #expect(try await stored(job).submission == .pending)
        #expect(try await dispatcher.dispatchDueJobs() == 1, "the next provider is tried in the same moment")
        let waiting = try await stored(job)
        #expect(waiting.attempts.map(\.outcome) == [.retryable, .retryable])
        #expect(try await dispatcher.dispatchDueJobs() == 0, "after a whole round fails the job waits")
        gateway.clock.advance(by: 2.5)
        #expect(try await dispatcher.dispatchDueJobs() == 1, "and comes due again on the clock")
        let accepted = try await stored(job)
        #expect(accepted.submission == .accepted)
        #expect(accepted.provider == "volcengine-ark")
        #expect(accepted.attempts.map(\.outcome) == [.retryable, .retryable, .accepted])
    }

    @Test("a create that reached the provider but lost its answer ends the job and is never resent")
    func unknownOutcomeIsNotResent() async throws {
        let jobs = gateway.engine()
        let job = try await create(jobs)
        ark.willSubmit(.failure(ProviderError(.timeout, requestSent: true)))
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 1)
        let failed = try await stored(job)
        #expect(failed.status == .failed)
        #expect(failed.error?.code == .submitOutcomeUnknown)
        gateway.clock.advance(by: 3600)
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 0)
        #expect(ark.submits.count + backup.submits.count == 1)
    }

    @Test("a provider whose circuit opened is skipped until its cool-down ends")
    func openCircuitIsSkipped() async throws {
        let breakers = CircuitBreakers(threshold: 1, coolDown: .seconds(3600), now: gateway.clock.now)
        let jobs = gateway.engine(breakers: breakers)
        breakers.recordFailure("volcengine-ark", .create)
        let job = try await create(jobs)
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 1)
        #expect(try await stored(job).provider == "byteplus-modelark")
        #expect(ark.submits.isEmpty)
    }

    @Test("the poller checks a job only when its check is due, then applies what the provider reports")
    func pollsOnTheClock() async throws {
        let jobs = gateway.engine()
        let poller = PollerService(jobs: jobs)
        let job = try await create(jobs)
        _ = try await DispatcherService(jobs: jobs).dispatchDueJobs()
        ark.willReport(
            "task-1",
            .found(
                UpstreamSnapshot(
                    taskID: "task-1", status: .mapped(.succeeded), rawStatus: "succeeded",
                    output: JobOutput(videoURL: "https://cdn.example/task-1.mp4"))))
        #expect(try await poller.checkDueJobs() == 0, "the first check waits for the manifest's first_check_after")
        gateway.clock.advance(by: 2.5)
        #expect(try await poller.checkDueJobs() == 1)
        #expect(try await stored(job).status == .succeeded)
        gateway.clock.advance(by: 600)
        #expect(try await poller.checkDueJobs() == 0, "a finished job is not checked again")
    }

    /// A job the route's first provider accepted as `task-1`, with its first check due.
    func acceptedJob(_ jobs: JobService) async throws -> Job {
        let job = try await create(jobs)
        _ = try await DispatcherService(jobs: jobs).dispatchDueJobs()
        gateway.clock.advance(by: 2.5)
        return job
    }

    @Test("a running job's next check is scheduled on the clock, not repeated at once")
    func runningJobIsCheckedAgainWhenDue() async throws {
        let jobs = gateway.engine()
        let poller = PollerService(jobs: jobs)
        let job = try await acceptedJob(jobs)
        ark.willReport("task-1", .found(UpstreamSnapshot(taskID: "task-1", status: .mapped(.running), rawStatus: "running")))
        #expect(try await poller.checkDueJobs() == 1)
        #expect(try await stored(job).status == .running)
        #expect(try await poller.checkDueJobs() == 0, "the next check is scheduled, not immediate")
        gateway.clock.advance(by: 60)
        ark.willReport(
            "task-1",
            .found(
                UpstreamSnapshot(
                    taskID: "task-1", status: .mapped(.succeeded), rawStatus: "succeeded",
                    output: JobOutput(videoURL: "https://cdn.example/task-1.mp4"))))
        #expect(try await poller.checkDueJobs() == 1)
        #expect(try await stored(job).status == .succeeded)
    }

    @Test("a refusal made before anything was sent hands the job to the next provider of the route, which then has it")
    func unsentRefusalIsNotFinal() async throws {
        let jobs = gateway.engine()
        let dispatcher = DispatcherService(jobs: jobs)
        let job = try await create(jobs)
        ark.willSubmit(.failure(ProviderError(.invalidRequest, providerMessage: "cannot take data: URLs", requestSent: false)))
        #expect(try await dispatcher.dispatchDueJobs() == 1)
        let moved = try await stored(job)
        #expect(moved.status == .queued && moved.submission == .pending)
        #expect(moved.route == ["byteplus-modelark"])
        #expect(try await dispatcher.dispatchDueJobs() == 1)
        let accepted = try await stored(job)
        #expect(accepted.provider == "byteplus-modelark")
        #expect(accepted.attempts.map(\.outcome) == [.rejected, .accepted])
    }

    @Test("the same refusal is final when no other provider of the route is left")
    func unsentRefusalOnTheLastProviderEndsTheJob() async throws {
        let jobs = gateway.engine()
        let dispatcher = DispatcherService(jobs: jobs)
        let job = try await create(jobs)
        ark.willSubmit(.failure(ProviderError(.invalidRequest, requestSent: false)))
        backup.willSubmit(.failure(ProviderError(.invalidRequest, requestSent: false)))
        _ = try await dispatcher.dispatchDueJobs()
        _ = try await dispatcher.dispatchDueJobs()
        let failed = try await stored(job)
        #expect(failed.status == .failed)
        #expect(failed.error?.code == .invalidRequest)
        #expect(failed.attempts.map(\.outcome) == [.rejected, .rejected])
    }

    @Test("an exhausted quota holds the provider's creates: later jobs go straight to the next provider")
    func exhaustedQuotaHoldsTheProvider() async throws {
        let jobs = gateway.engine()
        let dispatcher = DispatcherService(jobs: jobs)
        let first = try await create(jobs)
        ark.willSubmit(.failure(ProviderError(.quotaExceeded, httpStatus: 429, providerCode: "QuotaExceeded", retryAfter: 900)))
        _ = try await dispatcher.dispatchDueJobs()
        _ = try await dispatcher.dispatchDueJobs()
        #expect(try await stored(first).provider == "byteplus-modelark")
        let second = try await create(jobs)
        _ = try await dispatcher.dispatchDueJobs()
        #expect(try await stored(second).provider == "byteplus-modelark")
        #expect(try await stored(second).attempts.map(\.outcome) == [.accepted], "the held provider was not asked")
        #expect(ark.submits.count == 1)
    }

    @Test("a success without a video is followed, then fails as result_missing once the patience runs out")
    func successWithoutResultIsBounded() async throws {
        let jobs = gateway.engine()
        let poller = PollerService(jobs: jobs)
        let job = try await acceptedJob(jobs)
        ark.willReport("task-1", .found(UpstreamSnapshot(taskID: "task-1", status: .mapped(.succeeded), rawStatus: "succeeded")))
        #expect(try await poller.checkDueJobs() == 1)
        let waiting = try await stored(job)
        #expect(waiting.status == .running)
        #expect(waiting.upstream?.status == "succeeded")
        #expect(waiting.nextCheckAt != nil)
        gateway.clock.advance(by: JobService.missingResultPatience + 1)
        ark.willReport("task-1", .found(UpstreamSnapshot(taskID: "task-1", status: .mapped(.succeeded), rawStatus: "succeeded")))
        #expect(try await poller.checkDueJobs() == 1)
        let failed = try await stored(job)
        #expect(failed.status == .failed)
        #expect(failed.error?.code == .resultMissing)
    }

    @Test("one unreadable task in a batch is read again on its own, and never opens the provider's circuit")
    func unreadableBatchFallsBackToSingleReads() async throws {
        let breakers = CircuitBreakers(threshold: 1, coolDown: .seconds(3600), now: gateway.clock.now)
        let jobs = gateway.engine(breakers: breakers)
        let poller = PollerService(jobs: jobs)
        let first = try await create(jobs)
        let second = try await create(jobs)
        _ = try await DispatcherService(jobs: jobs).dispatchDueJobs()
        gateway.clock.advance(by: 2.5)
        ark.failBatches(with: ProviderError(.malformedResponse, providerMessage: "the answer is larger than SeedGate reads"))
        ark.willReport("task-1", .found(UpstreamSnapshot(taskID: "task-1", status: .mapped(.running), rawStatus: "running")))
        ark.willReport("task-2", .found(UpstreamSnapshot(taskID: "task-2", status: .mapped(.running), rawStatus: "running")))
        _ = try await poller.checkDueJobs()
        #expect(try await stored(first).status == .running)
        #expect(try await stored(second).status == .running)
        #expect(breakers.state("volcengine-ark", .read) == .closed)
        #expect(ark.fetches.map(\.count).sorted() == [1, 1, 2], "one batch call, then one read per task")
    }
}
