import Foundation
import Testing

@testable import SeedGateCore

@Suite struct AdmissionTests {
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
}
