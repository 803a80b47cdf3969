import Foundation
import SeedGateEmulators
import Testing

@Suite("Ark emulator: callbacks")
struct ArkEmulatorCallbackTests {
    @Test("every status change is POSTed as JSON to callback_url, in order, ending with succeeded")
    func callbacksInOrder() async throws {
        try await withCallbackReceiver { url, inbox in
            try await withArkEmulator { ark in
                let id = try await ark.createTask(textToVideo(["callback_url": url]))
                let arrived = try await ark.eventually { await inbox.acceptedStatuses.last == "succeeded" }
                #expect(arrived)
                #expect(await inbox.acceptedStatuses == ["queued", "running", "succeeded"])
                let deliveries = await inbox.deliveries
                #expect(deliveries.allSatisfy { $0.contentType?.hasPrefix("application/json") == true })
                #expect(deliveries.allSatisfy { $0.json["id"] as? String == id })
                let last = try #require(deliveries.last?.json)
                #expect((last["content"] as? [String: Any])?["video_url"] is String)
                #expect(deliveries.first?.json["content"] == nil)
            }
        }
    }

    @Test("a refused callback is retried until the receiver accepts it")
    func callbackRetried() async throws {
        try await withCallbackReceiver(refuseFirst: 1) { url, inbox in
            try await withArkEmulator(ArkHarness.configuration(queue: 0.2, run: 5)) { ark in
                _ = try await ark.createTask(textToVideo(["callback_url": url]))
                let arrived = try await ark.eventually { await inbox.acceptedStatuses.first == "queued" }
                #expect(arrived)
                let deliveries = await inbox.deliveries
                #expect(deliveries.first?.accepted == false && deliveries.first?.status == "queued")
                #expect(try await ark.eventually { await ark.emulator.counters().callbacksDelivered >= 1 })
            }
        }
    }

    @Test("a cancelled task is not pushed and tasks without callback_url are ignored")
    func cancelledNotPushed() async throws {
        try await withCallbackReceiver { url, inbox in
            try await withArkEmulator(ArkHarness.configuration(queue: 30, run: 1)) { ark in
                let id = try await ark.createTask(textToVideo(["callback_url": url]))
                _ = try await ark.createTask(textToVideo("no callback"))
                #expect(try await ark.eventually { await inbox.acceptedStatuses == ["queued"] })
                #expect(try await ark.send("DELETE", "/api/v3/contents/generations/tasks/\(id)").status == 200)
                try await Task.sleep(for: .milliseconds(300))
                #expect(await inbox.acceptedStatuses == ["queued"])
            }
        }
    }
}
