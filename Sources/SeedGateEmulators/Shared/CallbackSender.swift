import AsyncHTTPClient
import Foundation
import Logging
import SeedGateCore
import ServiceLifecycle

/// Pushes task status changes to each task's callback URL, as a background `Service` of the emulator
/// application. Statuses change lazily (by the clock), so a ticker asks the book for changes not pushed yet.
///
/// Delivery is at-least-once: each event is POSTed as JSON (`Content-Type: application/json`) and retried
/// until a 2xx answer or `attempts` tries; then it is abandoned and the next event of the task goes out. Events
/// of one task are sent one at a time, in order; tasks are served concurrently. API handlers never wait for
/// this. The book's `FaultPlan` can make events get lost (`drop_callbacks`) or sent twice in a row
/// (`duplicate_callbacks`); an event counts once in the counters however often it was sent. The sender owns its HTTP client and shuts it down when the application stops (graceful shutdown or
/// cancellation); deliveries in flight at that moment are cancelled.
public struct CallbackSender<Spec: Sendable>: Service {
    private let book: EmulatedTaskBook<Spec>
    private let pushing: Set<JobStatus>
    private let tick: Duration
    private let attempts: Int
    private let timeout: Duration
    private let logger: Logger
    private let render: @Sendable (EmulatedTaskState<Spec>) -> Data

    /// - Parameters:
    ///   - pushing: the statuses the provider pushes (Ark: every status but `cancelled`).
    ///   - render: the callback body for a task at one status change (the provider's task JSON).
    public init(
        book: EmulatedTaskBook<Spec>, pushing: Set<JobStatus>, tick: Duration = .milliseconds(200), attempts: Int = 3,
        timeout: Duration = .seconds(5), logger: Logger, render: @escaping @Sendable (EmulatedTaskState<Spec>) -> Data
    ) {
        self.book = book
        self.pushing = pushing
        self.tick = tick
        self.attempts = max(1, attempts)
        self.timeout = timeout
        self.logger = logger
        self.render = render
    }

    public func run() async throws {
        // No AsyncHTTPClient spans in a traced process: they would record the callback URL, whose token is a secret.
        var configuration = HTTPClient.Configuration()
        configuration.tracing.tracer = nil
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await cancelWhenGracefulShutdown { try await self.tickUntilCancelled(client: client) }
        } catch is CancellationError {
            // Shutdown or cancellation: fall through to close the client.
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        logger.debug("callback sender stopped")
    }

    private func tickUntilCancelled(client: HTTPClient) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            while true {
                for work in await book.takeCallbackWork(pushing: pushing) {
                    group.addTask { await self.deliver(work, client: client) }
                }
                try await Task.sleep(for: tick)
            }
        }
    }

    private func deliver(_ work: CallbackWork<Spec>, client: HTTPClient) async {
        var delivered = 0
        var abandoned = 0
        for event in work.events {
            if Task.isCancelled { break }
            // Injected faults: 0 copies loses the event (counted neither delivered nor abandoned), 2 sends it twice.
            let copies = await book.faults.takeCallbackCopies()
            guard copies > 0 else { continue }
            var acknowledged = false
            for _ in 0..<copies {
                if await post(render(event), to: work.url, taskID: work.taskID, status: event.status, client: client) {
                    acknowledged = true
                }
            }
            if acknowledged { delivered += 1 } else { abandoned += 1 }
        }
        await book.finishCallbackWork(work.taskID, delivered: delivered, abandoned: abandoned)
    }

    /// Tries one event up to `attempts` times; true once a receiver answered 2xx. The URL is never logged
    /// (a receiver's URL may carry a token).
    private func post(_ body: Data, to url: String, taskID: String, status: JobStatus, client: HTTPClient) async -> Bool {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "SeedGate-Emulator-Callback/1")
        request.body = .bytes(body)
        for attempt in 1...attempts {
            do {
                let response = try await client.execute(request, timeout: .nanoseconds(Self.nanoseconds(timeout)))
                _ = try await response.body.collect(upTo: 1 << 20)
                if (200..<300).contains(Int(response.status.code)) { return true }
                logger.debug(
                    "callback refused",
                    metadata: [
                        "task.id": "\(taskID)", "status": "\(status.rawValue)", "http.status": "\(response.status.code)", "attempt": "\(attempt)",
                    ])
            } catch {
                if Task.isCancelled { return false }
                logger.debug("callback failed", metadata: ["task.id": "\(taskID)", "status": "\(status.rawValue)", "attempt": "\(attempt)"])
            }
            guard attempt < attempts else { break }
            do { try await Task.sleep(for: .milliseconds(500 * (1 << (attempt - 1)))) } catch { return false }
        }
        logger.warning("callback abandoned", metadata: ["task.id": "\(taskID)", "status": "\(status.rawValue)", "attempts": "\(attempts)"])
        return false
    }
}

extension CallbackSender {
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
