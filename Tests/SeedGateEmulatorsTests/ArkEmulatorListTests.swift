import Foundation
import SeedGateEmulators
import Testing

@Suite("Ark emulator: list and stats")
struct ArkEmulatorListTests {
    private let tasks = "/api/v3/contents/generations/tasks"

    @Test("list with two filter.task_ids returns both; flex tasks only appear when asked for")
    func listByIDs() async throws {
        try await withArkEmulator { ark in
            let first = try await ark.createTask(textToVideo("one"))
            let second = try await ark.createTask(textToVideo("two"))
            _ = try await ark.createTask(textToVideo("three"))
            let flex = try await ark.createTask(textToVideo("four", ["service_tier": "flex"]))

            let both = try await ark.send("GET", "\(tasks)?page_num=1&page_size=10&filter.task_ids=\(first)&filter.task_ids=\(second)")
            #expect(both.status == 200)
            let ids = (both.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(Set(ids) == [first, second])
            #expect(both.json["total"] as? Int == 2)

            let withFlex = try await ark.send("GET", "\(tasks)?filter.task_ids=\(first)&filter.task_ids=\(flex)")
            #expect(withFlex.json["total"] as? Int == 1, "without filter.service_tier only default-tier tasks are listed")
            let flexOnly = try await ark.send("GET", "\(tasks)?filter.task_ids=\(first)&filter.task_ids=\(flex)&filter.service_tier=flex")
            let flexIDs = (flexOnly.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(flexIDs == [flex])
        }
    }

    @Test("list pages newest first, filters by status and checks its parameters")
    func pagingAndFilters() async throws {
        let clock = ManualClock()
        try await withArkEmulator(now: clock.now) { ark in
            var ids: [String] = []
            for index in 0..<3 { ids.append(try await ark.createTask(textToVideo("task \(index)"))) }
            let page = try await ark.send("GET", "\(tasks)?page_num=2&page_size=2")
            #expect((page.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[0]])
            #expect(page.json["total"] as? Int == 3)

            _ = try await ark.send("DELETE", "\(tasks)/\(ids[1])")
            let cancelled = try await ark.send("GET", "\(tasks)?filter.status=cancelled")
            #expect((cancelled.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[1]])

            for bad in ["page_size=0", "page_size=501", "page_num=x", "filter.status=done", "filter.service_tier=slow"] {
                let reply = try await ark.send("GET", "\(tasks)?\(bad)")
                #expect(reply.status == 400, "\(bad)")
                #expect(reply.errorParam == String(bad.prefix { $0 != "=" }))
            }
        }
    }

    @Test("stats count creates, status reads, tasks and repeated creates of the same request")
    func stats() async throws {
        try await withArkEmulator { ark in
            let body = textToVideo("same request twice")
            let id = try await ark.createTask(body)
            _ = try await ark.createTask(body)
            _ = try await ark.createTask(body.merging(["seed": NSNull(), "unknown_field": 1]) { _, new in new })
            _ = try await ark.createTask(textToVideo("another"))
            _ = try await ark.task(id)
            _ = try await ark.task("cgt-20250101000000-zzzzz")
            _ = try await ark.send("GET", tasks)

            let reply = try await ark.send("GET", "/emulator/stats", key: nil)
            #expect(reply.status == 200)
            #expect(reply.json["creates"] as? Int == 4)
            #expect(reply.json["status_reads"] as? Int == 3)
            #expect(reply.json["tasks"] as? Int == 4)
            #expect(reply.json["max_creates_per_task"] as? Int == 3, "same request, whatever its key order or nulls")
            #expect(await ark.emulator.book.createCount(fingerprint: "none") == 0)
        }
    }
}
