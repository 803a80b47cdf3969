import Foundation
import Hummingbird
import SeedGateAPI
import Yams

/// `GET /openapi.yaml` and `GET /openapi.json`: the spec the API was generated from. The YAML route answers JSON to a
/// client that accepts JSON and not YAML (instead of a 406), so tools that only speak JSON can read it at either path.
enum SpecRoutes {
    /// The spec as JSON, converted once. Timestamps stay strings: the spec holds examples, not dates.
    static let json: Result<String, any Error> = Result {
        let resolver = Resolver.default.removing(.timestamp)
        guard let object = try Yams.load(yaml: openAPIDocument, resolver) else { throw ConversionError() }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    struct ConversionError: Error {}

    static func add<Context: RequestContext>(to group: RouterGroup<Context>) {
        group.get("/openapi.yaml") { request, _ in
            let accept = request.headers[.accept]?.lowercased() ?? ""
            let wantsJSON = accept.contains("application/json") && !accept.contains("yaml")
            return try wantsJSON
                ? jsonResponse()
                : Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: openAPIDocument)))
        }
        group.get("/openapi.json") { _, _ in try jsonResponse() }
    }

    private static func jsonResponse() throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: try json.get())))
    }
}
