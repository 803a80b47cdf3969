import Crypto
import Foundation
import Testing

@testable import SeedGateRuntime

@Suite struct WebhookSignerTests {
    // Expected signatures were computed independently with Python's hmac module:
    //   base64(hmac.new(base64decode(secret after "whsec_"), f"{id}.{ts}.".encode() + body, sha256).digest())
    static let secret = "whsec_c2VlZGdhdGUtdGVzdC12ZWN0b3Ita2V5LTMyYnl0ZXM=" // key: "seedgate-test-vector-key-32bytes"
    static let id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
    static let timestamp = Date(timeIntervalSince1970: 1_714_564_800)
    static let body = Data(#"{"type":"job.succeeded","data":{"id":"job_01","status":"succeeded"}}"#.utf8)
    static let expected = "v1,pqnNj1HcxA8hOuxU6KfuG7upB0FPM1JdqlWDBwhYLkI="

    @Test func knownVector() throws {
        let signer = try WebhookSigner(secret: Self.secret)
        let headers = signer.headers(id: Self.id, timestamp: Self.timestamp.addingTimeInterval(0.9), body: Self.body)
        #expect(headers.map(\.0) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(headers.map(\.1) == [Self.id, "1714564800", Self.expected])
    }

    @Test func standardWebhooksReferenceVector() throws {
        // The example from the Standard Webhooks specification, re-checked with Python's hmac.
        let signer = try WebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = signer.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: Date(timeIntervalSince1970: 1_614_265_330),
            body: Data(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func rawSecretUsesUTF8Bytes() throws {
        let signer = try WebhookSigner(secret: "plain-receiver-secret")
        #expect(
            signer.signature(id: Self.id, timestamp: Self.timestamp, body: Self.body)
                == "v1,FWiIywf3SWAnZ5s9X+PtecbTQDh51LD5hXnRdM1/yOU=")
        let sameKey = WebhookSigner(key: SymmetricKey(data: Data("plain-receiver-secret".utf8)))
        #expect(
            sameKey.signature(id: Self.id, timestamp: Self.timestamp, body: Self.body)
                == signer.signature(id: Self.id, timestamp: Self.timestamp, body: Self.body))
    }

    @Test func invalidSecrets() {
        #expect(throws: WebhookSigner.SecretError.empty) { try WebhookSigner(secret: "") }
        #expect(throws: WebhookSigner.SecretError.empty) { try WebhookSigner(secret: "whsec_") }
        #expect(throws: WebhookSigner.SecretError.invalidBase64) { try WebhookSigner(secret: "whsec_not base64!") }
    }

    @Test func roundTripVerifies() throws {
        let signer = try WebhookSigner(secret: Self.secret)
        let headers = signer.headers(id: Self.id, timestamp: Self.timestamp, body: Self.body)
        try signer.verify(headers: headers, body: Self.body, now: Self.timestamp.addingTimeInterval(299))
        try signer.verify(headers: headers, body: Self.body, now: Self.timestamp.addingTimeInterval(-299))
        let shouted = headers.map { ($0.0.uppercased(), $0.1) }
        try signer.verify(headers: shouted, body: Self.body, now: Self.timestamp)
    }

    @Test func tamperedBodyFails() throws {
        let signer = try WebhookSigner(secret: Self.secret)
        let headers = signer.headers(id: Self.id, timestamp: Self.timestamp, body: Self.body)
        var tampered = Self.body
        tampered[tampered.startIndex] ^= 0x01
        #expect(throws: WebhookSigner.VerificationError.noMatchingSignature) {
            try signer.verify(headers: headers, body: tampered, now: Self.timestamp)
        }
    }

