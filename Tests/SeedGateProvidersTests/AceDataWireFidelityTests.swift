import Foundation
import SeedGateCore
import SeedGateEmulators
import SeedGateRuntime
import Testing

@testable import SeedGateProviders

/// SeedGate's AceData adapter against the AceData emulator over loopback HTTP: the status vocabulary, the async
/// switches, and the emulator's documented-schema check (issue 9, defects 7 and 11).
@Suite("AceData adapter against its emulator", .timeLimit(.minutes(2)))
struct AceDataWireFidelityTests {
    let adapter = AceDataAdapter()

    static func context(_ emulator: CassetteEmulator, options: [String: String] = [:], transport: AsyncHTTPClientTransport? = nil)
        -> ProviderContext
    {
        emulator.context(options: options, transport: transport)
    }

    static func request(_ prompt: String, model: String = "seedance-1.0-pro", callbackURL: String? = nil) throws -> SubmitRequest {
        let manifest = try ManifestLoader.load(file: ContractFiles.manifestFile(AceDataAdapter.providerID))
        let offering = try #require(manifest.offering(for: model))
        let spec = try JobValidator.normalise(JobSpec(model: model, prompt: prompt), offering: offering, manifest: manifest)
        return SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: offering.upstream, callbackURL: callbackURL)
    }

    func fetch(_ taskID: String, _ context: ProviderContext) async throws -> UpstreamSnapshot {
        try await snapshot(of: taskID, from: adapter, context: context)
    }

    func fetch(_ taskID: String, _ context: ProviderContext, until done: (UpstreamSnapshot) -> Bool) async throws -> UpstreamSnapshot {
        try await snapshot(of: taskID, from: adapter, context: context, until: done)
    }

    // MARK: defect 7: status vocabulary

    @Test("a running task reports `processing` and stays running; a failure synonym in any case ends it failed")
    func processingAndSynonyms() async throws {
        let configuration = EmulatorConfiguration(queueSeconds: 0, runSeconds: 60, logLevel: .warning)
        try await withCassetteEmulator(AceDataAdapter.providerID, configuration) { emulator in
            let context = Self.context(emulator)
            let submission = try await adapter.submit(try Self.request("a long take of the sea"), context: context)
            let running = try await fetch(submission.taskID, context) { $0.rawStatus != AceDataMapping.pendingWord }
            #expect(running.status == .mapped(.running) && running.rawStatus == "processing")

            // AceData's SDK reads failure words case-insensitively: `FAILURE` is a failure, at once (not an unknown
            // word the job waits on until it expires).
            for word in ["FAILURE", "Error", "rejected"] {
                try await emulator.arm(["status_override": .string(word), "status_override_count": 1])
                let failed = try await fetch(submission.taskID, context)
                #expect(failed.status == .mapped(.failed), "\(word)")
            }
            for word in ["Processing", "SUCCEEDED"] {
                try await emulator.arm(["status_override": .string(word), "status_override_count": 1])
                let read = try await fetch(submission.taskID, context)
                #expect(read.status == (word == "Processing" ? .mapped(.running) : .mapped(.succeeded)), "\(word)")
                #expect(read.output?.videoURL == nil, "\(word): no video yet, so no output (the engine keeps following the job)")
            }
        }
    }

    @Test("an explicit success:false outranks a success word: the task ends failed with its code")
    func successFalseOutranksTheWord() async throws {
        let configuration = EmulatorConfiguration(queueSeconds: 0, runSeconds: 0.05, logLevel: .warning)
        try await withCassetteEmulator(AceDataAdapter.providerID, configuration) { emulator in
            let context = Self.context(emulator)
            let submission = try await adapter.submit(try Self.request("a fight scene [[fail:moderation]]"), context: context)
            let ended = try await fetch(submission.taskID, context) { $0.status == .mapped(.failed) }
            #expect(ended.error?.providerCode == "OutputVideoSensitiveContentDetected")
            // The failed record (`success: false`) now says `succeeded`: still a failure.
            try await emulator.arm(["status_override": "succeeded", "status_override_count": 1])
            let overridden = try await fetch(submission.taskID, context)
            #expect(overridden.status == .mapped(.failed) && overridden.rawStatus == "succeeded")
            #expect(overridden.error?.code == .contentModerated)
        }
    }

    // MARK: defect 11: both async switches, a late synchronous answer, a cut-off create

    @Test("every create sends callback_url and async: true; without a callback route the placeholder goes, and it answers at once")
    func bothSwitches() async throws {
        let configuration = EmulatorConfiguration(queueSeconds: 0.05, runSeconds: 30, logLevel: .warning)
        try await withCassetteEmulator(AceDataAdapter.providerID, configuration) { emulator in
            let context = Self.context(emulator)
            let plain = try await adapter.submit(try Self.request("a lighthouse"), context: context)
            #expect(plain.snapshot == nil, "the strict emulator answered at once: callback_url switched it to async mode")
            let record = try await emulator.send(
                "POST", "/seedance/tasks", headers: ["authorization": "Bearer \(emulator.credentials["api_key"] ?? "")"],
                json: .object(["action": "retrieve", "id": .string(plain.taskID)]))
            let request = try #require(JSONValue(data: record.body)?["request"])
            #expect(request["callback_url"] == "dummy" && request["async"] == .bool(true))

            let hooked = try await adapter.submit(try Self.request("a lighthouse", callbackURL: "http://127.0.0.1:9/cb/1"), context: context)
            let hookedRecord = try await emulator.send(
                "POST", "/seedance/tasks", headers: ["authorization": "Bearer \(emulator.credentials["api_key"] ?? "")"],
                json: .object(["action": "retrieve", "id": .string(hooked.taskID)]))
            let hookedRequest = try #require(JSONValue(data: hookedRecord.body)?["request"])
            #expect(hookedRequest["callback_url"] == "http://127.0.0.1:9/cb/1" && hookedRequest["async"] == .bool(true))
            let stats = try await emulator.helper("GET", "/emulator/acedata/stats")
            #expect(stats?["blocking_creates"] == .integer(0))
        }
    }

    @Test("a synchronous answer (async: true alone, strict AceData) carries the finished video into the submission")
    func lateSynchronousAnswer() async throws {
        let configuration = EmulatorConfiguration(queueSeconds: 0.05, runSeconds: 0.3, logLevel: .warning)
        try await withCassetteEmulator(AceDataAdapter.providerID, configuration) { emulator in
            // An empty placeholder: the manifest's other reading, `async: true` alone.
            let context = Self.context(emulator, options: [AceDataMapping.callbackPlaceholderOption: ""])
            let submission = try await adapter.submit(try Self.request("a kitten"), context: context)
            let snapshot = try #require(submission.snapshot, "the create answered synchronously, with the result")
            #expect(snapshot.status == .mapped(.succeeded) && snapshot.taskID == submission.taskID)
            #expect(snapshot.output?.videoURL?.hasPrefix(emulator.baseURL) == true)
            let stats = try await emulator.helper("GET", "/emulator/acedata/stats")
            #expect(stats?["blocking_creates"] == .integer(1))
        }
    }

    @Test("a synchronous create our timeout cuts off is an unknown outcome (the task exists; nothing says to resubmit)")
    func cutOffCreateIsUnknown() async throws {
        let configuration = EmulatorConfiguration(queueSeconds: 0, runSeconds: 30, logLevel: .warning)
        try await withCassetteEmulator(AceDataAdapter.providerID, configuration) { emulator in
            let client = AsyncHTTPClientTransport.makeClient()
            let short = AsyncHTTPClientTransport(client: client, timeout: .milliseconds(500))
            let context = Self.context(emulator, options: [AceDataMapping.callbackPlaceholderOption: ""], transport: short)
            do {
                _ = try await adapter.submit(try Self.request("a kitten"), context: context)
                Issue.record("the create should have been cut off")
            } catch let error as ProviderError {
                #expect(error.outcomeUnknown, "\(error)")
            }
            try? await client.shutdown()
            let counters = try await emulator.helper("GET", "/emulator/stats")
            #expect(counters?["creates"] == .integer(1), "the task was made upstream")
        }
    }

    // MARK: strict schema

    @Test("for every model and scenario the manifest offers, the strict emulator accepts what the adapter sends")
    func adapterSendsOnlyDocumentedFields() async throws {
        let manifest = try ManifestLoader.load(file: ContractFiles.manifestFile(AceDataAdapter.providerID))
        try await withCassetteEmulator(AceDataAdapter.providerID, EmulatorConfiguration(runSeconds: 30, logLevel: .warning)) { emulator in
            let context = Self.context(emulator)
            var sent = 0
            for model in manifest.models {
                for scenario in [Scenario.textToVideo, .firstFrame, .firstLastFrame, .referenceImages] where model.supports(Capability(scenario)) {
                    var raw = JobSpec(model: model.name, prompt: "a lighthouse at dusk", images: ManifestTests.images(for: scenario))
                    raw.returnLastFrame = model.supports(.lastFrame) ? true : nil
                    raw.seed = model.supports(.seed) ? 7 : nil
                    let spec = try JobValidator.normalise(raw, offering: model, manifest: manifest)
                    let request = SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: model.upstream)
                    do {
                        _ = try await adapter.submit(request, context: context)
                        sent += 1
                    } catch {
                        Issue.record("\(model.name) \(scenario): the emulator refused the adapter's body: \(error)")
                    }
                }
            }
            #expect(sent >= 8)
        }
    }
}
