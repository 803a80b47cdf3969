import Foundation
import SeedGateTesting
import Synchronization
import Testing

@testable import SeedGateCore

@Suite struct JobServiceTests {
    let ark = StubAdapter(id: "volcengine-ark")
    let backup = StubAdapter(id: "byteplus-modelark")
    let store = InMemoryJobStore()

    func service(routes: [String: [RoutingPolicy.Entry]] = [:], allowProvider: Bool = false) -> JobService {
        JobService(
            store: store, providers: ProviderDirectory([.stub(ark), .stub(backup)]),
            routing: RoutingPolicy(
                routes: routes, defaultRoute: [.init(provider: "volcengine-ark"), .init(provider: "byteplus-modelark")],
                allowRequestProvider: allowProvider)
        )
    }

    func create(_ jobs: JobService, _ spec: JobSpec = JobSpec(model: "seedance-1.5-pro", prompt: "a cat")) async throws -> Job {
        try await jobs.create(CreateJob(spec: spec), tenant: "t1").job
    }

    /// The validation failure `attempt` is refused with; nil, with an issue recorded as `accepted`, when it is not.
    func refusal(_ accepted: Comment, _ attempt: () async throws -> Job) async throws -> ValidationFailure? {
        do {
            _ = try await attempt()
            Issue.record(accepted)
            return nil
        } catch JobServiceError.validation(let failure, _) {
            return failure
        }
    }

    @Test func createStoresQueuedJobWithRouteAndEvent() async throws {
        let jobs = service()
        let job = try await create(jobs)
        #expect(job.status == .queued)
        #expect(job.route == ["volcengine-ark", "byteplus-modelark"])
        #expect(job.version == 1)
        let events = await store.events(jobID: job.id)
        #expect(events.map(\.type) == ["job.queued"])
        #expect(ark.submits.isEmpty)
    }

    @Test func unknownModelAndDisallowedProviderAreRejected() async throws {
        let jobs = service()
        await #expect(throws: JobServiceError.self) { try await create(jobs, JobSpec(model: "sora-2", prompt: "x")) }
        let failure = try await refusal("expected a rejection") {
            try await create(jobs, JobSpec(model: "seedance-1.5-pro", prompt: "x", provider: "volcengine-ark"))
        }
        #expect(failure?.field == "provider")
    }

    /// Seedance 2.0 at 4k has limits of its own (concurrency 1 in the fixture) besides the model's.
    @Test func aResolutionWithLimitsOfItsOwnHoldsBackOnlyItsJobs() async throws {
        let jobs = service()
        let fourK = JobSpec(model: "seedance-2.0", prompt: "x", resolution: "4k")
        let fourKJobs = [try await create(jobs, fourK), try await create(jobs, fourK)].map(\.id)
        let hd = try await create(jobs, JobSpec(model: "seedance-2.0", prompt: "x", resolution: "1080p"))
        let planned = try await jobs.dueSubmissions(limit: 10)
        let round = planned.map(\.job.id)
        #expect(round.count == 2 && round.contains(hd.id), "the 1080p job is not held back")
        #expect(round.filter(fourKJobs.contains).count == 1, "one 4k job at a time")
        for submission in planned { _ = try await jobs.submit(submission) }
        #expect(try await jobs.dueSubmissions(limit: 10).isEmpty, "the second 4k job waits while the first is in flight")
        #expect(try await store.inFlightCounts(resolution: "4k")[ProviderModel(provider: "volcengine-ark", model: "seedance-2.0")] == 1)
    }

    @Test func explicitProviderWhenAllowed() async throws {
        let job = try await create(service(allowProvider: true), JobSpec(model: "seedance-1.5-pro", prompt: "x", provider: "byteplus-modelark"))
        #expect(job.route == ["byteplus-modelark"])
    }

