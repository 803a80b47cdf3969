import Foundation
import SeedGateCore
import SeedGateTesting
import Synchronization
import Testing

@testable import SeedGateRuntime

/// The webhook service driven round by round on a manual clock, with a poster standing in for the network: what it
/// sends, when it retries, when it gives up. No sockets, no sleeps.
@Suite("Webhook delivery on a manual clock")
struct WebhookServiceTests {
    let gateway = TestGateway()
    static let receiver = "https://203.0.113.10/hooks/seedgate"

    /// A receiver that answers each POST with the next scripted status (200 once the script runs out).
    final class Receiver: Sendable {
        private let state = Mutex<(statuses: [Int], received: [(url: String, headers: [(String, String)], body: Data)])>(([], []))

        func willAnswer(_ statuses: Int...) { state.withLock { $0.statuses += statuses } }
        var received: [(url: String, headers: [(String, String)], body: Data)] { state.withLock { $0.received } }

        var poster: WebhookPoster {
            WebhookPoster { url, headers, body in
                self.state.withLock { state in
                    state.received.append((url, headers, body))
                    return state.statuses.isEmpty ? 200 : state.statuses.removeFirst()
                }
            }
        }
    }

    func service(_ jobs: JobService, _ receiver: Receiver, window: Duration = .seconds(3600)) throws -> WebhookService {
        WebhookService(
            jobs: jobs, poster: receiver.poster, signer: try WebhookSigner(secret: TestGateway.webhookSecret),
            destinations: DestinationGuard(), schedule: RetrySchedule(base: .seconds(10), jitter: .none, window: window),
            render: { _ in Data(#"{"job":true}"#.utf8) }
        )
    }

    func createJob(_ jobs: JobService) async throws -> Job {
        try await jobs.create(CreateJob(spec: JobSpec(model: "seedance-1.5-pro", prompt: "a cat"), callbackURL: Self.receiver), tenant: "t1").job
    }

    @Test("a job's event is POSTed to its callback URL, signed at the clock's time, and delivered once")
    func deliversSignedEvent() async throws {
        let jobs = gateway.engine()
        let receiver = Receiver()
        let webhooks = try service(jobs, receiver)
        let job = try await createJob(jobs)
        #expect(await webhooks.deliverDue() == 1)
        let post = try #require(receiver.received.first)
        #expect(post.url == Self.receiver)
        let headers = Dictionary(post.headers, uniquingKeysWith: { first, _ in first })
        #expect(headers["webhook-timestamp"] == String(Int(gateway.clock.date.timeIntervalSince1970)))
        #expect(headers["webhook-signature"]?.hasPrefix("v1,") == true)
        let payload = try #require(try JSONSerialization.jsonObject(with: post.body) as? [String: Any])
        #expect(payload["type"] as? String == "job.queued")
        #expect(try await jobs.deliveries(of: job).map(\.status) == [.delivered])
        #expect(await webhooks.deliverDue() == 0, "a delivered event is not sent again")
    }

    @Test("a failed attempt is retried when its back-off passes on the clock, not before")
    func retriesOnTheClock() async throws {
        let jobs = gateway.engine()
        let receiver = Receiver()
        receiver.willAnswer(500)
        let webhooks = try service(jobs, receiver)
        let job = try await createJob(jobs)
        #expect(await webhooks.deliverDue() == 1)
        let failed = try #require(try await jobs.deliveries(of: job).first)
        #expect(failed.status == .pending)
        #expect(failed.lastResponseStatus == 500)
        #expect(failed.nextAttemptAt == gateway.clock.date.addingTimeInterval(10))
        gateway.clock.advance(by: 9)
        #expect(await webhooks.deliverDue() == 0, "not before the back-off")
        gateway.clock.advance(by: 2)
        #expect(await webhooks.deliverDue() == 1)
        #expect(try await jobs.deliveries(of: job).map(\.status) == [.delivered])
        #expect(receiver.received.count == 2)
    }

    @Test("once the retry window has closed, a failing delivery is dead-lettered and never sent again")
    func deadLettersAfterTheWindow() async throws {
        let jobs = gateway.engine()
        let receiver = Receiver()
        receiver.willAnswer(503, 503)
        let webhooks = try service(jobs, receiver, window: .seconds(15))
        let job = try await createJob(jobs)
        #expect(await webhooks.deliverDue() == 1)
        gateway.clock.advance(by: 11)
        #expect(await webhooks.deliverDue() == 1)
        let dead = try #require(try await jobs.deliveries(of: job).first)
        #expect(dead.status == .dead, "the next back-off would end after the 15 s window")
        gateway.clock.advance(by: 86_400)
        #expect(await webhooks.deliverDue() == 0)
        #expect(receiver.received.count == 2)
    }
}
