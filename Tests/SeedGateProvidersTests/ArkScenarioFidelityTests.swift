import Foundation
import Logging
import SeedGateCore
import SeedGateEmulators
import SeedGateRuntime
import SeedGateTesting
import Testing

@testable import SeedGateProviders

/// Issue 9: the Ark-family adapters against the strict emulator over loopback HTTP. Every model × scenario the manifests
/// offer goes through the validator and the adapter to the emulator, which refuses (400 `InvalidParameter`) any
/// parameter Ark's documents do not list for that model and scenario (defect 6); `QuotaExceeded` is classified by its
/// message (defect 12); a cancel racing a task's completion never reports `cancelled` and never deletes a finished task
/// through the pre-check window (defect 13).
@Suite("Ark family against the strict emulator", .timeLimit(.minutes(3)))
struct ArkScenarioFidelityTests {
    static let providers: [ProviderID] = [VolcengineArkAdapter.providerID, BytePlusModelArkAdapter.providerID]

    static func manifest(_ provider: ProviderID) throws -> ProviderManifest {
        try ManifestLoader.load(file: ContractFiles.manifestFile(provider))
    }

    static func adapter(_ provider: ProviderID) -> any ProviderAdapter {
        provider == VolcengineArkAdapter.providerID ? VolcengineArkAdapter() : BytePlusModelArkAdapter()
    }

    /// The specs a client may ask of `offering`: each scenario it offers, with every optional capability switched on
    /// where it applies, and a draft and its final video where it has drafts.
    static func requests(for offering: ModelOffering) -> [(name: String, spec: JobSpec)] {
        let first = ImageInput(url: "https://assets.example/first.png", role: .firstFrame)
        let last = ImageInput(url: "https://assets.example/last.png", role: .lastFrame)
        var specs: [(String, JobSpec)] = []
        func add(_ name: String, _ spec: JobSpec) { specs.append(("\(offering.name) \(name)", spec)) }
        var scenarios: [(String, [ImageInput])] = []
        if offering.supports(.textToVideo) { scenarios.append(("text", [])) }
        if offering.supports(.firstFrame) { scenarios.append(("first frame", [first])) }
        if offering.supports(.firstLastFrame) { scenarios.append(("first+last frame", [first, last])) }
        if offering.supports(.referenceImages) {
            let count = offering.referenceImages ?? 1
            let references = (1...count).map { ImageInput(url: "https://assets.example/ref\($0).png", role: .reference) }
            scenarios.append(("reference images", references))
        }
        for (name, images) in scenarios {
            let prompt = "a paper boat drifts down a gutter stream"
            add(name, JobSpec(model: offering.name, prompt: prompt, images: images))
            var rich = JobSpec(model: offering.name, prompt: prompt, images: images, seed: 7)
            rich.watermark = offering.supports(.watermark) ? true : nil
            rich.returnLastFrame = offering.supports(.lastFrame) ? true : nil
            rich.serviceTier = offering.supports(.flex) ? .flex : nil
            rich.generateAudio = offering.supports(.audio) ? false : nil
            if offering.supports(.cameraFixed), name != "reference images" { rich.cameraFixed = true }
            add("\(name), every option", rich)
            if offering.supports(.frames) {
                var frames = JobSpec(model: offering.name, prompt: prompt, images: images)
                frames.frames = 57
                add("\(name), frames", frames)
            }
            if offering.supports(.draft) {
                var draft = JobSpec(model: offering.name, prompt: prompt, images: images, seed: 20)
                draft.draft = true
                add("\(name), draft", draft)
            }
        }
        return specs
    }

