import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SeedGateCore

/// The OpenAI Videos API over SeedGate's jobs, so code written for `client.videos` works by changing its base URL
/// to `http://<seedgate>/v1`:
///
/// | route | does |
/// |---|---|
/// | `POST /v1/videos` | creates a job (see `OpenAIVideoRequest`), answers the video object (200) |
/// | `GET /v1/videos/{id}` | the video object, with `openai-poll-after-ms` while it is unfinished |
/// | `GET /v1/videos?after&limit&order` | a page of the caller's videos (`order` desc by default) |
/// | `DELETE /v1/videos/{id}` | cancels an unfinished video; answers `{"id","object":"video.deleted","deleted"}` |
/// | `GET /v1/videos/{id}/content?variant=` | the video's bytes (`video`), or its last frame (`thumbnail`) |
///
/// Every create, read and cancel goes through `JobService`. Errors are answered in OpenAI's shape.
struct OpenAIVideosRoutes: Sendable {
    let jobs: JobService
    let maxBodyBytes: Int
    let files: ResultFileFetcher
    /// Archived files, served in preference to the provider's (which expire).
    var media: (any MediaStore)? = nil

    /// The facade's routes: everything they throw (a refused API key included) is answered as an OpenAI error.
    func routes<Context: RequestContext>(authentication: AuthenticationMiddleware<Context>) -> RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
            .add(middleware: FacadeErrorMiddleware<Context, OpenAIError>(facade: "openai") { OpenAIError($0) })
            .add(middleware: authentication)
        routes.post("/v1/videos") { request, _ in try await create(request) }
        routes.get("/v1/videos") { request, _ in try await list(request) }
        routes.get("/v1/videos/:id") { _, context in try await retrieve(id: context.parameters.get("id") ?? "") }
        routes.delete("/v1/videos/:id") { _, context in try await delete(id: context.parameters.get("id") ?? "") }
        routes.get("/v1/videos/:id/content") { request, context in
            try await content(id: context.parameters.get("id") ?? "", variant: request.uri.queryParameters.get("variant"), request: request)
        }
        return routes
    }

    func create(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: maxBodyBytes)
        let parsed = try OpenAIVideoRequest(contentType: request.headers[.contentType], body: Data(body.readableBytesView))
        var create = try parsed.createJob(catalogue: jobs.catalogue)
        // Idempotency-Key as on /v1/jobs: a retry replays the job, another body with the key is a 422, a retry while
        // the first is still being handled a 409 (which the SDK retries).
        try IdempotencyKey.apply(request, to: &create, api: "openai-videos")
        let created = try await jobs.create(create, tenant: Caller.current.tenant)
        return HTTPJSON.response(OpenAIVideo(created.job), headers: created.replayed ? [.idempotentReplayed: "true"] : [:])
    }

    func retrieve(id: String) async throws -> Response {
        let job = try await find(id)
        var headers: HTTPFields = [:]
        if let wait = Self.pollAfterMilliseconds(job) { headers[.openAIPollAfterMs] = String(wait) }
        return HTTPJSON.response(OpenAIVideo(job), headers: headers)
    }

    func list(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var limit = 20
        if let raw = query.get("limit") {
            guard let value = Int(raw), (1...100).contains(value) else {
                throw OpenAIError.invalid("limit", "Invalid 'limit': expected an integer between 1 and 100.")
            }
            limit = value
        }
        let order = query.get("order") ?? "desc"
        guard order == "asc" || order == "desc" else { throw OpenAIError.invalid("order", "Invalid 'order': expected 'asc' or 'desc'.") }
        var after: JobID?
        if let raw = query.get("after"), !raw.isEmpty {
            guard let id = JobID(raw) else { throw OpenAIError.invalid("after", "Invalid 'after': '\(raw)' is not a video id.") }
            after = id
        }
        let base = JobQuery(tenant: Caller.current.visibleTenant)
        let page: [Job]
        let hasMore: Bool
        if order == "desc" {
            var pageQuery = base
            pageQuery.limit = limit
            pageQuery.after = after
            let result = try await jobs.list(pageQuery)
            (page, hasMore) = (result.jobs, result.next != nil)
        } else {
            // The store lists newest first only: read the newer jobs (down to `after`) and turn them round.
            let scan = try await JobScan.newestFirst(jobs, base, stop: { job in after.map { job.id <= $0 } ?? false })
            if scan.truncated {
                throw OpenAIError.invalid(
                    "order", "order=asc can page through at most the \(JobScan.cap) newest videos; use order=desc, or give a more recent 'after'.")
            }
            let ascending = scan.jobs.reversed()
            (page, hasMore) = (Array(ascending.prefix(limit)), ascending.count > limit)
        }
        let videos = page.map(OpenAIVideo.init)
        return HTTPJSON.response(OpenAIVideoList(data: videos, firstID: videos.first?.id, lastID: videos.last?.id, hasMore: hasMore))
    }

    func delete(id: String) async throws -> Response {
        let job = try await find(id)
        guard !job.status.isTerminal else { return HTTPJSON.response(OpenAIVideoDeleted(id: job.id.rawValue, deleted: false)) }
        do {
            _ = try await jobs.cancel(id: job.id.rawValue, tenant: Caller.current.visibleTenant, patience: FacadeCancel.patience)
        } catch JobServiceError.conflict(let conflict) {
            // The job may have ended meanwhile; otherwise the provider cannot cancel it in its current state.
            if try await find(id).status.isTerminal { return HTTPJSON.response(OpenAIVideoDeleted(id: job.id.rawValue, deleted: false)) }
            throw OpenAIError(status: 400, message: "The video cannot be cancelled now: \(conflict.message)", code: "video_not_cancellable")
        }
        return HTTPJSON.response(OpenAIVideoDeleted(id: job.id.rawValue, deleted: true))
    }

    func content(id: String, variant: String?, request: Request) async throws -> Response {
        let job = try await find(id)
        let variant = variant ?? "video"
        guard ["video", "thumbnail", "spritesheet"].contains(variant) else {
            throw OpenAIError.invalid("variant", "Invalid 'variant': expected 'video', 'thumbnail' or 'spritesheet'.")
        }
        switch job.status {
        case .queued, .running:
            throw OpenAIError(
                status: 400, message: "The video is not ready: it is \(OpenAIVideo.status(job.status)). Poll it until it is completed.",
                code: "video_not_ready")
        case .failed, .cancelled, .expired:
            throw OpenAIError(status: 404, message: "The video failed, so it has no content.", code: "not_found")
        case .succeeded:
            break
        }
        let archived: JobService.MediaVariant? = variant == "video" ? .video : variant == "thumbnail" ? .lastFrame : nil
        if let archived, let media, let archive = job.output?.archive {
            switch archive.phase {
            case .archived:
                if let file = archived == .video ? archive.video : archive.lastFrame {
                    return try await ArchivedFileResponse.make(job: job, file: file, variant: archived, media: media, request: request)
                }
            case .deleted:
                throw OpenAIError(status: 404, message: "The video's content was deleted.", code: "not_found")
            case .pending, .failed:
                break // the provider's copy, while it lasts
            }
        }
        let url: String?
        switch variant {
        case "video": url = job.output?.providerVideoURL ?? job.output?.videoURL
        case "thumbnail": url = job.output?.providerLastFrameURL ?? job.output?.lastFrameURL
        default: url = nil
        }
        guard let url else {
            let message =
                variant == "thumbnail"
                ? "This video has no thumbnail: SeedGate has a last frame only where the provider returned one."
                : "This video has no \(variant)."
            throw OpenAIError(status: 404, message: message, param: "variant", code: "not_found")
        }
        return try await stream(url, defaultType: variant == "video" ? "video/mp4" : "image/png")
    }

    /// Streams a provider's file on to the client.
    private func stream(_ url: String, defaultType: String) async throws -> Response {
        guard let scheme = URL(string: url)?.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw OpenAIError(status: 502, message: "The provider gave a file URL SeedGate cannot fetch.", code: "provider_error")
        }
        let file: FetchedFile
        do {
            file = try await files.fetch(url)
        } catch {
            throw OpenAIError(status: 502, message: "The provider's file could not be fetched.", code: "provider_error")
        }
        switch file.status {
        case 200..<300:
            var headers: HTTPFields = [.contentType: file.contentType ?? defaultType]
            if let length = file.contentLength { headers[.contentLength] = String(length) }
            return Response(status: .ok, headers: headers, body: file.body)
        case 403, 404, 410:
            throw OpenAIError(status: 404, message: "The provider no longer serves this file (results expire; see expires_at).", code: "not_found")
        default:
            throw OpenAIError(status: 502, message: "The provider answered \(file.status) for the file.", code: "provider_error")
        }
    }

    /// The caller's video, or OpenAI's 404.
    private func find(_ id: String) async throws -> Job {
        do {
            return try await jobs.job(id: id, tenant: Caller.current.visibleTenant)
        } catch JobServiceError.notFound {
            throw OpenAIError.videoNotFound(id)
        }
    }

    /// How long the SDK's `poll()` should wait: until SeedGate next checks the job, between 0.5 s and 30 s.
    static func pollAfterMilliseconds(_ job: Job, now: Date = Date()) -> Int? {
        guard !job.status.isTerminal else { return nil }
        let next = job.dueAt.map { $0.timeIntervalSince(now) } ?? 1
        return Int((min(max(next, 0.5), 30) * 1000).rounded())
    }
}

extension HTTPField.Name {
    static let openAIPollAfterMs = Self("openai-poll-after-ms")!
}
