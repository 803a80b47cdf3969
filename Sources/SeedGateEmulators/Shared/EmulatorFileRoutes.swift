import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// The emulators' model of a provider's file server (Ark's and BytePlus's signed TOS links, ModelVerse's, AceData's and
/// Chanjing's CDNs), one for every emulator: `GET` and `HEAD /emulator/files/{task id}.{mp4|mov|png|jpeg}`, no
/// authentication, as a signed or public link needs none.
///
/// - A succeeded task's files (`EmulatorResultSpec`) are the real media of its ratio and kind (`EmulatorMedia`), with
///   `Content-Type`, `Content-Length`, `Accept-Ranges: bytes` and an `ETag` (the quoted MD5, as object stores give a
///   file uploaded in one part).
/// - `Range: bytes=a-b`, `bytes=a-` and `bytes=-n` answer 206 with `Content-Range: bytes a-b/size` (an end past the file
///   is cut to it); a range starting at or past the end, or `-0`, answers 416 with `Content-Range: bytes */size`.
///   Several ranges, a range of another unit or a malformed one are answered with the whole file (200), as RFC 9110
///   lets a server do; so is an `If-Range` that is not the file's entity tag.
/// - An unknown, unfinished, failed or deleted task, or an extension the task has no file for: 404 `NoSuchKey`.
/// - Links expire `EmulatorConfiguration.fileLifetime` after the task succeeded, on the emulator's clock (default 24 h):
///   Ark's `video_url` is "deleted after 24 h" and its `last_frame_url` "valid 24 h" (volcengine-ark.md §2 `[REF-GET]`,
///   seedance-2.md §14); BytePlus keeps task data 24 h (byteplus-modelark.md, Differences from Volcengine Ark). The
///   others say nothing for Seedance, so the same default applies: ModelVerse (modelverse.md, Results: its Veo page says
///   24 h), AceData (acedata.md, Results: re-hosted on its CDN, retention not documented), Chanjing (chanjing.md,
///   Unknown: retention of `output_url` files). An expired link answers 403 `AccessDenied` "Request has expired".
///   EMULATOR ASSUMPTION: no provider document shows that answer; the XML error body of an S3-style object store (TOS
///   answers signed links the S3 way) is this emulator's model of it, for every provider.
/// - The fault of the URL's `fault=` item (`EmulatorFileFault`, asked for in the prompt) changes the answer; a `HEAD`
///   shows the headers the `GET` would send (`html`, `oversize`, `missing` and `flaky` apply; `flaky` counts GETs only).
enum EmulatorFileRoutes {
    static let path = "/emulator/files"
    /// The size of an `oversize` file.
    static let oversizeBytes = 64 << 20
    /// How long a `stall` response sends nothing after its first chunk.
    static let stallDuration: Duration = .seconds(600)
    /// How many GETs of a `flaky` file answer 503 before it is served.
    static let flakyFailures = 2
    /// The largest body chunk written at once.
    static let chunkBytes = 256 << 10

    static func add<Spec: EmulatorResultSpec>(to router: Router<EmulatorRequestContext>, book: EmulatedTaskBook<Spec>, lifetime: Duration) {
        let server = EmulatorFileServer(book: book, lifetime: lifetime)
        router.get("\(path)/:file") { request, context in await server.respond(to: request, context: context) }
        router.head("\(path)/:file") { request, context in await server.respond(to: request, context: context) }
    }
}

/// How many GETs each file has had, for the `flaky` fault.
final class EmulatorFileGetCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// Counts one more GET of `file` and returns how many there have been, this one included.
    func countGet(_ file: String) -> Int {
        counts.withLock { counts in
            let count = (counts[file] ?? 0) + 1
            counts[file] = count
            return count
        }
    }

    func gets(_ file: String) -> Int { counts.withLock { $0[file] ?? 0 } }
}

/// The file server of one emulator (see `EmulatorFileRoutes`).
struct EmulatorFileServer<Spec: EmulatorResultSpec>: Sendable {
    let book: EmulatedTaskBook<Spec>
    let lifetime: TimeInterval
    let counter = EmulatorFileGetCounter()

    init(book: EmulatedTaskBook<Spec>, lifetime: Duration) {
        self.book = book
        let (seconds, attoseconds) = lifetime.components
        self.lifetime = Double(seconds) + Double(attoseconds) / 1e18
    }

