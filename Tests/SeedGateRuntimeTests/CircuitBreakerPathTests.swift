import Foundation
import SeedGateCore
import SeedGateTesting
import Testing

@testable import SeedGateRuntime

/// Every way a half-open circuit's trial can end, through the engine on a manual clock: each gives the slot back or
/// gives a verdict, so the provider always recovers without waiting for some other call to succeed.
@Suite("Circuit breaker paths")
struct CircuitBreakerPathTests {
    let gateway = TestGateway(providerIDs: ["volcengine-ark"])
    var ark: StubAdapter { gateway.adapter("volcengine-ark") }
    let provider: ProviderID = "volcengine-ark"

    /// An engine whose create circuit for Ark is open and whose cool-down has just ended (half-open).
    func halfOpenEngine() -> (JobService, CircuitBreakers) {
        let breakers = CircuitBreakers(threshold: 1, coolDown: .seconds(30), now: gateway.clock.now)
        breakers.recordFailure(provider, .create)
        gateway.clock.advance(by: 31)
        return (gateway.engine(breakers: breakers), breakers)
    }

    func create(_ jobs: JobService, model: String = "seedance-1.5-pro") async throws -> Job {
        try await jobs.create(CreateJob(spec: JobSpec(model: model, prompt: "a cat")), tenant: "t1").job
    }

    @Test("a successful trial closes the circuit; only one job goes out as the trial")
    func successfulTrialCloses() async throws {
        let (jobs, breakers) = halfOpenEngine()
        for _ in 0..<3 { _ = try await create(jobs) }
        let planned = try await jobs.dueSubmissions(limit: 64)
        #expect(planned.map(\.permit) == [.trial], "one trial, the others wait for it")
        _ = try await jobs.submit(planned[0])
        #expect(breakers.state(provider, .create) == .closed)
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 2)
    }

    @Test("a trial job that is not admitted gives the slot back")
    func notAdmittedReleases() async throws {
        let (jobs, breakers) = halfOpenEngine()
        let admission = AdmissionControl()
        let engine = gateway.engine(admission: admission, breakers: breakers)
        // Spend the model's whole rate budget so admission refuses the trial job.
        let key = ProviderModel(provider: provider, model: "seedance-1.5-pro")
        while admission.admit(key, limits: Limits(rpm: 600, concurrency: nil), inFlight: 0) {}
        _ = try await create(jobs)
        #expect(try await engine.dueSubmissions(limit: 64).isEmpty)
        #expect(breakers.permit(provider, .create) == .trial, "the slot was handed back, not kept")
    }

    @Test("a trial job that lost its claim gives the slot back")
    func lostClaimReleases() async throws {
        let (jobs, breakers) = halfOpenEngine()
        let job = try await create(jobs)
        let planned = try await jobs.dueSubmissions(limit: 64)
        #expect(planned.first?.permit == .trial)
        _ = try await jobs.cancel(id: job.id.rawValue, tenant: nil)
        #expect(try await jobs.submit(planned[0]) == .notClaimed)
        #expect(ark.submits.isEmpty)
        #expect(breakers.permit(provider, .create) == .trial)
    }

    @Test("a trial that fails for a reason other than an outage gives the slot back, and the next job is the trial")
    func nonTransientFailureReleases() async throws {
        let (jobs, breakers) = halfOpenEngine()
        let refused = try await create(jobs)
        ark.willSubmit(.failure(ProviderError(.invalidRequest, httpStatus: 400, providerCode: "InvalidParameter")))
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 1)
        #expect(try await gateway.store.job(id: refused.id)?.status == .failed)
        #expect(breakers.state(provider, .create) == .halfOpen)
        let next = try await create(jobs)
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 1, "no wait for a poll to succeed")
        #expect(try await gateway.store.job(id: next.id)?.submission == .accepted)
        #expect(breakers.state(provider, .create) == .closed)
    }

    @Test("a trial that fails transiently reopens the circuit for another cool-down")
    func transientFailureReopens() async throws {
        let (jobs, breakers) = halfOpenEngine()
        let job = try await create(jobs)
        ark.willSubmit(.failure(ProviderError(.unavailable, httpStatus: 503, requestSent: false)))
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 1)
        #expect(breakers.state(provider, .create) == .open)
        gateway.clock.advance(by: 10)
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 0)
        gateway.clock.advance(by: 21)
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 1)
        #expect(try await gateway.store.job(id: job.id)?.submission == .accepted)
    }

    @Test("a trial for a model the provider no longer serves gives the slot back")
    func unroutableReleases() async throws {
        let (jobs, breakers) = halfOpenEngine()
        let job = try await create(jobs)
        let planned = PlannedSubmission(job: job, provider: "not-configured", permit: .trial)
        breakers.recordFailure("not-configured", .create)
        gateway.clock.advance(by: 31)
        #expect(breakers.permit("not-configured", .create) == .trial)
        #expect(try await jobs.submit(planned) == .unroutable)
        #expect(breakers.permit("not-configured", .create) == .trial)
    }

    @Test("successful polls never close a create circuit that failing creates opened")
    func pollsDoNotHideFailingCreates() async throws {
        let breakers = CircuitBreakers(threshold: 2, coolDown: .seconds(30), now: gateway.clock.now)
        let jobs = gateway.engine(breakers: breakers)
        let dispatcher = DispatcherService(jobs: jobs)
        let poller = PollerService(jobs: jobs)
        let running = try await create(jobs)
        _ = try await dispatcher.dispatchDueJobs()
        ark.willReport("task-1", .found(UpstreamSnapshot(taskID: "task-1", status: .mapped(.running), rawStatus: "running")))
        for _ in 0..<2 {
            _ = try await create(jobs)
            ark.willSubmit(.failure(ProviderError(.unavailable, httpStatus: 503, requestSent: false)))
            _ = try await dispatcher.dispatchDueJobs()
        }
        #expect(breakers.state(provider, .create) == .open)
        gateway.clock.advance(by: 2.5)
        #expect(try await poller.checkDueJobs() == 1)
        #expect(try await gateway.store.job(id: running.id)?.status == .running)
        #expect(breakers.state(provider, .create) == .open, "the read succeeded; creates are still failing")
        #expect(breakers.state(provider, .read) == .closed)
    }

    @Test("an open read circuit defers checks to its cool-down; a successful trial read closes it")
    func readCircuitDefersThenRecovers() async throws {
        let breakers = CircuitBreakers(threshold: 1, coolDown: .seconds(30), now: gateway.clock.now)
        let jobs = gateway.engine(breakers: breakers)
        let poller = PollerService(jobs: jobs)
        for _ in 0..<2 { _ = try await create(jobs) }
        _ = try await DispatcherService(jobs: jobs).dispatchDueJobs()
        for task in ["task-1", "task-2"] {
            ark.willReport(task, .found(UpstreamSnapshot(taskID: task, status: .mapped(.running), rawStatus: "running")))
        }
        gateway.clock.advance(by: 2.5)
        ark.failFetches(ProviderError(.unavailable, httpStatus: 503))
        _ = try await poller.checkDueJobs()
        #expect(breakers.state(provider, .read) == .open, "a whole batch failed")
        let calls = ark.fetches.count
        gateway.clock.advance(by: 10)
        _ = try await poller.checkDueJobs()
        #expect(ark.fetches.count == calls, "no status call while the read circuit is open")
        gateway.clock.advance(by: 25)
        _ = try await poller.checkDueJobs()
        #expect(ark.fetches.count == calls + 1, "one trial call after the cool-down")
        #expect(breakers.state(provider, .read) == .closed)
    }
}
