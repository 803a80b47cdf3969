import Crypto
import Foundation
import SeedGateAPI

/// The `Idempotency-Key` header: checked, and the request it came with fingerprinted so a reuse with another body
/// can be told from a retry.
enum IdempotencyKey {
    static func validated(_ key: String) throws -> String {
        guard (1...255).contains(key.count), key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E }) else {
            throw ProblemDetails(
                status: 400, code: "invalid_request", title: "Invalid request",
                detail: "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces", field: "Idempotency-Key"
            )
        }
        return key
    }

    /// SHA-256 of the request re-encoded with sorted keys, so key order and whitespace do not matter.
    static func fingerprint(_ body: Components.Schemas.CreateJobRequest) throws -> String {
        SHA256.hash(data: try HTTPJSON.encoder().encode(body)).map { String(format: "%02x", $0) }.joined()
    }
}