    func respond(to request: Request, context: EmulatorRequestContext) async -> Response {
        let name = context.parameters.get("file") ?? ""
        let isHead = request.method == .head
        let answer = ObjectStoreAnswer(resource: "\(EmulatorFileRoutes.path)/\(name)", requestID: context.requestID, isHead: isHead)
        guard let dot = name.lastIndex(of: "."), let kind = EmulatorMedia.Kind(rawValue: String(name[name.index(after: dot)...])),
            let state = await book.peek(String(name[..<dot])), state.status == .succeeded, state.task.spec.resultFiles.has(kind)
        else { return answer.noSuchKey() }
        let now = await book.currentDate()
        let expiresAt = state.updatedAt.addingTimeInterval(lifetime)
        guard now < expiresAt else { return answer.expired(at: expiresAt, now: now) }

        let media = EmulatorMedia.file(kind, state.task.spec.resultFiles.ratio)
        let fault = request.uri.queryParameters[Substring(EmulatorFileFault.queryItem)].flatMap { EmulatorFileFault(rawValue: String($0)) }
        switch fault {
        case .missing:
            return answer.noSuchKey()
        case .flaky:
            let failures = EmulatorFileRoutes.flakyFailures
            if isHead ? counter.gets(name) < failures : counter.countGet(name) <= failures { return answer.serviceUnavailable() }
        case .html:
            return answer.htmlErrorPage()
        case .truncate, .stall, .oversize, nil:
            break
        }
        let content = fault == .oversize ? EmulatorFileContent(oversize: media) : EmulatorFileContent(media)
        return content.response(range: request.headers[.range], ifRange: request.headers[.ifRange], fault: fault, answer: answer)
    }
}

/// The body of a file answer: `head`, then zeros up to `size` (only an `oversize` file has zeros).
struct EmulatorFileContent: Sendable {
    let size: Int
    let head: [UInt8]
    let contentType: String
    let etag: String

    init(_ media: EmulatorMedia) {
        (size, head, contentType, etag) = (media.bytes.count, media.bytes, media.contentType, media.etag)
    }

    /// The media, padded to `EmulatorFileRoutes.oversizeBytes`: a video's padding is one `free` box (so the file stays
    /// a well-formed MP4/QuickTime file), an image's is left after its end marker, where decoders stop reading.
    init(oversize media: EmulatorMedia) {
        let size = EmulatorFileRoutes.oversizeBytes
        var head = media.bytes
        if media.kind.isVideo {
            let box = UInt32(size - head.count)
            head += [UInt8(box >> 24), UInt8((box >> 16) & 0xFF), UInt8((box >> 8) & 0xFF), UInt8(box & 0xFF)] + Array("free".utf8)
        }
        (self.size, self.head, contentType, etag) = (size, head, media.contentType, "\"oversize-\(media.md5)\"")
    }

    /// The answer to a GET or HEAD with these `Range` and `If-Range` headers.
    func response(range: String?, ifRange: String?, fault: EmulatorFileFault?, answer: ObjectStoreAnswer) -> Response {
        var headers: HTTPFields = [.contentType: contentType, .acceptRanges: "bytes", .eTag: etag]
        let status: HTTPResponse.Status
        let bytes: Range<Int>
        switch EmulatorByteRange(header: ifRange == nil || ifRange == etag ? range : nil, size: size) {
        case .whole:
            (status, bytes) = (.ok, 0..<size)
        case .partial(let part):
            (status, bytes) = (.partialContent, part)
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound - 1)/\(size)"
        case .unsatisfiable:
            return answer.rangeNotSatisfiable(size: size)
        }
        headers[.contentLength] = String(bytes.count)
        if answer.isHead { return Response(status: status, headers: headers) }
        let content = self
        let body: ResponseBody
        switch fault {
        case .truncate where status == .ok:
            body = ResponseBody(contentLength: bytes.count) { writer in
                try await content.write(bytes.lowerBound..<bytes.lowerBound + bytes.count / 2, to: &writer)
                // Let the bytes leave before the connection closes under them.
                try await Task.sleep(for: .milliseconds(20))
                throw EmulatorFileConnectionClosed()
            }
        case .stall:
            body = ResponseBody(contentLength: bytes.count) { writer in
                try await content.write(bytes.lowerBound..<bytes.lowerBound + max(1, min(1024, bytes.count / 2)), to: &writer)
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: EmulatorFileRoutes.stallDuration) }
                throw EmulatorFileConnectionClosed()
            }
        default:
            body = ResponseBody(contentLength: bytes.count) { writer in
                try await content.write(bytes, to: &writer)
                try await writer.finish(nil)
            }
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// Writes `range` of the content in chunks of at most `EmulatorFileRoutes.chunkBytes`, made as they are sent.
    func write(_ range: Range<Int>, to writer: inout any ResponseBodyWriter) async throws {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let end = min(range.upperBound, offset + EmulatorFileRoutes.chunkBytes)
            var chunk = ByteBuffer()
            chunk.reserveCapacity(end - offset)
            if offset < head.count { chunk.writeBytes(head[offset..<min(end, head.count)]) }
            let zeros = end - max(offset, head.count)
            if zeros > 0 { chunk.writeRepeatingByte(0, count: zeros) }
            try await writer.write(chunk)
            offset = end
        }
    }
}