    @Test func acceptedThenSucceeded() async throws {
        let jobs = service()
        let job = try await create(jobs)
        let claimed = try #require(try await jobs.beginSubmission(job, to: "volcengine-ark"))
        #expect(try await jobs.beginSubmission(job, to: "volcengine-ark") == nil)
        let accepted = try await jobs.recordAccepted(claimed, by: "volcengine-ark", submission: Submission(taskID: "cgt-1"))
        #expect(accepted.submission == .accepted)
        #expect(accepted.nextCheckAt != nil)
        let running = try await jobs.apply(UpstreamSnapshot(taskID: "cgt-1", status: .mapped(.running), rawStatus: "running"), to: accepted)
        #expect(running.status == .running)
        #expect(running.startedAt != nil)
        let done = try await jobs.apply(
            UpstreamSnapshot(
                taskID: "cgt-1", status: .mapped(.succeeded), rawStatus: "succeeded", output: JobOutput(videoURL: "https://v/1.mp4"),
                usage: JobUsage(completionTokens: 10, totalTokens: 10)
            ), to: running)
        #expect(done.status == .succeeded)
        #expect(done.output?.videoURL == "https://v/1.mp4")
        #expect(done.nextCheckAt == nil)
        let events = await store.events(jobID: job.id)
        #expect(events.map(\.type) == ["job.queued", "job.running", "job.succeeded"])
    }

    @Test func unrecognisedStatusKeepsStateButStaysVisible() async throws {
        let jobs = service()
        let claimed = try #require(try await jobs.beginSubmission(try await create(jobs), to: "volcengine-ark"))
        let accepted = try await jobs.recordAccepted(claimed, by: "volcengine-ark", submission: Submission(taskID: "cgt-2"))
        let after = try await jobs.apply(UpstreamSnapshot(taskID: "cgt-2", status: .unrecognised("paused"), rawStatus: "paused"), to: accepted)
        #expect(after.status == .queued)
        #expect(after.upstream?.status == "paused")
        #expect(after.nextCheckAt != nil)
    }

    @Test func transientFailureMovesToNextProviderThenBacksOff() async throws {
        let jobs = service()
        let job = try await create(jobs)
        let first = try #require(try await jobs.beginSubmission(job, to: "volcengine-ark"))
        let afterFirst = try await jobs.recordSubmitFailure(first, provider: "volcengine-ark", error: ProviderError(.rateLimited, httpStatus: 429))
        #expect(afterFirst.status == .queued)
        #expect(afterFirst.submission == .pending)
        #expect(jobs.nextProvider(for: afterFirst) == "byteplus-modelark")
        #expect(afterFirst.submitAfter == nil)
        let second = try #require(try await jobs.beginSubmission(afterFirst, to: "byteplus-modelark"))
        let afterSecond = try await jobs.recordSubmitFailure(
            second, provider: "byteplus-modelark", error: ProviderError(.unavailable, httpStatus: 503))
        #expect(afterSecond.submitAfter != nil)
        #expect(afterSecond.attempts.map(\.outcome) == [.retryable, .retryable])
        #expect(jobs.nextProvider(for: afterSecond) == "volcengine-ark")
    }

    @Test func unknownOutcomeIsNeverResubmitted() async throws {
        let jobs = service()
        let claimed = try #require(try await jobs.beginSubmission(try await create(jobs), to: "volcengine-ark"))
        let after = try await jobs.recordSubmitFailure(claimed, provider: "volcengine-ark", error: ProviderError(.timeout, requestSent: true))
        #expect(after.status == .failed)
        #expect(after.error?.code == .submitOutcomeUnknown)
        #expect(after.submission == .abandoned)
        let awaiting = await store.jobsAwaitingSubmission(dueBy: .distantFuture, limit: 10)
        #expect(awaiting.isEmpty)
    }

    @Test func rejectionFailsWithProviderCode() async throws {
        let jobs = service()
        let claimed = try #require(try await jobs.beginSubmission(try await create(jobs), to: "volcengine-ark"))
        let after = try await jobs.recordSubmitFailure(
            claimed, provider: "volcengine-ark",
            error: ProviderError(
                .contentModerated, httpStatus: 400, providerCode: "InputTextSensitiveContentDetected", providerMessage: "no"))
        #expect(after.status == .failed)
        #expect(after.error?.code == .contentModerated)
        #expect(after.error?.providerCode == "InputTextSensitiveContentDetected")
    }

    @Test func lostTaskFailsTheJob() async throws {
        let jobs = service()
        let claimed = try #require(try await jobs.beginSubmission(try await create(jobs), to: "volcengine-ark"))
        let accepted = try await jobs.recordAccepted(claimed, by: "volcengine-ark", submission: Submission(taskID: "cgt-3"))
        let lost = try await jobs.recordTaskLost(accepted)
        #expect(lost.status == .failed)
        #expect(lost.error?.code == .upstreamTaskNotFound)
    }

