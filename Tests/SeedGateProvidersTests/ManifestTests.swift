import Foundation
import SeedGateCore
import SeedGateRuntime
import Testing

/// Every manifest under `Providers/` decodes, and every model's defaults pass the model's own rules.
@Suite("Provider manifests")
struct ManifestTests {
    @Test("retired_from must be a day; a manifest with another value is refused at load, naming the model")
    func retiredFromIsADay() throws {
        let original = try String(contentsOf: ContractFiles.manifestFile("byteplus-modelark"), encoding: .utf8)
        let marker = "  - name: seedance-1.5-pro\n"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("manifest.yaml")
        for (value, valid) in [("2026-11-11", true), ("next week", false), ("2026-13-40", false)] {
            try original.replacingOccurrences(of: marker, with: marker + "    retired_from: \"\(value)\"\n").write(
                to: file, atomically: true, encoding: .utf8)
            if valid {
                let offering = try #require(try ManifestLoader.load(file: file).offering(for: "seedance-1.5-pro"))
                #expect(offering.isRetired(at: Date(timeIntervalSince1970: 1_794_355_200)), "from 2026-11-11 00:00 UTC")
                #expect(!offering.isRetired(at: Date(timeIntervalSince1970: 1_794_355_199)), "not a second before")
            } else {
                #expect(throws: ManifestLoader.Failure.self, "\(value)") { try ManifestLoader.load(file: file) }
            }
        }
    }

    static func manifests() throws -> [ProviderManifest] {
        try ManifestLoader.loadAll(directory: ContractFiles.providersDirectory)
    }

    @Test("all manifests decode and name their folder")
    func decode() throws {
        let manifests = try Self.manifests()
        #expect(manifests.map(\.id.rawValue) == ContractFiles.providerFolders())
        for manifest in manifests {
            #expect(!manifest.models.isEmpty, "\(manifest.id) offers no model")
            #expect(Set(manifest.models.map(\.name)).count == manifest.models.count, "\(manifest.id) lists a model twice")
            #expect(manifest.seedRange.min <= manifest.seedRange.max)
            let polling = manifest.polling
            #expect(polling.minInterval > 0 && polling.minInterval <= polling.maxInterval, "\(manifest.id) polling bounds")
        }
    }

    @Test("each model's defaults are allowed by its own rules")
    func defaultsAreAllowed() throws {
        for manifest in try Self.manifests() {
            for model in manifest.models {
                let name = "\(manifest.id) \(model.name)"
                #expect(model.durations.allows(model.durations.default), "\(name): default duration not allowed")
                #expect(model.resolutions.contains(model.defaultResolution), "\(name): default resolution not listed")
                let ratios = [model.defaultRatio.textToVideo, model.defaultRatio.image] + [model.defaultRatio.referenceImages].compactMap { $0 }
                for ratio in ratios { #expect(model.ratios.contains(ratio), "\(name): default ratio \(ratio) not listed") }
                if model.supports(.textToVideo), model.defaultRatio.textToVideo == "adaptive" {
                    #expect(model.adaptiveTextToVideo, "\(name): adaptive is the T2V default but not allowed for T2V")
                }
                #expect((model.referenceImages != nil) == model.supports(.referenceImages), "\(name): reference_images vs capability")
                if model.defaultGenerateAudio != nil { #expect(model.supports(.audio), "\(name): audio default without audio") }
                #expect(
                    (model.referenceVideos != nil || model.referenceAudios != nil) == model.supports(.multimodalReference),
                    "\(name): reference_videos/reference_audios vs the multimodal_reference capability")
                for resolution in model.referenceResolutions ?? [] { #expect(model.resolutions.contains(resolution), "\(name): \(resolution)") }
            }
        }
    }

    /// The validator, given a request that leaves everything to the defaults, accepts it for every mode the model offers.
    @Test("a request with only defaults validates for every offered mode")
    func defaultsValidate() throws {
        for manifest in try Self.manifests() {
            for model in manifest.models {
                for scenario in [Scenario.textToVideo, .firstFrame, .firstLastFrame, .referenceImages, .multimodalReference]
                where model.supports(Capability(scenario)) {
                    let videos = scenario == .multimodalReference ? [MediaInput(url: "https://assets.example/motion.mp4")] : []
                    let spec = JobSpec(model: model.name, prompt: "a lighthouse at dusk", images: Self.images(for: scenario), videos: videos)
                    #expect(throws: Never.self, "\(manifest.id) \(model.name) \(scenario.rawValue)") {
                        try JobValidator.normalise(spec, offering: model, manifest: manifest)
                    }
                }
            }
        }
    }

    static func images(for scenario: Scenario) -> [ImageInput] {
        let url = "https://assets.example/frame.png"
        switch scenario {
        case .textToVideo: return []
        case .firstFrame: return [ImageInput(url: url, role: .firstFrame)]
        case .firstLastFrame: return [ImageInput(url: url, role: .firstFrame), ImageInput(url: url, role: .lastFrame)]
        case .referenceImages, .multimodalReference: return [ImageInput(url: url, role: .reference)]
        }
    }
}
