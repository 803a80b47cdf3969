import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension DestinationGuard {
    /// Resolves a host name to addresses. Injected so tests can simulate DNS answers.
    public typealias Resolver = @Sendable (_ host: String) async throws -> [Address]

    /// Why the system resolver could not resolve a host.
    public struct ResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The resolver's explanation (from `gai_strerror`).
        public let message: String
        public var description: String { message }
    }

    /// Resolves `host` with the system's `getaddrinfo`, returning the distinct addresses in the resolver's order.
    ///
    /// `getaddrinfo` blocks, so it runs on a Dispatch global queue rather than on Swift's cooperative pool; the
    /// calling task suspends until it finishes. Cancellation does not interrupt a lookup in progress.
    public static func systemResolve(_ host: String) async throws(ResolutionError) -> [Address] {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<[Address], ResolutionError>, Never>) in
            DispatchQueue.global().async {
                continuation.resume(returning: blockingResolve(host))
            }
        }
        return try result.get()
    }

    private static func blockingResolve(_ host: String) -> Result<[Address], ResolutionError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
            hints.ai_socktype = SOCK_STREAM
        #else
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            return .failure(ResolutionError(message: String(cString: gai_strerror(status))))
        }
        defer { freeaddrinfo(list) }
        var addresses: [Address] = []
        var cursor = list
        while let info = cursor?.pointee {
            cursor = info.ai_next
            guard let socketAddress = info.ai_addr else { continue }
            let bytes: [UInt8]
            switch info.ai_family {
            case AF_INET:
                bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) }
                }
            case AF_INET6:
                bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
                }
            default:
                continue
            }
            if let address = Address(bytes: bytes), !addresses.contains(address) { addresses.append(address) }
        }
        return .success(addresses)
    }
}
