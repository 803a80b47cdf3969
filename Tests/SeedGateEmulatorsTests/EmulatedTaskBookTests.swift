import Foundation
import SeedGateCore
import SeedGateEmulators
import Testing

@Suite("Shared emulator pieces")
struct EmulatedTaskBookTests {
    private func plan(_ outcome: PlannedOutcome = .succeed, expiresAfter: Double? = nil, callback: String? = nil) -> EmulatedTaskPlan {
        EmulatedTaskPlan(
            model: "m", callbackURL: callback, fingerprint: "f", queueSeconds: 1, runSeconds: 2, expiresAfter: expiresAfter, outcome: outcome)
    }

    @Test("status follows the clock: queued, running, then the planned outcome")
    func statusFollowsClock() async {
        let clock = ManualClock()
        let book = EmulatedTaskBook<Int>(now: clock.now)
        let created = await book.create(plan(.fail(code: "X", message: "y")), spec: 7) { _ in "t1" }
        #expect(created.status == .queued)
        clock.advance(1)
        #expect(await book.peek("t1")?.status == .running)
        clock.advance(2)
        let failed = await book.peek("t1")
        #expect(failed?.status == .failed)
        #expect(failed?.failure?.code == "X")
        #expect(failed?.updatedAt == created.updatedAt.addingTimeInterval(3))
    }

    @Test("a deadline before the planned end expires the task at the deadline")
    func deadlineExpires() async {
        let book = EmulatedTaskBook<Int>(now: { Date(timeIntervalSince1970: 0) })
        let task = await book.create(plan(expiresAfter: 2), spec: 0) { _ in "t" }.task
        #expect(task.timeline.map(\.status) == [.queued, .running, .expired])
        #expect(task.timeline.last?.at == Date(timeIntervalSince1970: 2))
    }

    @Test("callback work hands out each change once, in order, and not while a delivery is in flight")
    func callbackWork() async {
        let clock = ManualClock()
        let book = EmulatedTaskBook<Int>(now: clock.now)
        _ = await book.create(plan(callback: "http://127.0.0.1/hook"), spec: 0) { _ in "t" }
        _ = await book.create(plan(), spec: 0) { _ in "silent" }
        let pushing: Set<JobStatus> = [.queued, .running, .succeeded]
        let first = await book.takeCallbackWork(pushing: pushing)
        #expect(first.map(\.taskID) == ["t"] && first.first?.events.map(\.status) == [.queued])
        clock.advance(5)
        #expect(await book.takeCallbackWork(pushing: pushing).isEmpty, "still in flight")
        await book.finishCallbackWork("t", delivered: 1, abandoned: 0)
        #expect(await book.takeCallbackWork(pushing: pushing).first?.events.map(\.status) == [.running, .succeeded])
        await book.finishCallbackWork("t", delivered: 2, abandoned: 0)
        #expect(await book.takeCallbackWork(pushing: pushing).isEmpty)
        #expect(await book.counters().callbacksDelivered == 3)
    }

    @Test("prompt markers parse into a provider-neutral plan")
    func markers() {
        #expect(FailureMarker.parse("a [[fail:moderation]] b [[slow:2.5]] [[nope]]") == [.failModeration, .slow(seconds: 2.5)])
        let plan = FailurePlan(texts: ["[[reject:ratelimit]] [[reject:500]] [[expire]]"])
        #expect(plan == FailurePlan(rejection: .rateLimit, ending: .expire, runSeconds: nil))
        #expect(FailurePlan(texts: ["plain"]) == FailurePlan())
        #expect(FailureMarker.parse("[[slow:-1]] [[slow:x]]").isEmpty)
    }
}
