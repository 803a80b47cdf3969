import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Who is calling: the tenant their jobs belong to, and whether they may see every tenant's jobs.
public struct Caller: Sendable, Equatable {
    public var name: String
    public var tenant: String
    public var isAdmin: Bool

    public init(name: String, tenant: String, isAdmin: Bool) {
        self.name = name
        self.tenant = tenant
        self.isAdmin = isAdmin
    }

    /// The caller when no API keys are configured (the API runs open).
    public static let anonymous = Caller(name: "anonymous", tenant: "default", isAdmin: false)

    /// The caller of the request being handled (set by `AuthenticationMiddleware`, read by every handler).
    @TaskLocal public static var current = Caller.anonymous

    /// The tenant whose jobs this caller may see; nil for an admin, who sees all.
    var visibleTenant: String? { isAdmin ? nil : tenant }
}

/// API keys from configuration, kept only as SHA-256 digests.
public struct APIKeys: Sendable {
    public struct Client: Sendable {
        public var caller: Caller
        /// Lower-case hex SHA-256 of the key.
        public var keySHA256: String

        public init(caller: Caller, keySHA256: String) {
            self.caller = caller
            self.keySHA256 = keySHA256.lowercased()
        }
    }

    let clients: [Client]

    public init(_ clients: [Client]) { self.clients = clients }

    public var isOpen: Bool { clients.isEmpty }

    /// The `WWW-Authenticate` challenge of every 401.
    static let challenge = #"Bearer realm="seedgate""#

    public static func digest(_ key: String) -> String {
        IdempotencyKey.hexSHA256(Data(key.utf8))
    }

    /// The caller a request's key belongs to (`Authorization: Bearer <key>` or `X-API-Key`); throws the 401 problem.
    /// With no keys configured every request is the anonymous caller.
    func authenticate(_ request: Request) throws -> Caller {
        if isOpen { return .anonymous }
        let presented =
            request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            ?? request.headers[HTTPField.Name("X-API-Key")!]
        guard let key = presented, let caller = caller(for: key) else {
            var problem = ProblemDetails(
                status: 401, code: "unauthorized", title: "Unauthorized", detail: "send a valid API key as Authorization: Bearer <key>")
            // RFC 9110, section 11.6.1: a 401 names the scheme the client should use.
            problem.extraHeaders[.wwwAuthenticate] = Self.challenge
            throw problem
        }
        return caller
    }

    /// The client holding `key`, compared digest to digest.
    func caller(for key: String) -> Caller? {
        let digest = Self.digest(key)
        return clients.first { $0.keySHA256 == digest }?.caller
    }
}

/// Requires `Authorization: Bearer <key>` (or `X-API-Key`) on the routes of the group it is installed on when keys are
/// configured, and makes the caller available to handlers. `buildRouter` installs it on the API group and inside each
/// facade; the open group (health, readiness, metrics, the spec, provider callbacks) has none.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: APIKeys

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if keys.isOpen { return try await next(request, context) }
        let caller = try keys.authenticate(request)
        var context = context
        context.logger[metadataKey: "client"] = .string(caller.name)
        return try await Caller.$current.withValue(caller) { try await next(request, context) }
    }
}
