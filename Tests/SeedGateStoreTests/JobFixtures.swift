import Foundation
import SeedGateCore

/// Jobs and events for the store tests. Dates carry sub-millisecond fractions on purpose.
enum JobFixtures {
    static let model = "seedance-1.5-pro"

    /// A fresh queued job created at `createdAt` (its id sorts by that time).
    static func job(
        tenant: String = "acme", model: String = model, createdAt: Date = Date(), idempotencyKey: String? = nil
    ) -> Job {
        Job(
            id: .generate(at: createdAt), tenant: tenant, spec: JobSpec(model: model, prompt: "x"),
            route: ["volcengine-ark"], metadata: [:], callbackURL: nil, idempotencyKey: idempotencyKey,
            createdAt: createdAt
        )
    }

    /// `count` jobs created one second apart starting at `start`, oldest first.
    static func jobs(_ count: Int, tenant: String = "acme", from start: Date = Date()) -> [Job] {
        (0..<count).map { job(tenant: tenant, createdAt: start.addingTimeInterval(Double($0))) }
    }

    /// A job with every field set, including nested optionals both present and absent.
    static func detailed(createdAt created: Date = Date()) -> Job {
        let spec = JobSpec(
            model: model, prompt: "a cat on a \"skateboard\" / ünïcødé 🎬\nsecond line",
            images: [
                ImageInput(url: "https://example.com/a.png", role: .firstFrame),
                ImageInput(url: "data:image/png;base64,iVBORw0KGgo=", role: .lastFrame),
            ],
            resolution: "720p", ratio: "16:9", duration: 5, frames: nil, seed: -1, cameraFixed: false, watermark: nil,
            generateAudio: true, returnLastFrame: nil, draft: false, draftJobID: nil, serviceTier: .flex,
            expiresAfter: 3600, provider: nil
        )
        var job = Job(
            id: .generate(at: created), tenant: "tenant-ü", spec: spec, route: ["byteplus-modelark", "volcengine-ark"],
            metadata: ["order": "42", "empty": "", "emoji 🎥": "yes"], callbackURL: "https://example.com/cb?a=1&b=2",
            idempotencyKey: "key-\(UUID().uuidString)", createdAt: created
        )
        job.status = .succeeded
        job.provider = "volcengine-ark"
        job.submission = .accepted
        job.upstream = UpstreamRef(taskID: "cgt-20250101-abc", status: nil)
        job.output = JobOutput(
            videoURL: "https://cdn.example.com/v.mp4?sig=x%2By", lastFrameURL: nil, duration: 5, frames: 121,
            resolution: "720p", ratio: "16:9", fps: 24, seed: Int64.max, expiresAt: created.addingTimeInterval(86_400.123_456_7)
        )
        job.usage = JobUsage(completionTokens: 108_900, totalTokens: nil)
        job.error = JobError(code: .providerUnavailable, message: "kept for the round trip", providerCode: "Overloaded", providerMessage: nil)
        job.attempts = [
            Attempt(
                provider: "byteplus-modelark", outcome: .retryable,
                error: JobError(code: .providerUnavailable, message: "503", providerCode: nil, providerMessage: "busy"),
                at: created.addingTimeInterval(0.000_123)
            ),
            Attempt(provider: "volcengine-ark", outcome: .accepted, error: nil, at: created.addingTimeInterval(1.5)),
        ]
        job.startedAt = created.addingTimeInterval(2.25)
        job.finishedAt = created.addingTimeInterval(61.000_001)
        job.updatedAt = job.finishedAt!
        job.nextCheckAt = Date(timeIntervalSinceReferenceDate: 1.0 / 3.0)
        return job
    }

    /// A status event for `job` at `date`.
    static func event(_ job: Job, at date: Date = Date()) -> JobEvent {
        JobEvent.statusChanged(job, at: date)
    }
}

extension Job {
    /// A copy with some fields changed, for setting up store states directly.
    func with(_ change: (inout Job) -> Void) -> Job {
        var copy = self
        change(&copy)
        return copy
    }
}
