import Foundation
import SeedGateAPI
import SeedGateCore

// Conversions between the generated wire types and SeedGateCore. Generated types stop in this module.

extension CreateJob {
    init(_ body: Components.Schemas.CreateJobRequest) throws {
        var tier: ServiceTier?
        if let raw = body.serviceTier {
            guard let value = ServiceTier(rawValue: raw) else {
                throw ProblemDetails(
                    status: 400, code: "invalid_request", title: "Invalid request", detail: "service_tier must be default or flex",
                    field: "service_tier")
            }
            tier = value
        }
        func parse<Value: RawRepresentable & CaseIterable>(_ raw: String?, _ field: String) throws -> Value? where Value.RawValue == String {
            guard let raw else { return nil }
            guard let value = Value(rawValue: raw) else {
                let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
                throw ProblemDetails(
                    status: 400, code: "invalid_request", title: "Invalid request", detail: "\(field) must be one of \(allowed)", field: field)
            }
            return value
        }
        let media = { (items: [Components.Schemas.MediaInput]?) in
            (items ?? []).map { MediaInput(url: $0.url, role: .reference, seconds: $0.seconds) }
        }
        let spec = JobSpec(
            model: body.model, prompt: body.prompt,
            images: (body.images ?? []).map { ImageInput(url: $0.url, role: ImageRole(rawValue: $0.role?.rawValue ?? "") ?? .firstFrame) },
            resolution: body.resolution, ratio: body.ratio, duration: body.duration, frames: body.frames, seed: body.seed,
            cameraFixed: body.cameraFixed, watermark: body.watermark, generateAudio: body.generateAudio,
            returnLastFrame: body.returnLastFrame, draft: body.draft, draftJobID: body.draftJobId,
            serviceTier: tier, expiresAfter: body.expiresAfter,
            provider: body.provider,
            videos: media(body.videos), audios: media(body.audios), priority: body.priority, safetyIdentifier: body.safetyIdentifier,
            tools: body.tools.map { $0.map { ToolType(rawValue: $0._type.rawValue) ?? .webSearch } },
            taskType: try parse(body.taskType, "task_type"), outputFormat: try parse(body.outputFormat, "output_format")
        )
        self.init(spec: spec, metadata: body.metadata?.additionalProperties ?? [:], callbackURL: body.callbackUrl)
    }
}

extension Components.Schemas.Job {
    /// The job as the API shows it; `links` (with `now`) adds fresh signed links to archived files, and `emulated`
    /// (the providers emulated in-process) marks a job one of them serves.
    init(_ job: Job, links: MediaLinks? = nil, emulated: Set<ProviderID> = [], now: Date = Date()) {
        self.init(
            id: job.id.rawValue, object: .job, status: .init(job.status), model: job.model,
            provider: job.provider?.rawValue, providerEmulated: job.provider.map { emulated.contains($0) }, request: .init(job.spec),
            output: job.output.map { .init($0, job: job.id, links: links, now: now) },
            usage: job.usage.map {
                .init(
                    completionTokens: $0.completionTokens, totalTokens: $0.totalTokens,
                    toolUsage: $0.webSearchCalls.map { .init(webSearch: $0) })
            },
            error: job.error.map { .init($0) },
            upstream: job.upstream.map { .init(taskId: $0.taskID, status: $0.status) },
            attempts: job.attempts.map {
                .init(
                    provider: $0.provider.rawValue, outcome: .init(rawValue: $0.outcome.rawValue) ?? .unknown, error: $0.error.map { .init($0) },
                    at: $0.at)
            },
            unconfirmedUntil: job.unconfirmedUntil,
            metadata: .init(additionalProperties: job.metadata), callbackUrl: job.callbackURL,
            createdAt: job.createdAt, updatedAt: job.updatedAt, startedAt: job.startedAt, finishedAt: job.finishedAt
        )
    }
}

extension Components.Schemas.JobStatus {
    init(_ status: JobStatus) { self = .init(rawValue: status.rawValue)! }
}

