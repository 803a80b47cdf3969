import Foundation
import SeedGateCore
import SeedGateTesting
import Testing

@testable import SeedGateRuntime

/// Jobs queue in lanes (next provider × model) and each lane is dispatched on its own: a saturated lane never keeps
/// another lane's job waiting, and `queue_position` counts only the job's own lane.
@Suite("Dispatch per lane")
struct LaneDispatchTests {
    let gateway = TestGateway()
    var ark: StubAdapter { gateway.adapter("volcengine-ark") }

    func create(_ jobs: JobService, model: String) async throws -> Job {
        try await jobs.create(CreateJob(spec: JobSpec(model: model, prompt: "a cat")), tenant: "t1").job
    }

    @Test("500 jobs of a lane at its concurrency limit leave another lane's job dispatched in the first round")
    func aSaturatedLaneNeverHoldsUpAnother() async throws {
        let jobs = gateway.engine()
        let dispatcher = DispatcherService(jobs: jobs)
        // The test manifest allows 10 tasks in flight per model: the first round fills the lane.
        for _ in 0..<500 { _ = try await create(jobs, model: "seedance-1.5-pro") }
        #expect(try await dispatcher.dispatchDueJobs() == 10)
        #expect(try await dispatcher.dispatchDueJobs() == 0, "the lane is full: nothing else of it goes out")
        gateway.clock.advance(by: 0.01) // ids order by creation time (within one millisecond, at random)
        let other = try await create(jobs, model: "seedance-1.0-pro")
        let behind = try await create(jobs, model: "seedance-1.5-pro")
        #expect(try await jobs.queuePosition(of: other) == 0, "first in its own lane, behind 490 jobs of another")
        #expect(try await jobs.queuePosition(of: behind) == 490)
        #expect(try await dispatcher.dispatchDueJobs() == 1)
        let dispatched = try #require(try await gateway.store.job(id: other.id))
        #expect(dispatched.submission == .accepted)
        #expect(ark.submits.last?.spec.model == "seedance-1.0-pro")
        #expect(ark.submits.count == 11)
    }

    @Test("a lane whose provider's create circuit is open is still read, so its jobs fail over to the next provider")
    func anOpenLaneFailsOver() async throws {
        let breakers = CircuitBreakers(threshold: 1, coolDown: .seconds(3600), now: gateway.clock.now)
        let jobs = gateway.engine(breakers: breakers)
        let dispatcher = DispatcherService(jobs: jobs)
        for _ in 0..<12 { _ = try await create(jobs, model: "seedance-1.5-pro") }
        #expect(try await dispatcher.dispatchDueJobs() == 10)
        breakers.recordFailure("volcengine-ark", .create)
        #expect(try await dispatcher.dispatchDueJobs() == 2, "the two left go to the route's second provider")
        #expect(gateway.adapter("byteplus-modelark").submits.count == 2)
    }
}
