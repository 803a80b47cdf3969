import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error thrown below it into an `application/problem+json` response, tags the request with an id
/// (`X-Request-Id`, taken from the client when it sends a sane one) and logs one line per request.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Told about every answered request (method, route template, status, seconds), for metrics.
    var observe: (@Sendable (AnsweredRequest) -> Void)?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID =
            request.headers[.xRequestID].flatMap {
                $0.count <= 128 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } ? $0 : nil
            }
            ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "request.id"] = .string(requestID)
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any SeedGateResponseError {
            // Already in its API's shape (a problem, or a facade's error object).
            response = try error.response(from: request, context: context)
        } catch {
            let problem = ProblemDetails(error)
            if problem.statusCode == 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            } else if problem.statusCode > 500 {
                // 502, 503, 504: a provider or a dependency failed, as the answer says; not SeedGate's own fault.
                context.logger.warning(
                    "request failed upstream", metadata: ["error": "\(String(reflecting: type(of: error)))", "http.status": "\(problem.statusCode)"])
            }
            response = problem.response(from: request, context: context)
        }
        response.headers[.xRequestID] = requestID
        let elapsed = ContinuousClock.now - started
        let answered = AnsweredRequest(
            method: request.method.rawValue, route: context.routeTemplate, status: response.status.code, seconds: elapsed / .seconds(1))
        observe?(answered)
        context.logger.info(
            "\(request.method) \(Self.loggable(request.uri.path)) \(response.status.code)",
            metadata: [
                "http.status": "\(response.status.code)",
                "duration_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            ])
        return response
    }

    /// The path as logged: a provider callback's per-job token is its credential, so it is never written out
    /// (`/v1/callbacks/volcengine-ark/…`).
    static func loggable(_ path: String) -> String {
        let prefix = "/v1/callbacks/"
        guard path.hasPrefix(prefix) else { return path }
        let provider = path.dropFirst(prefix.count).prefix { $0 != "/" }
        return prefix + provider + "/…"
    }
}

/// Refuses request bodies over `maxBytes` with 413 before any handler reads them, then closes the connection.
///
/// The 413 (with `Connection: close`) is written as soon as the body is known to be too large: at once for a
/// `Content-Length` over the limit, as the limit is crossed for a chunked body. The connection must then close.
/// Left to itself, Hummingbird would either wait for a `Connection: close` client to close, which a client that
/// sends its whole body before reading (urllib, requests) never does, so both hang; or read the rest of the body,
/// however large, to reach the next request. So after the answer, the rest of a body of up to twice the limit is
/// read and dropped, for at most `lingerTime` (a bounded lingering close, RFC 9112, section 9.6), and such a client reads
/// the answer over a clean close. A larger body is cut off (at once when its `Content-Length` says so), and the
/// close resets the connection: requests still reads the answer (urllib3 ignores the failed send and reads what
/// arrived), urllib does not (no client that reads only after sending can, short of the whole body being read).
/// The response body closes the connection by throwing once the answer is written: Hummingbird then closes the
/// channel, output first (the client reads the answer, then EOF), and writes nothing more.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int
    /// How long the rest of a refused body is read and dropped before the connection closes.
    var lingerTime: Duration = .seconds(2)

    /// How much of a refused body is read in all, at most: twice the limit.
    private var drainLimit: Int { maxBytes > Int.max / 2 ? Int.max : maxBytes * 2 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBytes {
            // Dropped to its end only when it can be within the drain limit; otherwise closed on at once.
            let budget = length <= drainLimit ? length : 0
            return refuse(request, context: context, rest: UnreadBody(request.body.makeAsyncIterator(), budget: budget))
        }
        guard request.method == .post || request.method == .put || request.method == .patch else {
            return try await next(request, context)
        }
        // Collected by hand rather than with `collectBody(upTo:)`, whose iterator would be lost when it throws (a
        // request body can be iterated once only) and is needed to drop the rest.
        var iterator = request.body.makeAsyncIterator()
        var body = ByteBuffer()
        do {
            while var part = try await iterator.next() {
                if part.readableBytes > maxBytes - body.readableBytes {
                    let read = body.readableBytes + part.readableBytes
                    return refuse(request, context: context, rest: UnreadBody(iterator, budget: drainLimit - min(read, drainLimit)))
                }
                body.writeBuffer(&part)
            }
        } catch {
            // The body could not be read (a broken chunked encoding, a lost connection): nothing more can be read.
            var problem = ProblemDetails(status: 400).with(detail: "the request body could not be read")
            problem.extraHeaders[.connection] = "close"
            throw problem
        }
        var request = request
        request.body = RequestBody(buffer: body)
        return try await next(request, context)
    }

    /// The 413 problem, whose body, once written, drops what is left of the request body and closes the connection.
    private func refuse(_ request: Request, context: Context, rest: UnreadBody) -> Response {
        var problem = ProblemDetails(status: 413).with(detail: "the request body is larger than \(maxBytes) bytes")
        problem.extraHeaders[.connection] = "close"
        var response = problem.response(from: request, context: context)
        let answer = response.body
        let lingerTime = lingerTime
        response.body = ResponseBody(contentLength: answer.contentLength) { writer in
            try await answer.write(writer)
            await rest.discard(within: lingerTime)
            throw ConnectionClosedAfterRefusal()
        }
        return response
    }
}

/// Thrown by a 413's body once it is written, so that Hummingbird closes the connection (it logs it at trace level).
struct ConnectionClosedAfterRefusal: Error {}

/// The unread rest of a refused request body. It passes from the middleware to the response body and is then read
/// by one task at a time only, hence `@unchecked Sendable` (the iterator itself is not `Sendable`).
final class UnreadBody: @unchecked Sendable {
    private var iterator: RequestBody.AsyncIterator
    private let budget: Int

    init(_ iterator: RequestBody.AsyncIterator, budget: Int) {
        self.iterator = iterator
        self.budget = budget
    }

    /// Reads and drops the rest of the body until it ends, fails, passes `budget` bytes or `time` runs out
    /// (cancellation ends a pending read at once).
    func discard(within time: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.drain() }
            group.addTask { try? await Task.sleep(for: time) }
            await group.next()
            group.cancelAll()
        }
    }

    private func drain() async {
        var iterator = self.iterator
        var left = budget
        while left > 0, let part = try? await iterator.next() {
            left -= part.readableBytes
        }
    }
}

extension ProblemDetails {
    func with(detail: String) -> ProblemDetails {
        var copy = self
        copy.detail = detail
        return copy
    }
}

extension HTTPField.Name {
    static let xRequestID = Self("X-Request-Id")!
}
