import Foundation
import SeedGateTesting
import Testing

@testable import SeedGateCore

/// Each rule, accepted and rejected: shape first, then against the model's offering.
@Suite struct ValidationTests: ValidationHarness {
    let manifest = Fixtures.manifest()

    @Test func textToVideoGetsDefaults() throws {
        let spec = try normalise(JobSpec(model: "seedance-1.5-pro", prompt: "a cat"))
        #expect(spec.resolution == "720p")
        #expect(spec.ratio == "adaptive")
        #expect(spec.duration == 5)
        #expect(spec.generateAudio == true)
        #expect(spec.serviceTier == .default)
        #expect(spec.expiresAfter == 172_800)
        #expect(spec.watermark == false)
    }

    @Test(arguments: [(4, true), (12, true), (-1, true), (3, false), (13, false), (99, false)])
    func durationOn15Pro(_ duration: Int, _ ok: Bool) {
        let result = failure(JobSpec(model: "seedance-1.5-pro", prompt: "x", duration: duration))
        #expect((result == nil) == ok)
        if !ok { #expect(result?.field == "duration") }
    }

    @Test(arguments: [(2, true), (12, true), (-1, false), (1, false), (13, false)])
    func durationOn10Pro(_ duration: Int, _ ok: Bool) {
        #expect((failure(JobSpec(model: "seedance-1.0-pro", prompt: "x", duration: duration)) == nil) == ok)
    }

    @Test(arguments: [(29, true), (33, true), (289, true), (57, true), (25, false), (30, false), (293, false)])
    func framesRule(_ frames: Int, _ ok: Bool) {
        let result = failure(JobSpec(model: "seedance-1.0-pro", prompt: "x", frames: frames))
        #expect((result == nil) == ok)
        if !ok { #expect(result?.field == "frames") }
    }

    @Test func framesNotOn15ProAndNotWithDuration() {
        #expect(failure(JobSpec(model: "seedance-1.5-pro", prompt: "x", frames: 29))?.code == .unsupported)
        #expect(failure(JobSpec(model: "seedance-1.0-pro", prompt: "x", duration: 5, frames: 29))?.field == "frames")
    }

    @Test func resolutions() {
        #expect(failure(JobSpec(model: "seedance-1.5-pro", prompt: "x", resolution: "1080p")) == nil)
        #expect(failure(JobSpec(model: "seedance-1.5-pro", prompt: "x", resolution: "4k"))?.field == "resolution")
    }

    @Test func adaptiveRatioForTextToVideoOnlyOn15Pro() {
        #expect(failure(JobSpec(model: "seedance-1.5-pro", prompt: "x", ratio: "adaptive")) == nil)
        #expect(failure(JobSpec(model: "seedance-1.0-pro", prompt: "x", ratio: "adaptive"))?.field == "ratio")
        #expect(
            failure(JobSpec(model: "seedance-1.0-pro", prompt: "x", images: [.init(url: Fixtures.image, role: .firstFrame)], ratio: "adaptive"))
                == nil)
        #expect(failure(JobSpec(model: "seedance-1.0-pro", prompt: "x", ratio: "5:4"))?.field == "ratio")
    }

    @Test func draftOnlyOn15ProAnd480p() throws {
        let draft = try normalise(JobSpec(model: "seedance-1.5-pro", prompt: "x", draft: true))
        #expect(draft.resolution == "480p")
        #expect(failure(JobSpec(model: "seedance-1.5-pro", prompt: "x", resolution: "720p", draft: true))?.field == "resolution")
        #expect(failure(JobSpec(model: "seedance-1.0-pro", prompt: "x", draft: true))?.code == .unsupported)
        #expect(failure(JobSpec(model: "seedance-1.5-pro", prompt: "x", returnLastFrame: true, draft: true))?.field == "return_last_frame")
        #expect(failure(JobSpec(model: "seedance-1.5-pro", prompt: "x", draft: true, serviceTier: .flex))?.field == "service_tier")
    }

    @Test func imageRolesAndCounts() {
        let first = ImageInput(url: Fixtures.image, role: .firstFrame)
        let last = ImageInput(url: Fixtures.image, role: .lastFrame)
        let reference = ImageInput(url: Fixtures.image, role: .reference)
        #expect(failure(JobSpec(model: "seedance-1.5-pro", images: [first])) == nil)
        #expect(failure(JobSpec(model: "seedance-1.5-pro", images: [first, last])) == nil)
        #expect(failure(JobSpec(model: "seedance-1.5-pro", images: [last]))?.field == "images[0].role")
        #expect(failure(JobSpec(model: "seedance-1.5-pro", images: [first, first]))?.field == "images")
        #expect(failure(JobSpec(model: "seedance-1.5-pro", images: [reference]))?.code == .unsupported)
        #expect(failure(JobSpec(model: "seedance-1.0-lite-i2v", prompt: "x", images: [reference, reference, reference, reference])) == nil)
        #expect(failure(JobSpec(model: "seedance-1.0-lite-i2v", prompt: "x", images: [reference, first]))?.field == "images[1].role")
        #expect(failure(JobSpec(model: "seedance-1.0-lite-i2v", prompt: "x", images: Array(repeating: reference, count: 5)))?.field == "images")
        #expect(failure(JobSpec(model: "seedance-1.0-lite-i2v", prompt: "x", images: [reference], resolution: "1080p"))?.field == "resolution")
        #expect(failure(JobSpec(model: "seedance-1.0-lite-i2v", prompt: "x", images: [reference], ratio: "adaptive"))?.field == "ratio")
        #expect(failure(JobSpec(model: "seedance-1.0-lite-i2v", prompt: "x", images: [reference], cameraFixed: true))?.field == "camera_fixed")
    }

    @Test func liteI2VNeedsAnImage() {
        let result = failure(JobSpec(model: "seedance-1.0-lite-i2v", prompt: "x"))
        #expect(result?.code == .unsupported)
        #expect(result?.field == "images")
    }

    @Test(arguments: [(Int64(-1), true), (0, true), (4_294_967_295, true), (4_294_967_296, false), (-2, false)])
    func seedRange(_ seed: Int64, _ ok: Bool) {
        let result = failure(JobSpec(model: "seedance-1.5-pro", prompt: "x", seed: seed))
        #expect((result == nil) == ok)
        if !ok { #expect(result?.field == "seed") }
    }

    @Test(arguments: [(3_600, true), (259_200, true), (3_599, false), (259_201, false)])
    func expiresAfterRange(_ seconds: Int, _ ok: Bool) {
        #expect((failure(JobSpec(model: "seedance-1.5-pro", prompt: "x", expiresAfter: seconds)) == nil) == ok)
    }

    @Test func audioOnlyWhereOffered() {
        #expect(failure(JobSpec(model: "seedance-1.0-pro", prompt: "x", generateAudio: true))?.code == .unsupported)
        #expect(failure(JobSpec(model: "seedance-1.0-pro", prompt: "x", generateAudio: false)) == nil)
    }

    @Test func promptRules() {
        #expect(failure(JobSpec(model: "seedance-1.5-pro"))?.field == "prompt")
        #expect(failure(JobSpec(model: "seedance-1.5-pro", prompt: "   "))?.field == "prompt")
        #expect(failure(JobSpec(model: "seedance-1.5-pro", prompt: String(repeating: "a", count: 4_001)))?.field == "prompt")
    }

    @Test func imageURLs() {
        let png = "data:image/png;base64," + Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]).base64EncodedString()
        #expect(failure(JobSpec(model: "seedance-1.5-pro", images: [.init(url: png, role: .firstFrame)])) == nil)
        let notPNG = "data:image/png;base64," + Data("hello world!".utf8).base64EncodedString()
        #expect(failure(JobSpec(model: "seedance-1.5-pro", images: [.init(url: notPNG, role: .firstFrame)]))?.field == "images[0].url")
        #expect(
            failure(JobSpec(model: "seedance-1.5-pro", images: [.init(url: "data:image/png;base64,@@@", role: .firstFrame)]))?.field
                == "images[0].url")
        #expect(
            failure(JobSpec(model: "seedance-1.5-pro", images: [.init(url: "data:image/PNG;base64,AAAA", role: .firstFrame)]))?.field
                == "images[0].url")
        #expect(failure(JobSpec(model: "seedance-1.5-pro", images: [.init(url: "ftp://x/y.png", role: .firstFrame)]))?.field == "images[0].url")
    }

    @Test func callbackAndMetadataBounds() {
        let spec = JobSpec(model: "seedance-1.5-pro", prompt: "x")
        #expect(throws: ValidationFailure.self) { try JobValidator.checkShape(spec, callbackURL: "not a url", metadata: [:]) }
        #expect(throws: ValidationFailure.self) {
            try JobValidator.checkShape(spec, callbackURL: nil, metadata: Dictionary(uniqueKeysWithValues: (0..<17).map { ("k\($0)", "v") }))
        }
        #expect(throws: ValidationFailure.self) {
            try JobValidator.checkShape(spec, callbackURL: nil, metadata: ["k": String(repeating: "v", count: 513)])
        }
    }

    @Test func draftReferenceRules() {
        let id = JobID.generate().rawValue
        #expect(failure(JobSpec(model: "seedance-1.5-pro", draftJobID: id)) == nil)
        #expect(failure(JobSpec(model: "seedance-1.5-pro", prompt: "x", draftJobID: id))?.field == "prompt")
        #expect(failure(JobSpec(model: "seedance-1.5-pro", draftJobID: "nope"))?.field == "draft_job_id")
        #expect(failure(JobSpec(model: "seedance-1.0-pro", draftJobID: id))?.code == .unsupported)
    }

    @Test func randomSeedIsLeftOutWhereTheProviderHasNoSentinel() throws {
        let narrow = Fixtures.manifest("modelverse", seedRange: .init(min: 0, max: 2_147_483_647))
        let spec = JobSpec(model: "seedance-1.5-pro", prompt: "x", seed: -1)
        #expect(try JobValidator.normalise(spec, offering: narrow.offering(for: spec.model)!, manifest: narrow).seed == nil)
        #expect(try JobValidator.normalise(spec, offering: manifest.offering(for: spec.model)!, manifest: manifest).seed == -1)
    }

    @Test func providerSeedRangeApplies() {
        let narrow = Fixtures.manifest("modelverse", seedRange: .init(min: 0, max: 2_147_483_647))
        let spec = JobSpec(model: "seedance-1.5-pro", prompt: "x", seed: 4_000_000_000)
        #expect(throws: ValidationFailure.self) { try JobValidator.normalise(spec, offering: narrow.offering(for: spec.model)!, manifest: narrow) }
    }
}