    @Test("every model × scenario the manifests offer is accepted: no parameter the documents do not list is sent", arguments: providers)
    func everyOfferedScenario(_ provider: ProviderID) async throws {
        let manifest = try Self.manifest(provider)
        let adapter = Self.adapter(provider)
        try await withArk(provider) { ark in
            for offering in manifest.models {
                for (name, requested) in Self.requests(for: offering) {
                    let spec = try JobValidator.normalise(requested, offering: offering, manifest: manifest)
                    let request = SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: offering.upstream)
                    do {
                        _ = try await adapter.submit(request, context: ark.context)
                    } catch let error as ProviderError {
                        Issue.record("\(provider) \(name): \(error.providerCode ?? "") \(error.providerMessage ?? error.summary)")
                    }
                }
            }
        }
    }

    /// Defect 6: before, `camera_fixed: false` went out with every reference-image job and `return_last_frame: false`
    /// with every draft (the normaliser wrote them); the strict emulator refuses both, so these failed with 400.
    @Test("parameters the scenario does not take are left out even when the spec carries them", arguments: providers)
    func specDefaultsNotSent(_ provider: ProviderID) async throws {
        let manifest = try Self.manifest(provider)
        let lite = try #require(manifest.offering(for: "seedance-1.0-lite-i2v"))
        let pro15 = try #require(manifest.offering(for: "seedance-1.5-pro"))
        let adapter = Self.adapter(provider)
        try await withArk(provider) { ark in
            var references = JobSpec(
                model: lite.name, prompt: "[图1] and [图2]",
                images: [
                    ImageInput(url: "https://assets.example/a.png", role: .reference),
                    ImageInput(url: "https://assets.example/b.png", role: .reference),
                ])
            references = try JobValidator.normalise(references, offering: lite, manifest: manifest)
            references.cameraFixed = false
            _ = try await adapter.submit(SubmitRequest(jobID: JobID.generate(), spec: references, upstreamModel: lite.upstream), context: ark.context)

            var draft = JobSpec(model: pro15.name, prompt: "a kite", seed: 20)
            draft.draft = true
            draft = try JobValidator.normalise(draft, offering: pro15, manifest: manifest)
            draft.returnLastFrame = false
            draft.serviceTier = .default
            let draftTask = try await adapter.submit(
                SubmitRequest(jobID: JobID.generate(), spec: draft, upstreamModel: pro15.upstream), context: ark.context)

            // The final video from the draft: the spec carries fields Ark reuses from the draft; none is sent.
            ark.clock.advance(by: 60)
            var final = JobSpec(model: pro15.name, resolution: "720p", draftJobID: "job_01kcb5c0a1b2c3d4e5f6g7h8j9")
            final = try JobValidator.normalise(final, offering: pro15, manifest: manifest)
            final.seed = 20
            final.cameraFixed = false
            final.generateAudio = true
            _ = try await adapter.submit(
                SubmitRequest(jobID: JobID.generate(), spec: final, upstreamModel: pro15.upstream, draftTaskID: draftTask.taskID),
                context: ark.context)
        }
    }

    @Test("a value the scenario cannot honour is refused before anything is sent")
    func refusedBeforeSending() throws {
        func body(_ spec: JobSpec, upstream: String = "doubao-seedance-1-0-lite-i2v-250428") throws(ProviderError) -> ArkCreateTaskBody {
            try ArkMapping.createBody(for: SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: upstream))
        }
        let references = [ImageInput(url: "https://assets.example/a.png", role: .reference)]
        let cases: [(JobSpec, String, String)] = [
            (JobSpec(model: "seedance-1.0-lite-i2v", images: references, cameraFixed: true), "doubao-seedance-1-0-lite-i2v-250428", "camera_fixed"),
            (JobSpec(model: "seedance-1.5-pro", prompt: "p", returnLastFrame: true, draft: true), "seedance-1-5-pro-251215", "return_last_frame"),
            (JobSpec(model: "seedance-1.5-pro", prompt: "p", draft: true, serviceTier: .flex), "doubao-seedance-1-5-pro-251215", "service_tier"),
            (JobSpec(model: "seedance-1.0-pro", prompt: "p", generateAudio: true), "doubao-seedance-1-0-pro-250528", "generate_audio"),
            (JobSpec(model: "seedance-1.0-pro", prompt: "p", draft: true), "seedance-1-0-pro-250528", "draft"),
            (JobSpec(model: "seedance-1.5-pro", prompt: "p", frames: 57), "doubao-seedance-1-5-pro-251215", "frames"),
        ]
        for (spec, upstream, field) in cases {
            #expect {
                _ = try body(spec, upstream: upstream)
            } throws: { error in
                guard let error = error as? ProviderError else { return false }
                return error.kind == .invalidRequest && !error.requestSent && (error.providerMessage ?? "").hasPrefix(field)
            }
        }
        // The no-op value of an unsupported parameter is simply left out.
        let quiet = try body(
            JobSpec(model: "seedance-1.0-pro", prompt: "p", cameraFixed: false, generateAudio: false, draft: false),
            upstream: "doubao-seedance-1-0-pro-250528")
        #expect(quiet.generateAudio == nil && quiet.draft == nil && quiet.cameraFixed == false)
    }

    // MARK: defect 12

    @Test("QuotaExceeded over HTTP: a used-up trial quota holds the provider 15 minutes, a full queue is a transient wait", arguments: providers)
    func quotaExceeded(_ provider: ProviderID) async throws {
        let manifest = try Self.manifest(provider)
        let pro15 = try #require(manifest.offering(for: "seedance-1.5-pro"))
        let pro10 = try #require(manifest.offering(for: "seedance-1.0-pro"))
        let adapter = Self.adapter(provider)
        let options = ArkEmulatorOptions(maxQueuedTasks: 1, exhaustedTrialModels: [pro15.upstream])
        try await withArk(provider, options: options) { ark in
            func submit(_ offering: ModelOffering) async throws -> ProviderError? {
                let spec = try JobValidator.normalise(JobSpec(model: offering.name, prompt: "a lantern"), offering: offering, manifest: manifest)
                do {
                    _ = try await adapter.submit(
                        SubmitRequest(jobID: JobID.generate(), spec: spec, upstreamModel: offering.upstream), context: ark.context)
                    return nil
                } catch { return error }
            }
            let exhausted = try #require(try await submit(pro15))
            #expect(exhausted.kind == .quotaExceeded && exhausted.retryAfter == 900 && exhausted.providerCode == "QuotaExceeded")
            #expect(!exhausted.isTransient)
            #expect(try await submit(pro10) == nil)
            let full = try #require(try await submit(pro10))
            #expect(full.kind == .rateLimited && full.retryAfter == nil && full.providerCode == "QuotaExceeded")
            #expect(full.isTransient)
        }
    }

    // MARK: defect 13

    @Test("a task that finished after the service's check is reported finished, not cancelled, and its video stays", arguments: providers)
    func cancelAfterCompletion(_ provider: ProviderID) async throws {
        let adapter = Self.adapter(provider)
        try await withArk(provider) { ark in
            let taskID = try await ark.createTask(provider)
            // The service's own re-read (JobService.cancelUpstream) still sees the task queued …
            let check = try await adapter.fetch([FetchTarget(taskID: taskID)], context: ark.context)
            #expect(check[taskID].flatMap(\.snapshot)?.status == .mapped(.queued))
            // … then the task finishes before adapter.cancel runs.
            ark.clock.advance(by: 60)
            let outcome = try await adapter.cancel(taskID: taskID, context: ark.context)
            guard case .finished(let snapshot) = outcome else {
                Issue.record("\(provider): a succeeded task was answered \(outcome)")
                return
            }
            #expect(snapshot.status == .mapped(.succeeded) && snapshot.output?.videoURL != nil)
            let after = try await adapter.fetch([FetchTarget(taskID: taskID)], context: ark.context)
            #expect(after[taskID].flatMap(\.snapshot)?.status == .mapped(.succeeded), "the finished task must not be deleted")
            let counters = await ark.emulator.counters()
            #expect(counters.deletes == 0 && counters.cancels == 0)
        }
    }

    @Test("a queued task is cancelled, verified by a read after the DELETE; a running one is refused without a DELETE", arguments: providers)
    func cancelQueuedAndRunning(_ provider: ProviderID) async throws {
        let adapter = Self.adapter(provider)
        try await withArk(provider) { ark in
            let queued = try await ark.createTask(provider)
            #expect(try await adapter.cancel(taskID: queued, context: ark.context) == .cancelled)
            let read = try await adapter.fetch([FetchTarget(taskID: queued)], context: ark.context)
            #expect(read[queued].flatMap(\.snapshot)?.status == .mapped(.cancelled))

            let running = try await ark.createTask(provider)
            ark.clock.advance(by: 15)
            guard case .refused = try await adapter.cancel(taskID: running, context: ark.context) else {
                Issue.record("\(provider): a running task was not refused")
                return
            }
            let counters = await ark.emulator.counters()
            #expect(counters.cancels == 1 && counters.deletes == 0)
        }
    }

    @Test("a task finishing in the last window (between the re-read and the DELETE) is never reported cancelled", arguments: providers)
    func cancelInTheLastWindow(_ provider: ProviderID) async throws {
        let adapter = Self.adapter(provider)
        let clock = ManualClock()
        let options = ArkEmulatorOptions(beforeDelete: { _ in clock.advance(by: 60) })
        try await withArk(provider, options: options, clock: clock) { ark in
            let taskID = try await ark.createTask(provider)
            let outcome = try await adapter.cancel(taskID: taskID, context: ark.context)
            // Ark deletes an ended task's record on DELETE (documented); all a client can do is not call that a cancel.
            guard case .refused(let reason) = outcome else {
                Issue.record("\(provider): answered \(outcome)")
                return
            }
            #expect(reason.contains("nothing was cancelled"))
        }
    }
}

