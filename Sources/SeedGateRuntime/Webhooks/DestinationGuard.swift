import Foundation

/// Decides whether SeedGate may deliver a webhook to a URL (protection against server-side request forgery).
///
/// Rules, in order: the scheme must be `http` or `https`; the URL must have a host (and a valid port, if any);
/// the host must not match the deny list and, when an allow list is configured, must match it; and every
/// address the host stands for must be permitted. Link-local, cloud-metadata, unspecified, multicast, broadcast
/// and reserved addresses are never permitted; loopback and private networks are permitted unless disabled.
///
/// List entries are either an exact host (`hooks.example.com`, `10.0.0.5`) or a suffix pattern
/// (`*.example.com`, which matches any subdomain at any depth but not `example.com` itself). Matching is
/// case-insensitive and ignores a trailing dot.
///
/// Rejections name the host, never the full URL, since webhook URLs may carry tokens.
///
/// - Note: the addresses checked by ``resolve(_:)`` can change before the HTTP client resolves the host again
///   (DNS rebinding). Connect to the returned addresses where possible, or re-check them at connection time.
public struct DestinationGuard: Sendable {
    /// Why a destination was refused; ``message`` is suitable for API error responses and logs.
    public enum Rejection: Error, Sendable, Hashable, CustomStringConvertible {
        /// The text is not an absolute URL, or its port is out of range.
        case malformedURL
        /// The scheme is not `http` or `https` (associated value: the scheme, lower-cased).
        case unsupportedScheme(String)
        /// The URL has no host.
        case missingHost
        /// The host matches the deny list.
        case deniedHost(String)
        /// An allow list is configured and the host does not match it.
        case hostNotAllowed(String)
        /// The host is, or resolves to, an address in a forbidden category.
        case forbiddenAddress(host: String, address: Address, category: Address.Category)
        /// The host name could not be resolved, or resolved to nothing.
        case resolutionFailed(host: String, reason: String)

        /// A human-readable explanation.
        public var message: String {
            switch self {
            case .malformedURL: "the webhook URL is not a valid absolute URL"
            case .unsupportedScheme(let scheme): "webhook URLs must use http or https, not \(scheme)"
            case .missingHost: "the webhook URL has no host"
            case .deniedHost(let host): "webhook host \(host) is denied"
            case .hostNotAllowed(let host): "webhook host \(host) is not in the allow list"
            case .forbiddenAddress(let host, let address, let category):
                host == address.description
                    ? "webhook address \(address) is \(category.rawValue) and not permitted"
                    : "webhook host \(host) resolves to \(address), which is \(category.rawValue) and not permitted"
            case .resolutionFailed(let host, let reason): "webhook host \(host) could not be resolved: \(reason)"
            }
        }

        public var description: String { message }
    }

    /// Host patterns that are always refused.
    public let denyList: [String]
    /// Host patterns that are the only ones accepted; empty means any host not denied.
    public let allowList: [String]
    /// Whether private-network addresses (RFC 1918, CGNAT, IPv6 unique-local) are permitted.
    public let allowPrivateNetworks: Bool
    /// Whether loopback addresses are permitted.
    public let allowLoopback: Bool
    private let resolver: Resolver

    /// Creates a guard. By default nothing is denied or required by name, loopback and private networks are
    /// permitted, and host names are resolved with ``systemResolve(_:)``.
    public init(
        allowList: [String] = [], denyList: [String] = [],
        allowPrivateNetworks: Bool = true, allowLoopback: Bool = true,
        resolver: @escaping Resolver = { try await DestinationGuard.systemResolve($0) }
    ) {
        self.allowList = allowList.map(Self.normalized)
        self.denyList = denyList.map(Self.normalized)
        self.allowPrivateNetworks = allowPrivateNetworks
        self.allowLoopback = allowLoopback
        self.resolver = resolver
    }

    /// Checks everything that does not need DNS: scheme, host, port, deny and allow lists, and literal IP
    /// addresses. Suitable for validating a URL when a client submits it.
    public func checkSyntax(_ url: String) -> Rejection? {
        switch parse(url) {
        case .failure(let rejection): rejection
        case .success: nil
        }
    }

    /// Checks the URL fully, resolving its host name; `nil` means delivery is permitted.
    public func check(_ url: String) async -> Rejection? {
        switch await resolve(url) {
        case .failure(let rejection): rejection
        case .success: nil
        }
    }

    /// Checks the URL fully and returns the permitted addresses of its host (a literal address is returned as is),
    /// so that the caller can connect to exactly what was checked.
    public func resolve(_ url: String) async -> Result<[Address], Rejection> {
        let host: String
        switch parse(url) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let parsed):
            if let literal = parsed.literal { return .success([literal]) }
            host = parsed.host
        }
        let addresses: [Address]
        do {
            addresses = try await resolver(host)
        } catch {
            return .failure(.resolutionFailed(host: host, reason: "\(error)"))
        }
        guard !addresses.isEmpty else { return .failure(.resolutionFailed(host: host, reason: "no addresses")) }
        for address in addresses where !permits(address.category) {
            return .failure(.forbiddenAddress(host: host, address: address, category: address.category))
        }
        return .success(addresses)
    }

    /// Whether addresses of `category` are permitted under this guard's options.
    public func permits(_ category: Address.Category) -> Bool {
        switch category {
        case .global: true
        case .privateNetwork: allowPrivateNetworks
        case .loopback: allowLoopback
        case .linkLocal, .cloudMetadata, .unspecified, .multicast, .broadcast, .reserved: false
        }
    }

    private func parse(_ text: String) -> Result<(host: String, literal: Address?), Rejection> {
        guard let url = URL(string: text), let rawScheme = url.scheme else { return .failure(.malformedURL) }
        let scheme = rawScheme.lowercased()
        guard scheme == "http" || scheme == "https" else { return .failure(.unsupportedScheme(scheme)) }
        guard let rawHost = url.host(percentEncoded: false), !rawHost.isEmpty else { return .failure(.missingHost) }
        if let port = url.port, !(1...65_535).contains(port) { return .failure(.malformedURL) }
        let host = Self.normalized(rawHost)
        guard !host.isEmpty else { return .failure(.missingHost) }
        if denyList.contains(where: { Self.matches(host, pattern: $0) }) { return .failure(.deniedHost(host)) }
        if !allowList.isEmpty, !allowList.contains(where: { Self.matches(host, pattern: $0) }) {
            return .failure(.hostNotAllowed(host))
        }
        guard let literal = Address(host) else { return .success((host, nil)) }
        guard permits(literal.category) else {
            return .failure(.forbiddenAddress(host: host, address: literal, category: literal.category))
        }
        return .success((host, literal))
    }

    private static func normalized(_ host: String) -> String {
        var host = Substring(host.lowercased())
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        while host.hasSuffix(".") { host = host.dropLast() }
        // Literal addresses compare in canonical form, so `0:0::1`, `::1` and `[::1]` are the same entry.
        return Address(String(host))?.description ?? String(host)
    }

    private static func matches(_ host: String, pattern: String) -> Bool {
        guard pattern.hasPrefix("*.") else { return host == pattern }
        return host.hasSuffix(pattern.dropFirst()) && host.count > pattern.count - 1
    }
}
