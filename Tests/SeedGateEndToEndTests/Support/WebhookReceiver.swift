import Foundation
import Hummingbird
import ServiceLifecycle
import Synchronization

/// A client's webhook endpoint for tests: records every request and answers 500 to the first `failures` of them.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var headers: [String: String]
        var body: Data
    }

    private final class Log: Sendable {
        let received = Mutex<[Received]>([])
        let failuresLeft: Mutex<Int>
        init(failures: Int) { failuresLeft = Mutex(failures) }
    }

    let port: Int
    private let log: Log
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var requests: [Received] { log.received.withLock { $0 } }

    private init(port: Int, log: Log, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.log = log
        self.group = group
        self.task = task
    }

    static func start(failFirst failures: Int = 0) async throws -> WebhookReceiver {
        let log = Log(failures: failures)
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            log.received.withLock { $0.append(Received(headers: headers, body: Data(body.readableBytesView))) }
            return log.failuresLeft.withLock { left in
                guard left > 0 else { return .noContent }
                left -= 1
                return .internalServerError
            }
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: quietLogger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: quietLogger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessError("receiver did not start") }
        return WebhookReceiver(port: port, log: log, group: group, task: task)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
