import Foundation
import Testing

@testable import SeedGateCore

@Suite struct AdmissionAndCircuitTests {
    let key = ProviderModel(provider: "volcengine-ark", model: "seedance-1.5-pro")

    @Test func concurrencyLimitHoldsJobsBack() {
        let admission = AdmissionControl()
        let limits = Limits(rpm: nil, concurrency: 2)
        #expect(admission.admit(key, limits: limits, inFlight: 0))
        #expect(admission.admit(key, limits: limits, inFlight: 1))
        #expect(!admission.admit(key, limits: limits, inFlight: 2))
    }

    @Test func rpmIsATokenBucketPerProviderAndModel() {
        let admission = AdmissionControl()
        let limits = Limits(rpm: 3, concurrency: nil)
        let admitted = (0..<10).filter { _ in admission.admit(key, limits: limits, inFlight: 0) }.count
        #expect(admitted == 3, "a minute's worth of burst, then nothing until tokens refill")
        let other = ProviderModel(provider: "volcengine-ark", model: "seedance-1.0-pro")
        #expect(admission.admit(other, limits: limits, inFlight: 0), "another model has its own bucket")
    }

    /// A resolution with limits of its own (Seedance 2.0 at 4k) is a second lane: a job goes out only when both allow
    /// it, and a refusal by one takes no token from the other.
    @Test func aResolutionLaneAndItsModelLaneMustBothAllow() {
        let admission = AdmissionControl()
        let model = Limits(rpm: 5, concurrency: 10)
        let fourK = AdmissionControl.resolutionKey(key, resolution: "4k")
        let lanes = { (inFlight4k: Int) in
            [(key: key, limits: model, inFlight: 0), (key: fourK, limits: Limits(rpm: 1, concurrency: 1), inFlight: inFlight4k)]
        }
        #expect(!admission.admit(lanes(1)), "4k concurrency 1 is used")
        #expect(admission.admit(lanes(0)))
        #expect(!admission.admit(lanes(0)), "4k's one token a minute is spent")
        let plain = (0..<10).filter { _ in admission.admit(key, limits: model, inFlight: 0) }.count
        #expect(plain == 4, "the refused 4k attempts took no token of the model's five")
    }

    @Test func tokenBucketRefillsOverTime() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(perMinute: 60, now: start)
        let burst = (0..<61).filter { _ in bucket.take(now: start) }.count
        #expect(burst == 60, "a minute's worth at once, no more")
        let afterOneSecond = bucket.take(now: start + .seconds(1))
        let again = bucket.take(now: start + .seconds(1))
        #expect(afterOneSecond, "60 a minute is one a second")
        #expect(!again)
    }

    @Test func aProviderThatKeepsFailingIsSkippedForACoolDownThenTriedOnce() {
        let breakers = CircuitBreakers(threshold: 3, coolDown: .seconds(30))
        let provider: ProviderID = "modelverse"
        let start = ContinuousClock.now
        for _ in 0..<2 { breakers.recordFailure(provider, now: start) }
        #expect(breakers.allows(provider, now: start), "below the threshold the circuit stays closed")
        breakers.recordFailure(provider, now: start)
        #expect(breakers.state(provider, now: start) == .open)
        #expect(!breakers.allows(provider, now: start + .seconds(29)))
        #expect(breakers.state(provider, now: start + .seconds(31)) == .halfOpen)
        #expect(breakers.allows(provider, now: start + .seconds(31)), "one trial after the cool-down")
        #expect(!breakers.allows(provider, now: start + .seconds(31)), "only one")
        breakers.recordFailure(provider, now: start + .seconds(32))
        #expect(!breakers.allows(provider, now: start + .seconds(40)), "a failed trial opens the circuit again")
        #expect(breakers.allows(provider, now: start + .seconds(63)))
        breakers.recordSuccess(provider)
        #expect(breakers.state(provider) == .closed)
        #expect(breakers.allows("acedata"), "other providers are unaffected")
    }

    @Test func aHeldModelGetsNoCreateUntilItsHoldEndsWhateverReadsSay() {
        let breakers = CircuitBreakers()
        let start = ContinuousClock.now
        breakers.hold("volcengine-ark", model: "seedance-1.5-pro", for: .seconds(900), now: start)
        #expect(!breakers.allows("volcengine-ark", model: "seedance-1.5-pro", now: start + .seconds(1)))
        breakers.recordSuccess("volcengine-ark")
        #expect(!breakers.allows("volcengine-ark", model: "seedance-1.5-pro", now: start + .seconds(899)), "a successful read does not lift it")
        #expect(breakers.allows("volcengine-ark", model: "seedance-1.0-pro", now: start + .seconds(1)), "other models are unaffected")
        breakers.hold("volcengine-ark", model: "seedance-1.5-pro", for: .seconds(10), now: start + .seconds(2))
        #expect(!breakers.allows("volcengine-ark", model: "seedance-1.5-pro", now: start + .seconds(800)), "a shorter hold never shortens one")
        #expect(breakers.allows("volcengine-ark", model: "seedance-1.5-pro", now: start + .seconds(901)))
    }
}