extension Components.Schemas.JobRequest {
    init(_ spec: JobSpec) {
        self.init(
            prompt: spec.prompt,
            images: spec.images.isEmpty ? nil : spec.images.map { .init(url: $0.url, role: .init(rawValue: $0.role.rawValue)!) },
            model: spec.model, resolution: spec.resolution, ratio: spec.ratio, duration: spec.duration, frames: spec.frames,
            seed: spec.seed, cameraFixed: spec.cameraFixed, watermark: spec.watermark, generateAudio: spec.generateAudio,
            returnLastFrame: spec.returnLastFrame, draft: spec.draft, draftJobId: spec.draftJobID,
            serviceTier: spec.serviceTier.flatMap { .init(rawValue: $0.rawValue) }, expiresAfter: spec.expiresAfter,
            videos: spec.videos.isEmpty ? nil : spec.videos.map { .init(url: $0.url, role: .reference, seconds: $0.seconds) },
            audios: spec.audios.isEmpty ? nil : spec.audios.map { .init(url: $0.url, role: .reference, seconds: $0.seconds) },
            priority: spec.priority, safetyIdentifier: spec.safetyIdentifier,
            tools: spec.tools.flatMap { $0.isEmpty ? nil : $0.map { .init(_type: .init(rawValue: $0.rawValue) ?? .webSearch) } },
            taskType: spec.taskType?.rawValue, outputFormat: spec.outputFormat?.rawValue,
            provider: spec.provider
        )
    }
}

extension Components.Schemas.JobOutput {
    init(_ output: JobOutput, job id: JobID, links: MediaLinks?, now: Date) {
        self.init(
            videoUrl: output.videoURL, lastFrameUrl: output.lastFrameURL,
            providerVideoUrl: output.providerVideoURL, providerLastFrameUrl: output.providerLastFrameURL,
            archive: output.archive.map { .init($0) },
            duration: output.duration, frames: output.frames,
            resolution: output.resolution, ratio: output.ratio, fps: output.fps, seed: output.seed, expiresAt: output.expiresAt,
            priority: output.priority, safetyIdentifier: output.safetyIdentifier, generateAudio: output.generateAudio,
            outputFormat: output.outputFormat, toolsUsed: output.toolsUsed
        )
        if let links, let archive = output.archive, archive.phase == .archived {
            let video = links.link(job: id, variant: .video, now: now)
            signedVideoUrl = video.url
            signedUrlExpiresAt = video.expiresAt
            if archive.lastFrame != nil { signedLastFrameUrl = links.link(job: id, variant: .lastFrame, now: now).url }
        }
    }
}

extension Components.Schemas.Archive {
    init(_ archive: ArchiveState) {
        self.init(
            state: .init(rawValue: archive.phase.rawValue) ?? .pending, attempts: archive.attempts, nextAttemptAt: archive.nextAttemptAt,
            store: archive.store, video: archive.video.map { .init($0) }, lastFrame: archive.lastFrame.map { .init($0) },
            archivedAt: archive.archivedAt, deletedAt: archive.deletedAt, deletedBy: archive.deletedBy.flatMap { .init(rawValue: $0) },
            error: archive.lastError.map {
                .init(code: .init(rawValue: $0.code.rawValue) ?? .storeFailed, message: $0.message, at: $0.at, permanent: $0.permanent ? true : nil)
            }
        )
    }
}

extension Components.Schemas.ArchivedFile {
    init(_ file: SeedGateCore.ArchivedFile) {
        self.init(bytes: file.bytes, sha256: file.sha256, contentType: file.contentType)
    }
}

extension Components.Schemas.JobError {
    init(_ error: JobError) {
        self.init(code: error.code.rawValue, message: error.message, providerCode: error.providerCode, providerMessage: error.providerMessage)
    }
}

extension Components.Schemas.JobList {
    init(_ page: JobPage, links: MediaLinks? = nil, emulated: Set<ProviderID> = [], now: Date = Date()) {
        self.init(
            object: .list, data: page.jobs.map { .init($0, links: links, emulated: emulated, now: now) }, hasMore: page.next != nil,
            nextCursor: page.next.map(JobCursor.encode))
    }
}