    @Test func cancelBeforeSubmissionIsLocal() async throws {
        let jobs = service()
        let job = try await create(jobs)
        let cancelled = try await jobs.cancel(id: job.id.rawValue, tenant: "t1")
        #expect(cancelled.status == .cancelled)
        #expect(ark.cancels.isEmpty)
        await #expect(throws: JobServiceError.self) { try await jobs.cancel(id: job.id.rawValue, tenant: "t1") }
    }

    @Test func cancelWaitsOutACreateInFlightThenCancelsUpstream() async throws {
        let jobs = service()
        let claimed = try #require(try await jobs.beginSubmission(try await create(jobs), to: "volcengine-ark"))
        ark.willReport("cgt-9", .found(UpstreamSnapshot(taskID: "cgt-9", status: .mapped(.queued), rawStatus: "queued")))
        async let cancelled = jobs.cancel(id: claimed.id.rawValue, tenant: "t1", patience: .seconds(60))
        for _ in 0..<10 { await Task.yield() } // let the cancel find the create in flight (either order ends the same)
        _ = try await jobs.recordAccepted(claimed, by: "volcengine-ark", submission: Submission(taskID: "cgt-9"))
        #expect(try await cancelled.status == .cancelled, "the cancel hears of the hand-off and goes upstream")
        #expect(ark.cancels == ["cgt-9"])
    }

    @Test func cancelGivesUpWhenTheCreateOutlastsItsPatience() async throws {
        let jobs = service()
        let claimed = try #require(try await jobs.beginSubmission(try await create(jobs), to: "volcengine-ark"))
        do {
            _ = try await jobs.cancel(id: claimed.id.rawValue, tenant: "t1", patience: .milliseconds(100))
            Issue.record("a create still in flight cannot be cancelled")
        } catch JobServiceError.conflict(let conflict) {
            #expect(conflict.reason == .submissionInFlight)
        }
    }

    @Test func cancelUpstreamOnlyWhereAllowed() async throws {
        let jobs = service()
        let claimed = try #require(try await jobs.beginSubmission(try await create(jobs), to: "volcengine-ark"))
        let accepted = try await jobs.recordAccepted(claimed, by: "volcengine-ark", submission: Submission(taskID: "cgt-4"))
        ark.willReport("cgt-4", .found(UpstreamSnapshot(taskID: "cgt-4", status: .mapped(.running), rawStatus: "running")))
        do {
            _ = try await jobs.cancel(id: accepted.id.rawValue, tenant: "t1")
            Issue.record("a running Ark task cannot be cancelled")
        } catch JobServiceError.conflict(let conflict) {
            #expect(conflict.reason == .notCancellableNow)
            #expect(conflict.message.contains("queued"))
        }
        #expect(ark.cancels.isEmpty)

        let other = try #require(try await jobs.beginSubmission(try await create(jobs), to: "volcengine-ark"))
        let queued = try await jobs.recordAccepted(other, by: "volcengine-ark", submission: Submission(taskID: "cgt-5"))
        ark.willReport("cgt-5", .found(UpstreamSnapshot(taskID: "cgt-5", status: .mapped(.queued), rawStatus: "queued")))
        let cancelled = try await jobs.cancel(id: queued.id.rawValue, tenant: "t1")
        #expect(cancelled.status == .cancelled)
        #expect(ark.cancels == ["cgt-5"])
    }

    @Test func otherTenantsSeeNothing() async throws {
        let jobs = service()
        let job = try await create(jobs)
        await #expect(throws: JobServiceError.self) { try await jobs.job(id: job.id.rawValue, tenant: "t2") }
        await #expect(throws: JobServiceError.self) { try await jobs.cancel(id: job.id.rawValue, tenant: "t2") }
    }

