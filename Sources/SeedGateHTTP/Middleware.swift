import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error thrown below it into an `application/problem+json` response, tags the request with an id
/// (`X-Request-Id`, taken from the client when it sends a sane one) and logs one line per request.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Told about every answered request (method, status, seconds), for metrics.
    var observe: (@Sendable (String, Int, Double) -> Void)?

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
            if problem.statusCode >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
            response = problem.response(from: request, context: context)
        }
        response.headers[.xRequestID] = requestID
        let elapsed = ContinuousClock.now - started
        observe?(request.method.rawValue, Int(response.status.code), elapsed / .seconds(1))
        context.logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code)",
            metadata: [
                "http.status": "\(response.status.code)",
                "duration_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            ])
        return response
    }
}

/// Refuses request bodies over `maxBytes` with 413 before any handler reads them.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBytes {
            throw ProblemDetails(status: 413).with(detail: "the request body is larger than \(maxBytes) bytes")
        }
        var request = request
        if request.method == .post || request.method == .put || request.method == .patch {
            do {
                _ = try await request.collectBody(upTo: maxBytes)
            } catch {
                throw ProblemDetails(status: 413).with(detail: "the request body is larger than \(maxBytes) bytes")
            }
        }
        return try await next(request, context)
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