    @Test func tamperedIdOrTimestampFails() throws {
        let signer = try WebhookSigner(secret: Self.secret)
        #expect(throws: WebhookSigner.VerificationError.noMatchingSignature) {
            try signer.verify(
                id: "msg_other", timestamp: "1714564800", signature: Self.expected,
                body: Self.body, now: Self.timestamp)
        }
        #expect(throws: WebhookSigner.VerificationError.noMatchingSignature) {
            try signer.verify(
                id: Self.id, timestamp: "1714564801", signature: Self.expected,
                body: Self.body, now: Self.timestamp)
        }
    }

    @Test func timestampOutsideToleranceFails() throws {
        let signer = try WebhookSigner(secret: Self.secret)
        let headers = signer.headers(id: Self.id, timestamp: Self.timestamp, body: Self.body)
        for offset in [301.0, -301.0, 86_400] {
            #expect(throws: WebhookSigner.VerificationError.timestampOutsideTolerance) {
                try signer.verify(headers: headers, body: Self.body, now: Self.timestamp.addingTimeInterval(offset))
            }
        }
        try signer.verify(
            headers: headers, body: Self.body, now: Self.timestamp.addingTimeInterval(3_000),
            tolerance: .seconds(3_600))
        #expect(throws: WebhookSigner.VerificationError.timestampOutsideTolerance) {
            try signer.verify(
                headers: headers, body: Self.body, now: Self.timestamp.addingTimeInterval(11),
                tolerance: .seconds(10))
        }
    }

    @Test func wrongSecretFails() throws {
        let headers = try WebhookSigner(secret: Self.secret).headers(id: Self.id, timestamp: Self.timestamp, body: Self.body)
        let other = try WebhookSigner(secret: WebhookSigner.generateSecret())
        #expect(throws: WebhookSigner.VerificationError.noMatchingSignature) {
            try other.verify(headers: headers, body: Self.body, now: Self.timestamp)
        }
    }

    @Test func severalSignaturesAnyMatches() throws {
        let signer = try WebhookSigner(secret: Self.secret)
        let rotated = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1a,ignored \(Self.expected) v1,%%notbase64"
        try signer.verify(id: Self.id, timestamp: "1714564800", signature: rotated, body: Self.body, now: Self.timestamp)
        #expect(throws: WebhookSigner.VerificationError.noMatchingSignature) {
            try signer.verify(
                id: Self.id, timestamp: "1714564800", signature: "v2,\(Self.expected.dropFirst(3)) junk",
                body: Self.body, now: Self.timestamp)
        }
    }

    // A second key for rotations, its signature computed the same way with Python's hmac.
    static let previousSecret = "whsec_c2VlZGdhdGUtcHJldmlvdXMtdmVjdG9yLWtleS0zMmI=" // key: "seedgate-previous-vector-key-32b"
    static let previousExpected = "v1,pTB/m39E8nQRIo95Z4z38mNXhHBRsYalmDXCx1qz6w8="

    @Test func rotationSignsWithBothSecretsCurrentFirst() throws {
        let signer = try WebhookSigner(secret: Self.secret, previousSecret: Self.previousSecret)
        #expect(signer.signsWithPreviousSecret)
        let headers = signer.headers(id: Self.id, timestamp: Self.timestamp, body: Self.body)
        #expect(headers.map(\.1) == [Self.id, "1714564800", "\(Self.expected) \(Self.previousExpected)"])
        // Built from two signers (as the server does, to name the variable of a bad secret): the same header.
        let combined = WebhookSigner(
            current: try WebhookSigner(secret: Self.secret), previous: try WebhookSigner(secret: Self.previousSecret))
        #expect(combined.headers(id: Self.id, timestamp: Self.timestamp, body: Self.body).map(\.1) == headers.map(\.1))
    }

    @Test func rotationVerifiesWithEitherSecretAlone() throws {
        let headers = try WebhookSigner(secret: Self.secret, previousSecret: Self.previousSecret)
            .headers(id: Self.id, timestamp: Self.timestamp, body: Self.body)
        // A receiver still on the old secret, and one already on the new secret, both accept the delivery.
        try WebhookSigner(secret: Self.previousSecret).verify(headers: headers, body: Self.body, now: Self.timestamp)
        try WebhookSigner(secret: Self.secret).verify(headers: headers, body: Self.body, now: Self.timestamp)
        #expect(throws: WebhookSigner.VerificationError.noMatchingSignature) {
            try WebhookSigner(secret: WebhookSigner.generateSecret()).verify(headers: headers, body: Self.body, now: Self.timestamp)
        }
        // A signer holding both keys accepts a signature made with either one.
        let both = try WebhookSigner(secret: Self.secret, previousSecret: Self.previousSecret)
        for single in [Self.expected, Self.previousExpected] {
            try both.verify(id: Self.id, timestamp: "1714564800", signature: single, body: Self.body, now: Self.timestamp)
        }
    }

    @Test func rotationWithoutOrWithTheSameSecretSignsOnce() throws {
        for previous in [nil, Self.secret] {
            let signer = try WebhookSigner(secret: Self.secret, previousSecret: previous)
            #expect(!signer.signsWithPreviousSecret)
            #expect(signer.signature(id: Self.id, timestamp: Self.timestamp, body: Self.body) == Self.expected)
        }
        let lone = WebhookSigner(current: try WebhookSigner(secret: Self.secret), previous: nil)
        #expect(lone.signature(id: Self.id, timestamp: Self.timestamp, body: Self.body) == Self.expected)
        #expect(throws: WebhookSigner.SecretError.invalidBase64) {
            try WebhookSigner(secret: Self.secret, previousSecret: "whsec_not base64!")
        }
    }

    @Test func rotatingSignerNeverRevealsEitherSecret() throws {
        let signer = try WebhookSigner(secret: Self.secret, previousSecret: Self.previousSecret)
        var dumped = ""
        dump(signer, to: &dumped)
        for text in [signer.description, String(reflecting: signer), "\(signer)", dumped] {
            for secretText in ["c2VlZGdhdGU", "seedgate-test-vector", "seedgate-previous-vector"] {
                #expect(!text.contains(secretText))
            }
        }
    }

    @Test func malformedHeaders() throws {
        let signer = try WebhookSigner(secret: Self.secret)
        #expect(throws: WebhookSigner.VerificationError.missingHeader("webhook-signature")) {
            try signer.verify(
                headers: [("webhook-id", Self.id), ("webhook-timestamp", "1714564800")],
                body: Self.body, now: Self.timestamp)
        }
        #expect(throws: WebhookSigner.VerificationError.invalidTimestamp) {
            try signer.verify(
                id: Self.id, timestamp: "2024-05-01T12:00:00Z", signature: Self.expected,
                body: Self.body, now: Self.timestamp)
        }
    }

    @Test func generatedSecretsAreUsableAndDistinct() throws {
        let first = WebhookSigner.generateSecret()
        let second = WebhookSigner.generateSecret()
        #expect(first != second)
        #expect(first.hasPrefix("whsec_"))
        let key = try #require(Data(base64Encoded: String(first.dropFirst(6))))
        #expect(key.count >= 24)
        _ = try WebhookSigner(secret: first)
    }

    @Test func descriptionNeverRevealsSecret() throws {
        let signer = try WebhookSigner(secret: Self.secret)
        var dumped = ""
        dump(signer, to: &dumped)
        for text in [signer.description, String(reflecting: signer), "\(signer)", dumped] {
            #expect(!text.contains("c2VlZGdhdGU"))
            #expect(!text.contains("seedgate-test-vector"))
            #expect(text.contains("redacted") || text.hasPrefix("▿ WebhookSigner") || text.hasPrefix("- WebhookSigner"))
        }
    }
}