    @Test func idempotencyKeyReplaysRejectsOtherBodiesAndIsScopedPerTenant() async throws {
        let jobs = service()
        let request = CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "x"), idempotencyKey: "k1", fingerprint: "f1")
        let first = try await jobs.create(request, tenant: "t1")
        #expect(!first.replayed)
        let again = try await jobs.create(request, tenant: "t1")
        #expect(again.replayed)
        #expect(again.job.id == first.job.id)
        var other = request
        other.fingerprint = "f2"
        await #expect(throws: JobServiceError.idempotencyMismatch) { try await jobs.create(other, tenant: "t1") }
        let elsewhere = try await jobs.create(request, tenant: "t2")
        #expect(elsewhere.job.id != first.job.id)
        let page = await store.list(JobQuery(limit: 10))
        #expect(page.jobs.count == 2)
    }

    @Test func concurrentRetriesWithOneKeyCreateOneJob() async throws {
        let jobs = service()
        let request = CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "x"), idempotencyKey: "race", fingerprint: "f")
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do { return try await jobs.create(request, tenant: "t1").job.id.rawValue } catch { return "\(error)" }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        let ids = Set(outcomes.filter { $0.hasPrefix("job_") })
        #expect(ids.count == 1)
        #expect(outcomes.allSatisfy { $0.hasPrefix("job_") || $0.contains("idempotencyInProgress") })
        #expect(try await store.list(JobQuery(limit: 50)).jobs.count == 1)
    }

    @Test func eventsCarryTheJobAndItsWebhookTargets() async throws {
        let jobs = JobService(
            store: store, providers: ProviderDirectory([.stub(ark)]), routing: RoutingPolicy(), webhookEndpoints: ["https://hooks.example/all"]
        )
        let job = try await jobs.create(
            CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "x"), callbackURL: "https://client.example/hook"), tenant: "t1"
        ).job
        let events = await store.events(jobID: job.id)
        #expect(events.first?.webhookURLs == ["https://client.example/hook", "https://hooks.example/all"])
        #expect(events.first?.job?.id == job.id)
        #expect(await store.deliveries(jobID: job.id).count == 2)
    }

    @Test func callbackURLPolicyRefusesBadDestinations() async throws {
        let jobs = JobService(
            store: store, providers: ProviderDirectory([.stub(ark)]), routing: RoutingPolicy(),
            callbackURLPolicy: { $0.contains("169.254") ? "link-local addresses are refused" : nil }
        )
        let failure = try await refusal("expected a refusal") {
            try await jobs.create(
                CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "x"), callbackURL: "http://169.254.169.254/x"), tenant: "t1"
            ).job
        }
        #expect(failure?.field == "callback_url")
    }

    @Test func callbacksOnlyWakeTheirOwnJob() async throws {
        let jobs = service()
        let claimed = try #require(try await jobs.beginSubmission(try await create(jobs), to: "volcengine-ark", callbackToken: "secret-token"))
        let accepted = try await jobs.recordAccepted(claimed, by: "volcengine-ark", submission: Submission(taskID: "cgt-9"))
        #expect(accepted.nextCheckAt! > Date())
        await #expect(throws: JobServiceError.self) { try await jobs.receiveCallback(provider: "volcengine-ark", token: "guess", body: Data()) }
        await #expect(throws: JobServiceError.self) {
            try await jobs.receiveCallback(provider: "byteplus-modelark", token: "secret-token", body: Data())
        }
        try await jobs.receiveCallback(provider: "volcengine-ark", token: "secret-token", body: Data("{}".utf8))
        let woken = try #require(await store.job(id: accepted.id))
        #expect(woken.nextCheckAt! <= Date())
    }

    @Test func aCreateCutShortByACrashIsSettledWithoutResubmitting() async throws {
        let clock = Mutex(Date())
        let jobs = JobService(store: store, providers: ProviderDirectory([.stub(ark)]), routing: RoutingPolicy(), now: { clock.withLock { $0 } })
        let job = try await jobs.create(CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "x")), tenant: "t1").job
        _ = try #require(try await jobs.beginSubmission(job, to: "volcengine-ark"))
        // Still within the provider's call timeout: it may be in flight in another process.
        #expect(try await jobs.settleAbandonedSubmissions() == 0)
        clock.withLock { $0 = $0.addingTimeInterval(41) }
        #expect(try await jobs.settleAbandonedSubmissions() == 1)
        let settled = try #require(await store.job(id: job.id))
        #expect(settled.status == .failed)
        #expect(settled.error?.code == .submitOutcomeUnknown)
        #expect(settled.attempts.map(\.outcome) == [.unknown])
        #expect(ark.submits.isEmpty, "nothing is sent again")
    }

    @Test func pastDeadlineIsExpiredOnlyAfterAFreshReport() async throws {
        let clock = Mutex(Date())
        let jobs = JobService(
            store: store, providers: ProviderDirectory([.stub(ark)]), routing: RoutingPolicy(), now: { clock.withLock { $0 } }
        )
        let job = try await create(jobs, JobSpec(model: "seedance-1.5-pro", prompt: "x", expiresAfter: 3_600))
        let claimed = try #require(try await jobs.beginSubmission(job, to: "volcengine-ark"))
        let accepted = try await jobs.recordAccepted(claimed, by: "volcengine-ark", submission: Submission(taskID: "cgt-6"))
        clock.withLock { $0 = $0.addingTimeInterval(3_600 + JobService.deadlineGrace + 1) }
        let expired = try await jobs.apply(UpstreamSnapshot(taskID: "cgt-6", status: .mapped(.running), rawStatus: "running"), to: accepted)
        #expect(expired.status == .expired)
        #expect(expired.error?.code == JobErrorCode.expired)
    }

    /// A service whose backup provider retires every model on `day`, on a manual clock.
    func retiringService(day: String, clock: ManualClock, routes: [String: [RoutingPolicy.Entry]] = [:]) -> JobService {
        var retiring = ConfiguredProvider.stub(backup)
        retiring.manifest.models = retiring.manifest.models.map { offering in
            var offering = offering
            offering.retiredFrom = day
            return offering
        }
        return JobService(
            store: store, providers: ProviderDirectory([.stub(ark), retiring]),
            routing: RoutingPolicy(
                routes: routes, defaultRoute: [.init(provider: "byteplus-modelark"), .init(provider: "volcengine-ark")], allowRequestProvider: true),
            now: clock.now)
    }

    @Test func aRetiredOfferingIsSkippedByRoutingAndRefusedWhenNamed() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000)) // 2027-01-15
        let jobs = retiringService(day: "2027-01-01", clock: clock)
        #expect(try await create(jobs).route == ["volcengine-ark"], "routing skips the retired offering")
        let named = try await refusal("a job naming the retired provider was accepted") {
            try await create(jobs, JobSpec(model: "seedance-1.5-pro", prompt: "x", provider: "byteplus-modelark"))
        }
        guard let failure = named else { return }
        #expect(failure.field == "provider")
        #expect(failure.reason.contains("retired on byteplus-modelark since 2027-01-01"), "\(failure.reason)")
        #expect(failure.reason.contains("providers still serving it: volcengine-ark"), "\(failure.reason)")
    }

    @Test func aModelRetiredEverywhereOnItsRouteIsRefusedNamingTheModelsOffered() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let jobs = retiringService(day: "2027-01-01", clock: clock, routes: ["seedance-1.5-pro": [.init(provider: "byteplus-modelark")]])
        let refused = try await refusal("a job for a model retired on its whole route was accepted") { try await create(jobs) }
        guard let failure = refused else { return }
        #expect(failure.field == "model")
        #expect(failure.reason.contains("seedance-1.5-pro is retired on byteplus-modelark since 2027-01-01"), "\(failure.reason)")
        #expect(failure.reason.contains("models offered:"), "\(failure.reason)")
    }

    @Test func aProviderThatRetiresTheModelAfterRoutingIsPassedOverBeforeAnythingIsSent() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let jobs = retiringService(day: "2027-01-16", clock: clock)
        let job = try await create(jobs)
        #expect(job.route == ["byteplus-modelark", "volcengine-ark"])
        clock.advance(by: 2 * 86_400)
        let planned = try #require(try await jobs.dueSubmissions(limit: 10).first)
        #expect(planned.provider == "byteplus-modelark")
        _ = try await jobs.submit(planned)
        #expect(backup.submits.isEmpty, "nothing was sent to the provider that retired the model")
        let next = try #require(try await jobs.dueSubmissions(limit: 10).first)
        #expect(next.provider == "volcengine-ark")
        guard case .accepted(let accepted) = try await jobs.submit(next) else {
            Issue.record("not accepted")
            return
        }
        #expect(accepted.attempts.map(\.outcome) == [.rejected, .accepted])
    }
}
