import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// Registers each generated OpenAPI operation on one of two route groups by its path template: the open group or the
/// authenticated one, so an operation's authentication comes from its group's middleware, not from a check inside.
struct GroupedTransport<Context: RequestContext>: ServerTransport {
    let open: RouterGroup<Context>
    let authenticated: RouterGroup<Context>
    /// Path templates as the spec writes them (`/v1/callbacks/{provider}/{token}`).
    let openPaths: Set<String>

    func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        try (openPaths.contains(path) ? open : authenticated).register(handler, method: method, path: path)
    }
}