/// Thrown from a response body to close the connection before the announced length was sent.
struct EmulatorFileConnectionClosed: Error {}

/// What a `Range` header asks of a file of `size` bytes (RFC 9110's range requests: one `bytes` range;
/// anything else gets the whole file).
enum EmulatorByteRange: Equatable {
    case whole
    case partial(Range<Int>)
    case unsatisfiable

    init(header: String?, size: Int) {
        guard let header else {
            self = .whole
            return
        }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes="), size > 0 else {
            self = .whole
            return
        }
        let spec = trimmed.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard !spec.contains(","), bounds.count == 2 else {
            self = .whole
            return
        }
        func number(_ text: Substring) -> Int? {
            text.isEmpty || !text.allSatisfy(\.isASCII) || !text.allSatisfy(\.isNumber) ? nil : Int(text)
        }
        switch (number(bounds[0]), number(bounds[1])) {
        case (nil, let suffix?) where bounds[0].isEmpty:
            self = suffix == 0 ? .unsatisfiable : .partial(max(0, size - suffix)..<size)
        case (let start?, nil) where bounds[1].isEmpty:
            self = start >= size ? .unsatisfiable : .partial(start..<size)
        case (let start?, let end?) where end >= start:
            self = start >= size ? .unsatisfiable : .partial(start..<min(end, size - 1) + 1)
        default:
            self = .whole
        }
    }
}

/// The error answers of the file server, in the XML an S3-style object store (TOS among them) sends. EMULATOR
/// ASSUMPTION: no provider document shows its file server's error bodies; this shape is the model.
struct ObjectStoreAnswer: Sendable {
    let resource: String
    let requestID: String
    /// A HEAD answer carries the headers only.
    let isHead: Bool

    func noSuchKey() -> Response {
        xml(.notFound, code: "NoSuchKey", message: "The specified key does not exist.")
    }

    func expired(at expiresAt: Date, now: Date) -> Response {
        xml(
            .forbidden, code: "AccessDenied", message: "Request has expired",
            extra: [("Expires", expiresAt.formatted(.iso8601)), ("ServerTime", now.formatted(.iso8601))])
    }

    func serviceUnavailable() -> Response {
        xml(.serviceUnavailable, code: "ServiceUnavailable", message: "Service is unavailable now, please try again later.")
    }

    func rangeNotSatisfiable(size: Int) -> Response {
        var response = xml(.rangeNotSatisfiable, code: "InvalidRange", message: "The requested range is not satisfiable")
        response.headers[.contentRange] = "bytes */\(size)"
        return response
    }

    /// The `html` fault: 200 with a CDN's HTML error page where the file should be.
    func htmlErrorPage() -> Response {
        let page = """
            <!DOCTYPE html>
            <html>
            <head><meta charset="utf-8"><title>503 Service Temporarily Unavailable</title></head>
            <body>
            <h1>503 Service Temporarily Unavailable</h1>
            <p>The requested resource is temporarily unavailable. Please try again later.</p>
            <hr><p>Request ID: \(requestID)</p>
            </body>
            </html>

            """
        return answer(.ok, type: "text/html; charset=utf-8", body: page)
    }

    private func xml(_ status: HTTPResponse.Status, code: String, message: String, extra: [(String, String)] = []) -> Response {
        let fields = [("Code", code), ("Message", message), ("Resource", resource)] + extra + [("RequestId", requestID)]
        let elements = fields.map { "<\($0)>\(Self.escaped($1))</\($0)>" }.joined()
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\(elements)</Error>\n"
        return answer(status, type: "application/xml", body: body)
    }

    private func answer(_ status: HTTPResponse.Status, type: String, body: String) -> Response {
        let bytes = ByteBuffer(string: body)
        let headers: HTTPFields = [.contentType: type, .contentLength: String(bytes.readableBytes)]
        return Response(status: status, headers: headers, body: isHead ? ResponseBody() : ResponseBody(byteBuffer: bytes))
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
