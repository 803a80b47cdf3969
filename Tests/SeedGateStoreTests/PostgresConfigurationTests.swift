import PostgresNIO
import SeedGateCore
import SeedGateStorePostgres
import Testing

/// Parsing of `postgres://` URLs; needs no server, so it always runs.
@Suite struct PostgresConfigurationTests {
    @Test func parsesEveryPart() throws {
        let configuration = try PostgresJobStore.configuration(url: "postgres://seed%40gate:p%3Ass%2Fw0rd@db.internal:6543/jobs")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "seed@gate")
        #expect(configuration.password == "p:ss/w0rd")
        #expect(configuration.database == "jobs")
    }

    @Test func defaultsPortAndAcceptsPostgresqlSchemeAndIPv6() throws {
        let plain = try PostgresJobStore.configuration(url: "postgresql://gateway@127.0.0.1/gateway_test")
        #expect(plain.port == 5432)
        #expect(plain.password == nil)
        #expect(plain.database == "gateway_test")
        let ipv6 = try PostgresJobStore.configuration(url: "postgres://gateway@[::1]:55432/gateway_test")
        #expect(ipv6.host == "::1")
        #expect(ipv6.port == 55432)
    }

    @Test func acceptsKnownSSLModes() throws {
        for mode in ["disable", "prefer", "require", "verify-full"] {
            _ = try PostgresJobStore.configuration(url: "postgres://u:p@db.example.com/x?sslmode=\(mode)")
        }
        _ = try PostgresJobStore.configuration(url: "postgres://u:p@db.example.com/x")
    }

    @Test(arguments: [
        "not a url at all ::: secret-pw",
        "mysql://u:secret-pw@localhost/db",
        "postgres://u:secret-pw@/db",
        "postgres://:secret-pw@localhost/db",
        "postgres://u:secret-pw@localhost",
        "postgres://u:secret-pw@localhost/a/b",
        "postgres://u:secret-pw@localhost/db?sslmode=sometimes",
    ])
    func rejectsBadURLsWithoutEchoingThem(_ url: String) {
        let error = #expect(throws: PostgresJobStoreError.self) { try PostgresJobStore.configuration(url: url) }
        let description = error.map { "\($0)" } ?? ""
        #expect(description.hasPrefix("invalid PostgreSQL URL"))
        #expect(!description.contains("secret-pw"))
    }

    @Test func storeFromURLOpensNothingUntilUsed() throws {
        let store = try PostgresJobStore(url: "postgres://gateway:secret-pw@127.0.0.1:1/none", maximumConnections: 2)
        #expect(!"\(store.client)".contains("secret-pw"))
    }
}
