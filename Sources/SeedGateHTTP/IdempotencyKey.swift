import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SeedGateAPI
import SeedGateCore

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
        hexSHA256(try HTTPJSON.encoder().encode(body))
    }

    /// The facades' fingerprint: SHA-256 of the create request as parsed (the spec, metadata and callback URL) with
    /// sorted keys, under the facade's name. A multipart body's boundary or the JSON's key order does not change it, and
    /// a key reused on another API with the same video is still another request.
    static func fingerprint(_ create: CreateJob, api: String) throws -> String {
        struct Parsed: Encodable {
            var api: String
            var spec: JobSpec
            var metadata: [String: String]
            var callbackURL: String?
        }
        return hexSHA256(
            try HTTPJSON.encoder().encode(Parsed(api: api, spec: create.spec, metadata: create.metadata, callbackURL: create.callbackURL)))
    }

    /// Lower-case hex SHA-256 (fingerprints, key digests, link signatures).
    static func hexSHA256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The request's `Idempotency-Key` applied to a facade's create (nothing when the header is absent).
    static func apply(_ request: Request, to create: inout CreateJob, api: String) throws {
        guard let key = request.headers[.idempotencyKey] else { return }
        create.idempotencyKey = try validated(key)
        create.fingerprint = try fingerprint(create, api: api)
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
