import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SeedGateCore

/// Answers a request for an archived file from the media store: 200 with the whole file, 206 with one range, 416,
/// or 304 when `If-None-Match` holds its ETag; `HEAD` gets the headers alone. The ETag is the SHA-256 recorded when
/// the file was stored.
enum ArchivedFileResponse {
    static func make(
        job: Job, file: ArchivedFile, variant: JobService.MediaVariant, media: any MediaStore, request: Request
    ) async throws -> Response {
        let etag = "\"\(file.sha256)\""
        var headers: HTTPFields = [
            .contentType: file.contentType, .eTag: etag, .acceptRanges: "bytes", .cacheControl: "private, max-age=86400",
        ]
        let ext = file.key.split(separator: ".").last.map(String.init) ?? "bin"
        headers[.contentDisposition] = "inline; filename=\"\(job.id.rawValue)\(variant == .video ? "" : "-last-frame").\(ext)\""
        if let match = request.headers[.ifNoneMatch],
            match.split(separator: ",").contains(where: { ["*", etag].contains($0.trimmingCharacters(in: .whitespaces)) })
        {
            return Response(status: .notModified, headers: headers)
        }
        var range = ByteRange(header: request.headers[.range], size: file.bytes)
        if let ifRange = request.headers[.ifRange], ifRange != etag { range = .whole }
        let status: HTTPResponse.Status
        let bytes: ClosedRange<Int64>?
        switch range {
        case .unsatisfiable:
            var problem = ProblemDetails(
                status: 416, code: "range_not_satisfiable", title: "Range not satisfiable", detail: "the file has \(file.bytes) bytes",
                field: "Range")
            problem.extraHeaders[.contentRange] = "bytes */\(file.bytes)"
            throw problem
        case .whole:
            status = .ok
            bytes = nil
            headers[.contentLength] = String(file.bytes)
        case .part(let part):
            status = .partialContent
            bytes = part
            headers[.contentLength] = String(part.count)
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(file.bytes)"
        }
        if request.method == .head { return Response(status: status, headers: headers) }
        let stream: MediaByteStream
        do {
            stream = try await media.read(file.key, range: bytes)
        } catch let error as MediaStoreError where error.kind == .notFound {
            throw ProblemDetails(
                status: 404, code: "not_found", title: "Not found", detail: "the archived file of job \(job.id) is missing from the media store")
        } catch {
            throw ProblemDetails(
                status: 503, code: "media_unavailable", title: "Media store unavailable",
                detail: "the archived file could not be read now; try again", retryAfter: 5)
        }
        return Response(status: status, headers: headers, body: ResponseBody(asyncSequence: stream.map { ByteBuffer(bytes: $0) }))
    }
}
