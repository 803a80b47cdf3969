import AsyncHTTPClient
import Foundation
import SeedGateEmulators
import Testing

/// `/emulator/references` on every emulator: off by default; once on, each task made is tied to the `[[ref:…]]`
/// marker its create carried, also when the create's answer was lost (dropped, late, a gateway's 504).
@Suite("Emulator task references: every emulator")
struct EmulatorTaskReferenceTests {
    func references(_ emulator: ProbedEmulator) async throws -> [String: Any] {
        try await emulator.helper("GET", "/emulator/references").json
    }

    func recorded(_ emulator: ProbedEmulator) async throws -> [String: String] {
        let tasks = try await references(emulator)["tasks"] as? [[String: Any]] ?? []
        return Dictionary(
            tasks.compactMap { task in (task["id"] as? String).flatMap { id in (task["reference"] as? String).map { (id, $0) } } },
            uniquingKeysWith: { first, _ in first })
    }

    @Test("off by default: nothing is recorded", arguments: EmulatorProbe.all)
    func offByDefault(_ probe: EmulatorProbe) async throws {
        try await withProbedEmulator(probe) { emulator in
            #expect(try await references(emulator)["record"] as? Bool == false)
            _ = try await emulator.createTask("a lighthouse [[ref:job-off-1]]")
            #expect(try await recorded(emulator).isEmpty)
        }
    }

    @Test("once on, every task made is tied to its create's marker, lost answers included", arguments: EmulatorProbe.all)
    func recordsEveryTaskMade(_ probe: EmulatorProbe) async throws {
        try await withProbedEmulator(probe) { emulator in
            let on = try await emulator.helper("POST", "/emulator/references", ["record": true])
            #expect(on.status == 200 && on.json["record"] as? Bool == true)

            let answered = try await emulator.createTask("a lighthouse at dusk [[ref:job_A-1]]")
            try await emulator.arm(["create_drop": 1])
            let error = await #expect(throws: HTTPClientError.self) {
                try await emulator.send(probe.create("a harbour [[ref:job_B-2]]", nil))
            }
            #expect(error == .remoteConnectionClosed)
            try await emulator.arm(["create_gateway_timeout": 1])
            #expect(try await emulator.send(probe.create("a forest [[ref:job_C-3]]", nil)).status == 504)
            // A rejected create makes no task, so it records nothing; a create without a marker records nothing either.
            try await emulator.arm(["create_rate_limited": 1])
            emulator.expect(try await emulator.send(probe.create("refused [[ref:job_D-4]]", nil)), is: probe.rateLimited)
            let unmarked = try await emulator.createTask("no marker here [[ref:]] [[ref:bad token]]")

            let tasks = try await emulator.emulatedTasks().compactMap { $0["id"] as? String }
            #expect(tasks.count == 4)
            let byTask = try await recorded(emulator)
            #expect(byTask.count == 3, "\(byTask)")
            #expect(byTask[answered] == "job_A-1")
            #expect(Set(byTask.values) == ["job_A-1", "job_B-2", "job_C-3"])
            #expect(Set(byTask.keys).isSubset(of: Set(tasks)))
            #expect(byTask[unmarked] == nil)

            let forgotten = try await emulator.helper("DELETE", "/emulator/references")
            #expect(forgotten.json["record"] as? Bool == true)
            #expect(try await recorded(emulator).isEmpty)
            _ = try await emulator.helper("POST", "/emulator/references", ["record": false])
            _ = try await emulator.createTask("after [[ref:job_E-5]]")
            #expect(try await recorded(emulator).isEmpty)
            #expect(try await emulator.helper("POST", "/emulator/references", ["recording": true]).status == 400)
        }
    }

    @Test("the first well-formed marker wins, wherever it sits")
    func parsing() {
        func reference(_ text: String) -> String? { TaskReferences.reference(in: Array(text.utf8)) }
        #expect(reference(#"{"prompt":"x [[ref:abc]] y [[ref:def]]"}"#) == "abc")
        #expect(reference("[[ref:]] [[ref:a b]] [[ref:ok_1-2]]") == "ok_1-2")
        #expect(reference("[[ref:" + String(repeating: "a", count: 65) + "]]") == nil)
        #expect(reference("[[ref:" + String(repeating: "a", count: 64) + "]]")?.count == 64)
        #expect(reference("[[ref:abc]") == nil)
        #expect(reference("") == nil)
    }
}
