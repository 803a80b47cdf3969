import Hummingbird

/// The generated server writes header values percent-encoded (swift-openapi-runtime encodes them as URI components),
/// which turns `Location: /v1/jobs/job_…` into `%2Fv1%2Fjobs%2Fjob_…`. A `Location` is a URI reference (RFC 9110,
/// section 10.2.2), so it goes out decoded: the path SeedGate built, with characters a path may hold.
struct LocationHeaderMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let location = response.headers[.location], location.contains("%"), let decoded = location.removingPercentEncoding {
            response.headers[.location] = decoded
        }
        return response
    }
}
