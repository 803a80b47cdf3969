import Crypto
import Foundation
import Testing

@testable import SeedGateClient

/// The committed client is generated from the spec as it is now (scripts/generate-openapi.sh was re-run).
@Suite struct ClientDriftTests {
    @Test func theClientWasGeneratedFromTheCurrentSpec() throws {
        let spec = try Data(contentsOf: repositoryRoot.appendingPathComponent("openapi/seedgate.yaml"))
        let digest = SHA256.hash(data: spec).map { String(format: "%02x", $0) }.joined()
        #expect(digest == generatedFromSpecSHA256, "openapi/seedgate.yaml changed; run scripts/generate-openapi.sh")
    }

    @Test func datesAreReadWithAndWithoutFractionalSeconds() throws {
        let transcoder = RFC3339DateTranscoder()
        let withMilliseconds = try transcoder.decode("2025-01-02T03:04:05.678Z")
        let without = try transcoder.decode("2025-01-02T03:04:05Z")
        #expect(abs(withMilliseconds.timeIntervalSince(without) - 0.678) < 0.001)
        #expect(try transcoder.encode(without) == "2025-01-02T03:04:05.000Z")
        #expect(throws: (any Error).self) { try transcoder.decode("yesterday") }
    }

    @Test func theKeyIsInNoDescription() {
        #expect(!"\(BearerKeyMiddleware(key: "sg-secret-123"))".contains("sg-secret-123"))
    }
}
