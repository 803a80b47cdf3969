import Foundation
import Testing

@testable import SeedGateRuntime

@Suite struct DestinationGuardTests {
    typealias Address = DestinationGuard.Address
    typealias Rejection = DestinationGuard.Rejection

    /// A guard whose "DNS" answers from a table, so resolution rules can be tested without a network.
    static func fake(_ table: [String: [String]], allowPrivateNetworks: Bool = true, allowLoopback: Bool = true)
        -> DestinationGuard
    {
        DestinationGuard(allowPrivateNetworks: allowPrivateNetworks, allowLoopback: allowLoopback) { host in
            guard let answers = table[host] else { throw DestinationGuard.ResolutionError(message: "unknown host") }
            return answers.compactMap { Address($0) }
        }
    }

    @Test func schemeAndHost() {
        let guardian = DestinationGuard()
        #expect(guardian.checkSyntax("https://hooks.example.com/seedgate") == nil)
        #expect(guardian.checkSyntax("HTTP://hooks.example.com:8080/x?token=1") == nil)
        #expect(guardian.checkSyntax("ftp://hooks.example.com/") == .unsupportedScheme("ftp"))
        #expect(guardian.checkSyntax("file:///etc/passwd") == .unsupportedScheme("file"))
        #expect(guardian.checkSyntax("gopher://127.0.0.1:6379/") == .unsupportedScheme("gopher"))
        #expect(guardian.checkSyntax("http:///path") == .missingHost)
        #expect(guardian.checkSyntax("hooks.example.com/path") == .malformedURL)
        #expect(guardian.checkSyntax("http://exa mple.com/") == .malformedURL)
        #expect(guardian.checkSyntax("http://example.com:99999/") == .malformedURL)
    }

    @Test func ipv4Literals() {
        let guardian = DestinationGuard()
        #expect(guardian.checkSyntax("http://93.184.216.34/") == nil)
        #expect(guardian.checkSyntax("http://127.0.0.1:9000/") == nil)
        #expect(guardian.checkSyntax("http://10.1.2.3/") == nil)
        let refused: [(String, Address.Category)] = [
            ("169.254.169.254", .cloudMetadata), ("100.100.100.200", .cloudMetadata), ("169.254.10.1", .linkLocal),
            ("0.0.0.0", .unspecified), ("0.1.2.3", .unspecified), ("224.0.0.1", .multicast),
            ("239.255.255.250", .multicast), ("255.255.255.255", .broadcast), ("240.0.0.1", .reserved),
        ]
        for (literal, category) in refused {
            let rejection = guardian.checkSyntax("http://\(literal)/hook")
            guard case .forbiddenAddress(_, let address, let actual) = rejection else {
                Issue.record("\(literal) should be refused, got \(String(describing: rejection))")
                continue
            }
            #expect(actual == category)
            #expect(address.description == literal)
        }
    }

