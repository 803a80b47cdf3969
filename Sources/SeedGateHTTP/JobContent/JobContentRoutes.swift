import Foundation
import HTTPTypes
import Hummingbird
import SeedGateAPI
import SeedGateCore

/// `GET|HEAD /v1/jobs/{id}/content[?variant=last_frame]` and `DELETE /v1/jobs/{id}/content`: SeedGate's archived copy
/// of a succeeded job's files. Hand-written (not generated from the spec, which documents them under the Content tag)
/// because they stream bytes with Range and accept signed links: a read is allowed with the caller's API key (their
/// tenant's jobs only) or, without one, with a valid `expires` + `signature` pair made by `MediaLinks`.
struct JobContentRoutes: Sendable {
    let jobs: JobService
    let media: (any MediaStore)?
    let links: MediaLinks?
    let keys: APIKeys

    /// Reads go on the open group (they authenticate themselves); the delete needs a key like the rest of the API.
    func add<Context: RequestContext>(open: RouterGroup<Context>, authenticated: RouterGroup<Context>) {
        open.get("/v1/jobs/:job_id/content") { request, context in try await read(request, id: context.parameters.get("job_id") ?? "") }
        open.head("/v1/jobs/:job_id/content") { request, context in try await read(request, id: context.parameters.get("job_id") ?? "") }
        authenticated.delete("/v1/jobs/:job_id/content") { _, context in try await delete(id: context.parameters.get("job_id") ?? "") }
    }

    func read(_ request: Request, id: String) async throws -> Response {
        let query = request.uri.queryParameters
        let variant = try Self.variant(query.get("variant"))
        let tenant: String?
        if let signature = query.get("signature") {
            guard let links, let expires = query.get("expires").flatMap({ Int($0) }),
                links.verify(job: id, variant: variant, expires: expires, signature: signature, now: jobs.now())
            else {
                throw ProblemDetails(
                    status: 403, code: "invalid_signature", title: "Forbidden",
                    detail: "the signed link is invalid or has expired; read the job again for a fresh output.signed_video_url", field: "signature")
            }
            tenant = nil
        } else {
            tenant = try keys.authenticate(request).visibleTenant
        }
        let (job, file) = try await jobs.archivedFile(id: id, tenant: tenant, variant: variant)
        guard let media else {
            throw ProblemDetails(status: 503, code: "media_unavailable", title: "Media store unavailable", detail: "no media store is configured")
        }
        return try await ArchivedFileResponse.make(job: job, file: file, variant: variant, media: media, request: request)
    }

    /// Removes the files, then records the deletion: later reads answer 410.
    func delete(id: String) async throws -> Response {
        let job = try await jobs.jobForMediaDeletion(id: id, tenant: Caller.current.visibleTenant)
        let files = [job.output?.archive?.video, job.output?.archive?.lastFrame].compactMap { $0 }
        if let media {
            do {
                for file in files { try await media.delete(file.key) }
            } catch {
                throw ProblemDetails(
                    status: 503, code: "media_unavailable", title: "Media store unavailable",
                    detail: "the archived files could not be deleted now; try again", retryAfter: 5)
            }
        }
        let (saved, _) = try await jobs.recordMediaDeleted(job, by: "client")
        return HTTPJSON.response(Components.Schemas.Job(saved, links: links, now: jobs.now()))
    }

    static func variant(_ raw: String?) throws -> JobService.MediaVariant {
        guard let raw else { return .video }
        guard let variant = JobService.MediaVariant(rawValue: raw) else {
            throw ProblemDetails(
                status: 400, code: "invalid_request", title: "Invalid request", detail: "variant: must be video or last_frame", field: "variant")
        }
        return variant
    }
}
