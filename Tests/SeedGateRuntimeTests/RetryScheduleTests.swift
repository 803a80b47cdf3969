import Foundation
import Testing

@testable import SeedGateRuntime

@Suite struct RetryScheduleTests {
    /// A deterministic generator (SplitMix64) so jittered sequences are reproducible.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func nominalGrowsMonotonicallyUpToCap() {
        let schedule = RetrySchedule(jitter: .none)
        var generator = Seeded(state: 1)
        let delays = (1...20).map { schedule.delay(afterAttempt: $0, using: &generator) }
        #expect(Array(delays.prefix(5)) == [.seconds(5), .seconds(10), .seconds(20), .seconds(40), .seconds(80)])
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(delays[8] == .seconds(1_280))
        #expect(delays[9] == .seconds(2_560))
        #expect(delays[10...].allSatisfy { $0 == .seconds(3_600) })
        #expect(schedule.nominalDelay(afterAttempt: 0) == .seconds(5))
        #expect(schedule.nominalDelay(afterAttempt: -3) == .seconds(5))
        #expect(schedule.nominalDelay(afterAttempt: Int.max) == .seconds(3_600))
    }

    @Test func configurableBaseFactorAndCap() {
        let schedule = RetrySchedule(base: .milliseconds(500), factor: 3, cap: .seconds(10), jitter: .none)
        let delays = (1...5).map { schedule.nominalDelay(afterAttempt: $0) }
        #expect(delays == [.milliseconds(500), .milliseconds(1_500), .milliseconds(4_500), .seconds(10), .seconds(10)])
    }

    @Test func proportionalJitterStaysWithinTwentyPercent() {
        let schedule = RetrySchedule() // ±20 % by default
        var generator = Seeded(state: 42)
        for attempt in 1...15 {
            let nominal = schedule.nominalDelay(afterAttempt: attempt)
            var seen = Set<Duration>()
            for _ in 0..<200 {
                let delay = schedule.delay(afterAttempt: attempt, using: &generator)
                #expect(delay >= nominal * 0.8 - .milliseconds(1))
                #expect(delay <= min(nominal * 1.2 + .milliseconds(1), schedule.cap))
                seen.insert(delay)
            }
            #expect(seen.count > 10, "jitter should actually vary the delay")
        }
    }

    @Test func fullJitterStaysBetweenZeroAndNominal() {
        let schedule = RetrySchedule(jitter: .full)
        var generator = Seeded(state: 7)
        var below = 0
        for _ in 0..<1_000 {
            let delay = schedule.delay(afterAttempt: 4, using: &generator)
            #expect(delay >= .zero && delay <= .seconds(40))
            if delay < .seconds(20) { below += 1 }
        }
        #expect((350...650).contains(below), "full jitter should be roughly uniform")
    }

    @Test func seededSequencesAreReproducible() {
        let schedule = RetrySchedule()
        var first = Seeded(state: 99)
        var second = Seeded(state: 99)
        let a = (1...10).map { schedule.delay(afterAttempt: $0, using: &first) }
        let b = (1...10).map { schedule.delay(afterAttempt: $0, using: &second) }
        #expect(a == b)
    }

    @Test func windowExhaustion() {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let daily = RetrySchedule()
        #expect(!daily.isExhausted(firstAttemptAt: start, now: start))
        #expect(!daily.isExhausted(firstAttemptAt: start, now: start.addingTimeInterval(86_399)))
        #expect(daily.isExhausted(firstAttemptAt: start, now: start.addingTimeInterval(86_400)))
        let hourly = RetrySchedule(window: .seconds(3_600))
        #expect(!hourly.isExhausted(firstAttemptAt: start, now: start.addingTimeInterval(3_599.5)))
        #expect(hourly.isExhausted(firstAttemptAt: start, now: start.addingTimeInterval(3_600)))
    }

    @Test func nextAttemptStopsAtWindow() {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let schedule = RetrySchedule(jitter: .none, window: .seconds(60))
        var generator = Seeded(state: 3)
        var now = start
        var attempts = 1
        while let next = schedule.nextAttempt(afterAttempt: attempts, firstAttemptAt: start, now: now, using: &generator) {
            now = next
            attempts += 1
        }
        // 5 + 10 + 20 = 35 s; the next delay (40 s) would end at 75 s, past the 60 s window.
        #expect(attempts == 4)
        #expect(now == start.addingTimeInterval(35))
    }
}
