#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension DestinationGuard {
    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address in network byte order.
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        /// What kind of network an address belongs to, as far as outbound webhook delivery is concerned.
        public enum Category: String, Sendable, Hashable {
            /// Publicly routable (or at least not in any range below).
            case global
            /// RFC 1918, carrier-grade NAT (100.64.0.0/10), IPv6 unique-local (fc00::/7) and site-local (fec0::/10).
            case privateNetwork = "private network"
            /// 127.0.0.0/8 and ::1.
            case loopback
            /// 169.254.0.0/16 and fe80::/10.
            case linkLocal = "link-local"
            /// Cloud instance metadata: 169.254.169.254, fd00:ec2::254, 100.100.100.200.
            case cloudMetadata = "cloud metadata"
            /// 0.0.0.0/8 and ::.
            case unspecified
            /// 224.0.0.0/4 and ff00::/8.
            case multicast
            /// 255.255.255.255.
            case broadcast
            /// 240.0.0.0/4 (other than broadcast).
            case reserved
        }

        /// The raw bytes: 4 for IPv4, 16 for IPv6.
        public let bytes: [UInt8]

        /// Wraps raw bytes; `nil` unless there are exactly 4 or 16.
        public init?(bytes: [UInt8]) {
            guard bytes.count == 4 || bytes.count == 16 else { return nil }
            self.bytes = bytes
        }

        /// Parses a literal address: dotted-quad IPv4, or IPv6 with optional brackets and zone (`[fe80::1%eth0]`).
        /// Legacy IPv4 spellings that resolvers still accept (`127.1`, `0x7f.0.0.1`, `2130706433`) are parsed too,
        /// so they cannot slip past checks as "host names".
        public init?(_ literal: String) {
            var text = Substring(literal)
            if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
            if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
            let host = String(text)
            var v6 = in6_addr()
            if host.contains(":") {
                guard inet_pton(AF_INET6, host, &v6) == 1 else { return nil }
                self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
                return
            }
            let legacyCharacters = Set("0123456789abcdefABCDEFxX.")
            guard !host.isEmpty, host.allSatisfy({ legacyCharacters.contains($0) }) else { return nil }
            var v4 = in_addr()
            guard inet_aton(host, &v4) != 0 else { return nil }
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
        }

        /// Whether this is an IPv4 address.
        public var isIPv4: Bool { bytes.count == 4 }

        /// The canonical text form (`192.0.2.1`, `2001:db8::1`).
        public var description: String {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let family = isIPv4 ? AF_INET : AF_INET6
            let ok = bytes.withUnsafeBytes { raw in
                inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
            }
            guard ok else { return bytes.map { String($0, radix: 16) }.joined(separator: ":") }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        /// The address's category. IPv6 addresses that embed IPv4 ones (IPv4-mapped `::ffff:0:0/96`,
        /// IPv4-compatible `::/96`, NAT64 `64:ff9b::/96`) take the category of the embedded IPv4 address.
        public var category: Category {
            isIPv4 ? Self.category(ipv4: bytes) : Self.category(ipv6: bytes)
        }

        private static func category(ipv4 b: [UInt8]) -> Category {
            switch (b[0], b[1], b[2], b[3]) {
            case (169, 254, 169, 254), (100, 100, 100, 200): .cloudMetadata
            case (0, _, _, _): .unspecified
            case (127, _, _, _): .loopback
            case (169, 254, _, _): .linkLocal
            case (10, _, _, _), (172, 16...31, _, _), (192, 168, _, _), (100, 64...127, _, _): .privateNetwork
            case (224...239, _, _, _): .multicast
            case (255, 255, 255, 255): .broadcast
            case (240...255, _, _, _): .reserved
            default: .global
            }
        }

        private static let metadataV6: [UInt8] = [0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]
        private static let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]
        private static let nat64Prefix: [UInt8] = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]

        private static func category(ipv6 b: [UInt8]) -> Category {
            let head = Array(b[0..<12])
            let tail = Array(b[12..<16])
            if head.allSatisfy({ $0 == 0 }) {
                switch tail {
                case [0, 0, 0, 0]: return .unspecified
                case [0, 0, 0, 1]: return .loopback
                default: return category(ipv4: tail) // IPv4-compatible (deprecated, but still parsed by stacks)
                }
            }
            if head == mappedPrefix || head == nat64Prefix { return category(ipv4: tail) }
            if b == metadataV6 { return .cloudMetadata }
            switch (b[0], b[1]) {
            case (0xfe, 0x80...0xbf): return .linkLocal
            case (0xfe, 0xc0...0xff), (0xfc...0xfd, _): return .privateNetwork
            case (0xff, _): return .multicast
            default: return .global
            }
        }
    }
}
