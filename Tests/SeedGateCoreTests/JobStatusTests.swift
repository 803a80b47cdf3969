import Testing

@testable import SeedGateCore

@Suite struct JobStatusTests {
    @Test func legalTransitions() {
        #expect(JobStatus.queued.canTransition(to: .running))
        for terminal in [JobStatus.succeeded, .failed, .cancelled, .expired] {
            #expect(JobStatus.queued.canTransition(to: terminal))
            #expect(JobStatus.running.canTransition(to: terminal))
            #expect(terminal.isTerminal)
        }
    }

    @Test(arguments: [JobStatus.succeeded, .failed, .cancelled, .expired])
    func terminalStatesAreFinal(_ terminal: JobStatus) {
        for next in JobStatus.allCases { #expect(!terminal.canTransition(to: next)) }
    }

    @Test func noGoingBackOrStandingStill() {
        #expect(!JobStatus.running.canTransition(to: .queued))
        #expect(!JobStatus.queued.canTransition(to: .queued))
        #expect(!JobStatus.running.canTransition(to: .running))
    }

    @Test func transitionStampsTimes() {
        var job = Job(
            id: .generate(), tenant: "t", spec: JobSpec(model: "m", prompt: "p"), route: ["a"], metadata: [:],
            callbackURL: nil, idempotencyKey: nil, createdAt: .init(timeIntervalSince1970: 0))
        let started = job.transition(to: .running, at: .init(timeIntervalSince1970: 5))
        #expect(started)
        #expect(job.startedAt == .init(timeIntervalSince1970: 5))
        let finished = job.transition(to: .succeeded, at: .init(timeIntervalSince1970: 9))
        #expect(finished)
        #expect(job.finishedAt == .init(timeIntervalSince1970: 9))
        let reopened = job.transition(to: .failed, at: .init(timeIntervalSince1970: 10))
        #expect(!reopened)
        #expect(job.status == .succeeded)
    }

    @Test func jobIDsSortByCreationAndParse() {
        let early = JobID.generate(at: .init(timeIntervalSince1970: 1_000))
        let late = JobID.generate(at: .init(timeIntervalSince1970: 2_000))
        #expect(early < late)
        #expect(JobID(early.rawValue) == early)
        #expect(JobID("job_short") == nil)
        #expect(JobID("cgt-20250331175019-68d9t") == nil)
    }
}