extension FetchResult {
    var snapshot: UpstreamSnapshot? {
        if case .found(let snapshot) = self { return snapshot }
        return nil
    }
}

/// An Ark-dialect emulator (Volcengine's or BytePlus's ids) on a manual clock, and a context to reach it.
struct ArkLoopback: Sendable {
    let emulator: ArkEmulator
    let clock: ManualClock
    let context: ProviderContext

    /// Creates a queued 1.0 pro text-to-video task directly (queued 10 s, running 10 s on the manual clock).
    func createTask(_ provider: ProviderID) async throws -> String {
        let model = provider == VolcengineArkAdapter.providerID ? "doubao-seedance-1-0-pro-250528" : "seedance-1-0-pro-250528"
        let body: JSONValue = .object([
            "model": .string(model), "content": .array([.object(["type": .string("text"), "text": .string("a lantern")])]),
        ])
        let request = UpstreamRequest(
            method: "POST", baseURL: context.baseURL, path: ArkTasksDialect.tasksPath, query: [],
            headers: ["authorization": "Bearer \(emulator.configuration.apiKey)", "content-type": "application/json"], body: body.data())
        let answer = try await context.transport.send(request)
        return try #require(JSONValue(data: answer.body)?["id"]?.string, "create answered \(answer.status)")
    }
}

func withArk<T: Sendable>(
    _ provider: ProviderID, options: ArkEmulatorOptions = ArkEmulatorOptions(), clock: ManualClock = ManualClock(),
    _ body: (ArkLoopback) async throws -> T
) async throws -> T {
    let configuration = EmulatorConfiguration(queueSeconds: 10, runSeconds: 10, logLevel: .warning)
    let models: ArkModelSet = provider == VolcengineArkAdapter.providerID ? .volcengine : .byteplus
    let emulator = ArkEmulator(configuration: configuration, models: models, options: options, now: clock.now)
    return try await withLoopbackEmulator("the Ark emulator") { onPort in
        let application = emulator.makeApplication(onServerRunning: onPort)
        return { try await application.run() }
    } _: { baseURL, transport in
        let context = ProviderContext(
            baseURL: baseURL, credentials: ProviderCredentials(["api_key": configuration.apiKey]), transport: transport, logger: Logger(label: "test")
        )
        return try await body(ArkLoopback(emulator: emulator, clock: clock, context: context))
    }
}
