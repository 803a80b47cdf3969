import Foundation
import SeedGateCore
import SeedGateEmulators
import SeedGateProviders
import SeedGateRuntime
import Testing

/// SeedGate's ModelVerse adapter against the ModelVerse emulator over loopback HTTP (issue 9: defects 5, 8 and 9 on
/// ModelVerse's side, and the emulator's documented-schema check).
@Suite("ModelVerse adapter against its emulator", .timeLimit(.minutes(2)))
struct ModelVerseWireFidelityTests {
    let adapter = ModelVerseAdapter()

    static func context(_ emulator: CassetteEmulator) -> ProviderContext { emulator.context() }

    static func manifest() throws -> ProviderManifest {
        try ManifestLoader.load(file: ContractFiles.manifestFile(ModelVerseAdapter.providerID))
    }

    static func request(_ prompt: String, seed: Int64? = nil) throws -> SubmitRequest {
        let manifest = try manifest()
        let offering = try #require(manifest.offering(for: "seedance-1.5-pro"))
        var spec = try JobValidator.normalise(JobSpec(model: "seedance-1.5-pro", prompt: prompt), offering: offering, manifest: manifest)
        if let seed { spec.seed = seed }
        return SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: offering.upstream)
    }

    func fetch(_ taskID: String, _ context: ProviderContext, until done: (UpstreamSnapshot) -> Bool) async throws -> UpstreamSnapshot {
        try await snapshot(of: taskID, from: adapter, context: context, until: done)
    }

    @Test("the manifest's seed range is ModelVerse's [0, 2147483647]")
    func manifestSeedRange() throws {
        let range = try Self.manifest().seedRange
        #expect(range.min == 0 && range.max == 2_147_483_647)
    }

    @Test(
        "a seed outside [0, 2147483647] (-1 among them) is refused with param_error and creates nothing", arguments: [-1, 2_147_483_648] as [Int64])
    func seedOutOfRange(_ seed: Int64) async throws {
        try await withCassetteEmulator(ModelVerseAdapter.providerID, EmulatorConfiguration(logLevel: .warning)) { emulator in
            do {
                _ = try await adapter.submit(try Self.request("a paper boat", seed: seed), context: Self.context(emulator))
                Issue.record("seed \(seed) should have been refused")
            } catch let error as ProviderError {
                #expect(error.kind == .invalidRequest && error.httpStatus == 400 && error.providerCode == "param_error", "\(error)")
            }
            #expect(try await emulator.helper("GET", "/emulator/stats")?["creates"] == .integer(0))
            // The edges of the range are accepted.
            for edge: Int64 in [0, 2_147_483_647] {
                _ = try await adapter.submit(try Self.request("a paper boat", seed: edge), context: Self.context(emulator))
            }
        }
    }

    @Test("a Success without output.urls is reported as succeeded with no output: nothing is invented")
    func successWithoutURL() async throws {
        let configuration = EmulatorConfiguration(queueSeconds: 0, runSeconds: 0.05, logLevel: .warning)
        try await withCassetteEmulator(ModelVerseAdapter.providerID, configuration) { emulator in
            let context = Self.context(emulator)
            let submission = try await adapter.submit(try Self.request("a quiet lake [[succeed:no-url]]"), context: context)
            let snapshot = try await fetch(submission.taskID, context) { $0.rawStatus == "Success" }
            #expect(snapshot.status == .mapped(.succeeded))
            #expect(snapshot.output == nil, "no video URL was answered, so none is reported")
            #expect(snapshot.error == nil)
        }
    }

    @Test("a 504 gateway_timeout_error on a submit that made the task: classified, and the task exists upstream")
    func gatewayTimeoutAfterCreate() async throws {
        let configuration = EmulatorConfiguration(queueSeconds: 0, runSeconds: 0.05, logLevel: .warning)
        try await withCassetteEmulator(ModelVerseAdapter.providerID, configuration) { emulator in
            do {
                _ = try await adapter.submit(try Self.request("a paper boat [[created:504]]"), context: Self.context(emulator))
                Issue.record("the submit should have answered 504")
            } catch let error as ProviderError {
                #expect(error.httpStatus == 504 && error.providerCode == "gateway_timeout_error", "\(error)")
                #expect(error.kind == .unavailable)
            }
            // The task was made: it is listed by the emulator and its status can be read.
            let statuses = try await emulator.neutralStatuses()
            #expect(statuses.count == 1)
            let id = try #require(statuses.keys.first)
            let snapshot = try await fetch(id, Self.context(emulator)) { $0.status == .mapped(.succeeded) }
            #expect(snapshot.output?.videoURL != nil)
        }
    }

    @Test(
        "fields ModelVerse's schema does not list are refused with param_error naming them",
        arguments: [
            #"{"model": "doubao-seedance-1-5-pro-251215", "input": {"content": [{"type": "text", "text": "x"}]}, "parameters": {"return_last_frame": true}}"#,
            #"{"model": "doubao-seedance-1-5-pro-251215", "input": {"content": [{"type": "text", "text": "x"}]}, "parameters": {"frames": 121}}"#,
            #"{"model": "doubao-seedance-1-5-pro-251215", "input": {"content": [{"type": "text", "text": "x"}]}, "callback_url": "https://x.example"}"#,
            #"{"model": "doubao-seedance-1-5-pro-251215", "input": {"content": [{"type": "text", "text": "x", "lang": "en"}]}}"#,
            #"{"model": "doubao-seedance-1-5-pro-251215", "input": {"content": [{"type": "text", "text": "x"}], "extra": 1}}"#,
        ])
    func undocumentedFieldsRefused(_ body: String) async throws {
        try await withCassetteEmulator(ModelVerseAdapter.providerID, EmulatorConfiguration(logLevel: .warning)) { emulator in
            let answer = try await emulator.send(
                "POST", "/v1/tasks/submit", headers: ["authorization": emulator.credentials["api_key"] ?? ""],
                json: JSONValue(data: Data(body.utf8)))
            #expect(answer.status == 400, "\(body)")
            #expect(JSONValue(data: answer.body)?["error"]?["code"] == "param_error")
            #expect(try await emulator.helper("GET", "/emulator/stats")?["creates"] == .integer(0))
        }
    }

    @Test("for every scenario the manifest offers, the strict emulator accepts what the adapter sends")
    func adapterSendsOnlyDocumentedFields() async throws {
        let manifest = try Self.manifest()
        try await withCassetteEmulator(ModelVerseAdapter.providerID, EmulatorConfiguration(runSeconds: 30, logLevel: .warning)) { emulator in
            var sent = 0
            for model in manifest.models {
                for scenario in [Scenario.textToVideo, .firstFrame, .firstLastFrame, .referenceImages] where model.supports(Capability(scenario)) {
                    var raw = JobSpec(model: model.name, prompt: "a lighthouse at dusk", images: ManifestTests.images(for: scenario))
                    raw.seed = 7
                    raw.serviceTier = model.supports(.flex) ? .flex : nil
                    let spec = try JobValidator.normalise(raw, offering: model, manifest: manifest)
                    do {
                        _ = try await adapter.submit(
                            SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: model.upstream), context: Self.context(emulator))
                        sent += 1
                    } catch {
                        Issue.record("\(model.name) \(scenario): the emulator refused the adapter's body: \(error)")
                    }
                }
            }
            #expect(sent >= 3)
        }
    }
}
