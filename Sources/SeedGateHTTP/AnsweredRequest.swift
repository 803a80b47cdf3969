import Hummingbird

/// One answered request as the HTTP metrics see it, told to `HTTPSettings.requestObserver`.
public struct AnsweredRequest: Sendable {
    public var method: String
    /// The matched route's template as registered (`/v1/jobs/{job_id}`, as the API spec writes it), never the path with its ids; nil when the
    /// request matched no route.
    public var route: String?
    public var status: Int
    public var seconds: Double

    public init(method: String, route: String?, status: Int, seconds: Double) {
        self.method = method
        self.route = route
        self.status = status
        self.seconds = seconds
    }
}

extension RequestContext {
    /// The template of the route that answered, from Hummingbird's `endpointPath` (set when the router resolves
    /// the path, read after the answer), or nil when no route matched (Hummingbird then says `NotFound`).
    var routeTemplate: String? {
        guard let path = endpointPath, path != "NotFound" else { return nil }
        return path
    }
}
