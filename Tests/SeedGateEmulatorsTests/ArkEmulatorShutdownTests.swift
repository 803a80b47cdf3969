import Foundation
import Logging
import SeedGateEmulators
import ServiceLifecycle
import Testing

@Suite("Ark emulator: shutdown")
struct ArkEmulatorShutdownTests {
    @Test("graceful shutdown stops the server and the callback sender, even with a callback pending", .timeLimit(.minutes(1)))
    func gracefulShutdown() async throws {
        try await withCallbackReceiver(refuseFirst: 100) { url, inbox in
            let emulator = ArkEmulator(configuration: ArkHarness.configuration(queue: 0.1, run: 0.1))
            let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
            let application = emulator.makeApplication { port in portSink.yield(port) }
            let services = ServiceGroup(configuration: .init(services: [application], logger: Logger(label: "test")))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await services.run() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let body = try JSONSerialization.data(withJSONObject: textToVideo(["callback_url": url]))
                let ark = ArkHarness(emulator: emulator, client: .shared, baseURL: "http://127.0.0.1:\(port)")
                let reply = try await ark.send("POST", "/api/v3/contents/generations/tasks", body: body)
                #expect(reply.status == 200)
                #expect(try await ark.eventually { await !inbox.deliveries.isEmpty }, "a refused delivery is being retried")

                await services.triggerGracefulShutdown()
                try await group.next()
            }
        }
    }
}
