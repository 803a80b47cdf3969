import Foundation
import SeedGateCore
import SeedGateTesting
import Testing

@testable import SeedGateRuntime

/// Creates whose answer was lost, at a provider that calls back: the job waits `unconfirmed` (never resent), adopts
/// the task its callback names once a status read confirms it, and fails `submit_outcome_unknown` only when the
/// window ends with no callback.
@Suite("Unconfirmed creates")
struct UnconfirmedCreateTests {
    let gateway = TestGateway(providerIDs: ["volcengine-ark"])
    var ark: StubAdapter { gateway.adapter("volcengine-ark") }

    func engine(window: TimeInterval = 600) -> JobService {
        gateway.engine(callbackBase: "http://127.0.0.1:8080", unconfirmedWindow: window)
    }

    /// A job whose create was sent and whose answer was lost.
    func lostCreate(_ jobs: JobService) async throws -> Job {
        let job = try await jobs.create(CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "a cat")), tenant: "t1").job
        ark.willSubmit(.failure(ProviderError(.timeout, providerMessage: "no answer in 30 s", requestSent: true)))
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 1)
        return try #require(try await gateway.store.job(id: job.id))
    }

    func callback(_ taskID: String, _ status: String = "running") -> Data {
        Data(#"{"id": "\#(taskID)", "status": "\#(status)"}"#.utf8)
    }

    @Test("the callback names the task: it is verified with a status read and adopted, nothing is resent")
    func aCallbackAdoptsTheTask() async throws {
        let jobs = engine()
        let waiting = try await lostCreate(jobs)
        #expect(waiting.status == .queued)
        #expect(waiting.submission == .unconfirmed)
        #expect(waiting.unconfirmedUntil == gateway.clock.date.addingTimeInterval(600))
        #expect(waiting.attempts.map(\.outcome) == [.unknown])
        #expect(try await jobs.queuePosition(of: waiting) == nil)
        gateway.clock.advance(by: 120)
        #expect(try await DispatcherService(jobs: jobs).dispatchDueJobs() == 0, "never resubmitted")

        ark.willReport("cgt-9", .found(UpstreamSnapshot(taskID: "cgt-9", status: .mapped(.running), rawStatus: "running")))
        try await jobs.receiveCallback(provider: "volcengine-ark", token: try #require(waiting.callbackToken), body: callback("cgt-9"))
        let adopted = try #require(try await gateway.store.job(id: waiting.id))
        #expect(adopted.submission == .accepted)
        #expect(adopted.upstream?.taskID == "cgt-9")
        #expect(adopted.status == .running)
        #expect(adopted.unconfirmedUntil == nil)
        #expect(adopted.attempts.map(\.outcome) == [.unknown, .accepted])
        #expect(ark.fetches == [["cgt-9"]], "the callback was verified before anything changed")
        #expect(ark.submits.count == 1)

        ark.willReport(
            "cgt-9",
            .found(
                UpstreamSnapshot(
                    taskID: "cgt-9", status: .mapped(.succeeded), rawStatus: "succeeded",
                    output: JobOutput(videoURL: "https://cdn.example/cgt-9.mp4"))))
        gateway.clock.advance(by: 3)
        #expect(try await PollerService(jobs: jobs).checkDueJobs() == 1, "followed like any accepted job")
        #expect(try await gateway.store.job(id: waiting.id)?.status == .succeeded)
    }

    @Test("no callback within the window: the job fails submit_outcome_unknown, and a late callback changes nothing")
    func theWindowEnds() async throws {
        let jobs = engine(window: 300)
        let waiting = try await lostCreate(jobs)
        gateway.clock.advance(by: 299)
        #expect(try await jobs.settleUnconfirmed() == 0)
        gateway.clock.advance(by: 2)
        #expect(try await jobs.settleUnconfirmed() == 1)
        let failed = try #require(try await gateway.store.job(id: waiting.id))
        #expect(failed.status == .failed)
        #expect(failed.error?.code == .submitOutcomeUnknown)
        #expect(failed.error?.message.contains("no callback or task list named a task within 300 s") == true)
        ark.willReport("cgt-late", .found(UpstreamSnapshot(taskID: "cgt-late", status: .mapped(.running), rawStatus: "running")))
        try await jobs.receiveCallback(provider: "volcengine-ark", token: try #require(waiting.callbackToken), body: callback("cgt-late"))
        #expect(try await gateway.store.job(id: waiting.id) == failed)
        #expect(ark.submits.count == 1)
    }

    @Test("a callback naming a task the provider does not know, or an unreadable one, leaves the job waiting")
    func unverifiedCallbacksAreIgnored() async throws {
        let jobs = engine()
        let waiting = try await lostCreate(jobs)
        let token = try #require(waiting.callbackToken)
        try await jobs.receiveCallback(provider: "volcengine-ark", token: token, body: callback("cgt-forged"))
        try await jobs.receiveCallback(provider: "volcengine-ark", token: token, body: Data("not json".utf8))
        let still = try #require(try await gateway.store.job(id: waiting.id))
        #expect(still.submission == .unconfirmed)
        #expect(still.upstream == nil)
        #expect(ark.fetches == [["cgt-forged"]])
    }

    @Test("a cancel is refused while the task may exist unseen")
    func cancelIsRefused() async throws {
        let jobs = engine()
        let waiting = try await lostCreate(jobs)
        await #expect {
            _ = try await jobs.cancel(id: waiting.id.rawValue, tenant: nil)
        } throws: { error in
            guard case JobServiceError.conflict(let refusal) = error else { return false }
            return refusal.reason == .submissionUnconfirmed
        }
    }

    @Test("a create in flight when its process died waits unconfirmed too")
    func anAbandonedCreateWaits() async throws {
        let jobs = engine()
        let job = try await jobs.create(CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "a cat")), tenant: "t1").job
        _ = try #require(try await jobs.beginSubmission(job, to: "volcengine-ark", callbackToken: JobService.newCallbackToken()))
        gateway.clock.advance(by: 3600)
        #expect(try await jobs.settleAbandonedSubmissions() == 1)
        #expect(try await gateway.store.job(id: job.id)?.submission == .unconfirmed)
    }

    @Test("a callback that outruns the create's answer (or outlives the process that sent it) adopts the task")
    func aCallbackDuringTheCreateAdoptsTheTask() async throws {
        let jobs = engine()
        let job = try await jobs.create(CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "a cat")), tenant: "t1").job
        let token = JobService.newCallbackToken()
        let submitting = try #require(try await jobs.beginSubmission(job, to: "volcengine-ark", callbackToken: token))
        ark.willReport("cgt-7", .found(UpstreamSnapshot(taskID: "cgt-7", status: .mapped(.queued), rawStatus: "queued")))
        try await jobs.receiveCallback(provider: "volcengine-ark", token: token, body: callback("cgt-7", "queued"))
        let adopted = try #require(try await gateway.store.job(id: job.id))
        #expect(adopted.submission == .accepted)
        #expect(adopted.upstream?.taskID == "cgt-7")
        #expect(ark.fetches == [["cgt-7"]], "verified with a status read first")

        // The create's answer then names the same task: nothing changes, no second attempt is recorded.
        let answered = try await jobs.recordAccepted(submitting, by: "volcengine-ark", submission: Submission(taskID: "cgt-7"))
        #expect(answered.version == adopted.version)
        #expect(answered.attempts.map(\.outcome) == [.accepted])

        // A dead process's create: the job is adopted the same way, and never settled as abandoned afterwards.
        let other = try await jobs.create(CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "a dog")), tenant: "t1").job
        let otherToken = JobService.newCallbackToken()
        _ = try #require(try await jobs.beginSubmission(other, to: "volcengine-ark", callbackToken: otherToken))
        ark.willReport("cgt-8", .found(UpstreamSnapshot(taskID: "cgt-8", status: .mapped(.running), rawStatus: "running")))
        try await jobs.receiveCallback(provider: "volcengine-ark", token: otherToken, body: callback("cgt-8"))
        gateway.clock.advance(by: 3600)
        #expect(try await jobs.settleAbandonedSubmissions() == 0)
        let followed = try #require(try await gateway.store.job(id: other.id))
        #expect(followed.upstream?.taskID == "cgt-8")
        #expect(followed.status == .running)
    }

    @Test("without a callback URL the job fails at once, as before")
    func withoutCallbacksItFailsAtOnce() async throws {
        let jobs = gateway.engine(unconfirmedWindow: 600)
        let failed = try await lostCreate(jobs)
        #expect(failed.status == .failed)
        #expect(failed.error?.code == .submitOutcomeUnknown)
    }
}

