import Foundation
import SeedGateTesting
import Testing

@testable import SeedGateCore

/// The circuit breakers alone, on a manual clock: opening, cool-down, the one trial and every way it is settled.
@Suite struct CircuitBreakerTests {
    let clock = ManualClock()
    let ark: ProviderID = "volcengine-ark"

    func breakers(threshold: Int = 3, coolDown: Duration = .seconds(30), trialTimeout: Duration = .seconds(300)) -> CircuitBreakers {
        CircuitBreakers(threshold: threshold, coolDown: coolDown, trialTimeout: trialTimeout, now: clock.now)
    }

    @Test func aProviderThatKeepsFailingIsSkippedForACoolDownThenTriedOnce() {
        let breakers = breakers()
        for _ in 0..<2 { breakers.recordFailure(ark, .create) }
        #expect(breakers.permit(ark, .create) == .closed, "below the threshold the circuit stays closed")
        breakers.recordFailure(ark, .create)
        #expect(breakers.state(ark, .create) == .open)
        clock.advance(by: 29)
        #expect(breakers.permit(ark, .create) == nil)
        clock.advance(by: 2)
        #expect(breakers.state(ark, .create) == .halfOpen)
        #expect(breakers.permit(ark, .create) == .trial, "one trial after the cool-down")
        #expect(breakers.permit(ark, .create) == nil, "only one")
        breakers.settle(ark, .create, .trial, .failure)
        clock.advance(by: 10)
        #expect(breakers.permit(ark, .create) == nil, "a failed trial opens the circuit again")
        clock.advance(by: 21)
        let trial = breakers.permit(ark, .create)
        #expect(trial == .trial)
        breakers.settle(ark, .create, .trial, .success)
        #expect(breakers.state(ark, .create) == .closed)
        #expect(breakers.permit(ark, .create) == .closed)
        #expect(breakers.permit("acedata", .create) == .closed, "other providers are unaffected")
    }

    /// The trial slot goes back whenever the trial brings no verdict: the next caller takes it at once.
    @Test func aReleasedTrialIsFreeForTheNextCallerAtOnce() {
        let breakers = breakers(threshold: 1)
        breakers.recordFailure(ark, .create)
        clock.advance(by: 31)
        #expect(breakers.permit(ark, .create) == .trial)
        breakers.settle(ark, .create, .trial, .released)
        #expect(breakers.state(ark, .create) == .halfOpen, "a release is no verdict: still half-open")
        #expect(breakers.permit(ark, .create) == .trial, "the slot is free again, without another cool-down")
    }

    /// A trial whose caller never settles it (its task died) does not block the circuit for ever.
    @Test func aTrialNeverSettledIsGivenUpAfterItsTimeout() {
        let breakers = breakers(threshold: 1, trialTimeout: .seconds(120))
        breakers.recordFailure(ark, .create)
        clock.advance(by: 31)
        #expect(breakers.permit(ark, .create) == .trial)
        clock.advance(by: 119)
        #expect(breakers.permit(ark, .create) == nil, "the trial is still out")
        clock.advance(by: 2)
        #expect(breakers.permit(ark, .create) == .trial, "a lost trial is given up")
    }

    /// Creates and reads have circuits of their own: successful polls never close a create circuit that failing
    /// creates opened, and failing reads never stop creates.
    @Test func createsAndReadsHaveTheirOwnHealth() {
        let breakers = breakers(threshold: 2)
        breakers.recordFailure(ark, .create)
        breakers.recordFailure(ark, .create)
        breakers.recordSuccess(ark, .read)
        #expect(breakers.state(ark, .create) == .open, "a read success says nothing about creates")
        #expect(breakers.permit(ark, .read) == .closed)
        breakers.recordFailure(ark, .read)
        breakers.recordFailure(ark, .read)
        #expect(breakers.state(ark, .read) == .open)
        clock.advance(by: 31)
        #expect(breakers.permit(ark, .create) == .trial)
        breakers.settle(ark, .create, .trial, .success)
        #expect(breakers.state(ark, .create) == .closed)
        #expect(breakers.state(ark, .read) == .halfOpen, "and a create success says nothing about reads")
        #expect(breakers.reopensAt(ark, .read) == clock.date.addingTimeInterval(-1))
    }

    /// Settling a closed permit only records the verdict: a failure counts, a release changes nothing.
    @Test func closedPermitsCountFailuresAndIgnoreReleases() {
        let breakers = breakers(threshold: 2)
        breakers.settle(ark, .create, .closed, .failure)
        breakers.settle(ark, .create, .closed, .released)
        #expect(breakers.state(ark, .create) == .closed)
        breakers.settle(ark, .create, .closed, .failure)
        #expect(breakers.state(ark, .create) == .open, "two consecutive failures, the release in between did not reset them")
    }

    @Test func aHeldModelGetsNoCreateUntilItsHoldEndsWhateverReadsSay() {
        let breakers = breakers()
        breakers.hold(ark, model: "seedance-1.5-pro", for: .seconds(900))
        clock.advance(by: 1)
        #expect(breakers.permit(ark, .create, model: "seedance-1.5-pro") == nil)
        breakers.recordSuccess(ark, .read)
        breakers.recordSuccess(ark, .create)
        clock.advance(by: 897)
        #expect(breakers.permit(ark, .create, model: "seedance-1.5-pro") == nil, "no success lifts it")
        #expect(breakers.permit(ark, .create, model: "seedance-1.0-pro") == .closed, "other models are unaffected")
        #expect(breakers.permit(ark, .read, model: "seedance-1.5-pro") == .closed, "reads of its tasks go on")
        breakers.hold(ark, model: "seedance-1.5-pro", for: .seconds(1))
        clock.advance(by: 1.5)
        #expect(breakers.permit(ark, .create, model: "seedance-1.5-pro") == nil, "a shorter hold never shortens one")
        clock.advance(by: 1)
        #expect(breakers.permit(ark, .create, model: "seedance-1.5-pro") == .closed)
    }
}