    @Test func legacyIPv4SpellingsAreRecognised() {
        let guardian = DestinationGuard(allowLoopback: false)
        for spelling in ["127.1", "0x7f.0.0.1", "2130706433", "017700000001", "%31%32%37.0.0.1"] {
            #expect(
                guardian.checkSyntax("http://\(spelling)/")
                    == .forbiddenAddress(
                        host: "127.0.0.1", address: Address("127.0.0.1")!, category: .loopback), "\(spelling)")
        }
        #expect(DestinationGuard().checkSyntax("http://0xa9fea9fe/")?.message.contains("cloud metadata") == true)
    }

    @Test func ipv6Literals() {
        let guardian = DestinationGuard()
        #expect(guardian.checkSyntax("http://[2606:4700:4700::1111]/") == nil)
        #expect(guardian.checkSyntax("http://[::1]:8080/") == nil)
        #expect(guardian.checkSyntax("http://[fd12:3456::1]/") == nil)
        let refused: [(String, Address.Category)] = [
            ("::", .unspecified), ("fe80::1", .linkLocal), ("fe80::1%25eth0", .linkLocal), ("febf::1", .linkLocal),
            ("fd00:ec2::254", .cloudMetadata), ("ff02::1", .multicast),
            ("::ffff:169.254.169.254", .cloudMetadata), ("::ffff:0.0.0.0", .unspecified),
            ("64:ff9b::a9fe:a9fe", .cloudMetadata), ("::169.254.1.1", .linkLocal),
        ]
        for (literal, category) in refused {
            guard case .forbiddenAddress(_, _, let actual) = guardian.checkSyntax("http://[\(literal)]/") else {
                Issue.record("[\(literal)] should be refused")
                continue
            }
            #expect(actual == category, "\(literal)")
        }
    }

    @Test func loopbackAndPrivateCanBeRefused() {
        let strict = DestinationGuard(allowPrivateNetworks: false, allowLoopback: false)
        let cases: [(String, Address.Category)] = [
            ("127.0.0.1", .loopback), ("[::1]", .loopback), ("[::ffff:127.0.0.1]", .loopback),
            ("10.0.0.1", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork),
            ("192.168.1.1", .privateNetwork), ("100.64.0.1", .privateNetwork), ("[fc00::1]", .privateNetwork),
        ]
        for (host, category) in cases {
            guard case .forbiddenAddress(_, _, let actual) = strict.checkSyntax("https://\(host)/") else {
                Issue.record("\(host) should be refused")
                continue
            }
            #expect(actual == category, "\(host)")
            #expect(DestinationGuard().checkSyntax("https://\(host)/") == nil, "\(host) allowed by default")
        }
        #expect(strict.checkSyntax("https://172.32.0.1/") == nil)
        #expect(strict.checkSyntax("https://192.169.0.1/") == nil)
        #expect(DestinationGuard(allowLoopback: false).checkSyntax("http://10.0.0.1/") == nil)
        #expect(DestinationGuard(allowPrivateNetworks: false).checkSyntax("http://127.0.0.1/") == nil)
    }

    @Test func denyAndAllowLists() {
        let guardian = DestinationGuard(
            allowList: ["hooks.example.com", "*.Customers.Example.NET", "127.0.0.1"],
            denyList: ["*.internal.customers.example.net", "evil.customers.example.net", "[::1]"])
        #expect(guardian.checkSyntax("https://hooks.example.com/") == nil)
        #expect(guardian.checkSyntax("https://HOOKS.Example.com./") == nil)
        #expect(guardian.checkSyntax("https://a.customers.example.net/") == nil)
        #expect(guardian.checkSyntax("https://a.b.customers.example.net/") == nil)
        #expect(guardian.checkSyntax("http://127.0.0.1:8080/") == nil)
        #expect(guardian.checkSyntax("https://customers.example.net/") == .hostNotAllowed("customers.example.net"))
        #expect(guardian.checkSyntax("https://xcustomers.example.net/") == .hostNotAllowed("xcustomers.example.net"))
        #expect(guardian.checkSyntax("https://other.example.com/") == .hostNotAllowed("other.example.com"))
        #expect(guardian.checkSyntax("https://evil.customers.example.net/") == .deniedHost("evil.customers.example.net"))
        #expect(
            guardian.checkSyntax("https://db.internal.customers.example.net/")
                == .deniedHost("db.internal.customers.example.net"))
        #expect(guardian.checkSyntax("http://[0:0::1]/") == .deniedHost("::1"))
        let denyOnly = DestinationGuard(denyList: ["blocked.example.org"])
        #expect(denyOnly.checkSyntax("https://anything.example.org/") == nil)
        #expect(denyOnly.checkSyntax("https://Blocked.Example.org/") == .deniedHost("blocked.example.org"))
    }

    @Test func rejectionMessagesNameHostNotURL() {
        let rejection = DestinationGuard(denyList: ["a.example.com"]).checkSyntax("https://a.example.com/h?token=s3cr3t")
        #expect(rejection?.message == "webhook host a.example.com is denied")
        #expect(rejection?.description.contains("s3cr3t") == false)
    }

    @Test func localhostResolutionAllowedByDefault() async throws {
        let result = await DestinationGuard().resolve("http://localhost:8080/hook")
        let addresses = try result.get()
        #expect(!addresses.isEmpty)
        #expect(addresses.allSatisfy { $0.category == .loopback })
        #expect(await DestinationGuard().check("http://localhost/") == nil)
    }

    @Test func localhostRefusedWhenLoopbackDisallowed() async {
        let rejection = await DestinationGuard(allowLoopback: false).check("http://localhost:8080/hook")
        guard case .forbiddenAddress(let host, _, let category) = rejection else {
            Issue.record("expected forbiddenAddress, got \(String(describing: rejection))")
            return
        }
        #expect(host == "localhost")
        #expect(category == .loopback)
        #expect(DestinationGuard(allowLoopback: false).checkSyntax("http://localhost/") == nil, "syntax check has no DNS")
    }

    @Test func unresolvableHostIsRejected() async {
        let rejection = await DestinationGuard().check("https://does-not-exist.invalid/")
        guard case .resolutionFailed(let host, _) = rejection else {
            Issue.record("expected resolutionFailed, got \(String(describing: rejection))")
            return
        }
        #expect(host == "does-not-exist.invalid")
    }

    @Test func resolvedAddressesAreClassified() async throws {
        let guardian = Self.fake([
            "metadata.attacker.test": ["169.254.169.254"],
            "mixed.attacker.test": ["93.184.216.34", "fe80::1"],
            "private.test": ["10.0.0.7"],
            "public.test": ["93.184.216.34", "2606:4700:4700::1111"],
            "empty.test": [],
        ])
        #expect(
            await guardian.check("https://metadata.attacker.test/")
                == .forbiddenAddress(
                    host: "metadata.attacker.test", address: Address("169.254.169.254")!, category: .cloudMetadata))
        #expect(
            await guardian.check("https://mixed.attacker.test/")
                == .forbiddenAddress(
                    host: "mixed.attacker.test", address: Address("fe80::1")!, category: .linkLocal))
        #expect(await guardian.check("https://private.test/") == nil)
        #expect(
            try await guardian.resolve("https://public.test/").get().map(\.description)
                == ["93.184.216.34", "2606:4700:4700::1111"])
        #expect(await guardian.check("https://empty.test/") == .resolutionFailed(host: "empty.test", reason: "no addresses"))
        #expect(await guardian.check("https://nowhere.test/") == .resolutionFailed(host: "nowhere.test", reason: "unknown host"))
        let noPrivate = Self.fake(["private.test": ["10.0.0.7"]], allowPrivateNetworks: false)
        #expect(
            await noPrivate.check("https://private.test/")
                == .forbiddenAddress(
                    host: "private.test", address: Address("10.0.0.7")!, category: .privateNetwork))
    }

    @Test func literalHostsSkipResolution() async throws {
        let guardian = Self.fake([:])
        #expect(try await guardian.resolve("http://[::1]:9000/").get() == [Address("::1")!])
        #expect(await guardian.check("http://169.254.169.254/latest/meta-data/") != nil)
    }
}
