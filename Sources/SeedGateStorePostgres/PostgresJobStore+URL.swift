import Foundation
import PostgresNIO

extension PostgresJobStore {
    /// A client configuration from `postgres://user[:password]@host[:port]/database` (`postgresql://` too; user and
    /// password may be percent-encoded; the port defaults to 5432; an IPv6 host goes in brackets).
    ///
    /// TLS: `?sslmode=disable` turns it off, `require` demands it, `prefer` uses it when the server offers it.
    /// Without `sslmode`, TLS is off for loopback hosts (`localhost`, `127.x.x.x`, `::1`) and preferred otherwise.
    /// Errors never repeat the URL, which may carry the password.
    public static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url) else {
            throw PostgresJobStoreError.invalidURL(reason: "not a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw PostgresJobStoreError.invalidURL(reason: "the scheme must be postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresJobStoreError.invalidURL(reason: "no host")
        }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else {
            throw PostgresJobStoreError.invalidURL(reason: "no user name")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresJobStoreError.invalidURL(reason: "the path must be /<database>")
        }
        let hostName = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value
        var configuration = PostgresClient.Configuration(
            host: hostName, port: components.port ?? 5432, username: user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database.removingPercentEncoding ?? database, tls: try tls(sslMode: sslMode, host: hostName)
        )
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The TLS mode for an `sslmode` value (or its absence) and host.
    private static func tls(sslMode: String?, host: String) throws -> PostgresClient.Configuration.TLS {
        switch sslMode {
        case nil: isLoopback(host) ? .disable : .prefer(.makeClientConfiguration())
        case "disable": .disable
        case "prefer", "allow": .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": .require(.makeClientConfiguration())
        default: throw PostgresJobStoreError.invalidURL(reason: "unknown sslmode")
        }
    }

    private static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