/// The search in providers' recent-task lists (Chanjing's), where no callback comes: only an unambiguous match is
/// adopted.
@Suite("Lost creates found in a task list")
struct ListedTaskAdoptionTests {
    let gateway = TestGateway(providerIDs: ["chanjing"])
    var chanjing: StubAdapter { gateway.adapter("chanjing") }
    let upstream = "doubao-seedance-1-5-pro-251215"

    func lostCreate(_ jobs: JobService, prompt: String) async throws -> Job {
        let job = try await jobs.create(CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: prompt)), tenant: "t1").job
        chanjing.willSubmit(.failure(ProviderError(.connection, providerMessage: "connection reset", requestSent: true)))
        _ = try await DispatcherService(jobs: jobs).dispatchDueJobs()
        return try #require(try await gateway.store.job(id: job.id))
    }

    func task(_ id: String, prompt: String, model: String? = nil, at offset: TimeInterval = 0) -> RecentTask {
        RecentTask(
            taskID: id, createdAt: gateway.clock.date.addingTimeInterval(offset), upstreamModel: model ?? upstream, prompt: prompt,
            snapshot: UpstreamSnapshot(taskID: id, status: .mapped(.running), rawStatus: "Generating"))
    }

    @Test("the one listed task with the job's prompt, model and time is adopted")
    func anUnambiguousTaskIsAdopted() async throws {
        chanjing.willList([])
        let jobs = gateway.engine(unconfirmedWindow: 600)
        let waiting = try await lostCreate(jobs, prompt: "a red kite")
        #expect(waiting.submission == .unconfirmed, "no callback URL, but the provider lists its tasks")
        chanjing.willList([
            task("t-other", prompt: "a blue kite"), task("t-model", prompt: "a red kite", model: "another-model"),
            task("t-old", prompt: "a red kite", at: -3600), task("t-mine", prompt: "a red kite", at: -1),
        ])
        #expect(try await jobs.adoptListedTasks([waiting]) == 1)
        let adopted = try #require(try await gateway.store.job(id: waiting.id))
        #expect(adopted.upstream?.taskID == "t-mine")
        #expect(adopted.status == .running)
        #expect(adopted.attempts.map(\.outcome) == [.unknown, .accepted])
        #expect(chanjing.submits.count == 1)
    }

    @Test("two waiting jobs with the same prompt, or two matching tasks, adopt nothing; a tracked task is never taken")
    func ambiguityAdoptsNothing() async throws {
        chanjing.willList([])
        let jobs = gateway.engine(unconfirmedWindow: 600)
        let first = try await lostCreate(jobs, prompt: "same prompt")
        let second = try await lostCreate(jobs, prompt: "same prompt")
        chanjing.willList([task("t-1", prompt: "same prompt")])
        #expect(try await jobs.adoptListedTasks([first, second]) == 0, "which job made it cannot be told")
        let third = try await lostCreate(jobs, prompt: "twice listed")
        chanjing.willList([task("t-2", prompt: "twice listed"), task("t-3", prompt: "twice listed")])
        #expect(try await jobs.adoptListedTasks([third]) == 0, "nor which task is the job's")
        // A task another job already tracks is no candidate.
        let tracked = try await jobs.create(CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "tracked")), tenant: "t1").job
        chanjing.willSubmit(.success(Submission(taskID: "t-tracked")))
        _ = try await DispatcherService(jobs: jobs).dispatchDueJobs()
        #expect(try await gateway.store.job(id: tracked.id)?.upstream?.taskID == "t-tracked")
        let fourth = try await lostCreate(jobs, prompt: "tracked")
        chanjing.willList([task("t-tracked", prompt: "tracked")])
        #expect(try await jobs.adoptListedTasks([fourth]) == 0)
        for job in [first, second, third, fourth] { #expect(try await gateway.store.job(id: job.id)?.submission == .unconfirmed) }
    }

    @Test("the dispatcher's sweep lists within a per-provider budget, then fails what the window ended")
    func theSweepListsThenExpires() async throws {
        chanjing.willList([])
        let jobs = gateway.engine(unconfirmedWindow: 60)
        let waiting = try await lostCreate(jobs, prompt: "never made")
        for _ in 0..<10 { _ = try await jobs.settleUnconfirmed() }
        #expect(chanjing.listings <= JobService.recentTaskListingsPerMinute, "listings are budgeted, not one per round")
        gateway.clock.advance(by: 61)
        #expect(try await jobs.settleUnconfirmed() == 1)
        #expect(try await gateway.store.job(id: waiting.id)?.error?.code == .submitOutcomeUnknown)
    }
}
