import Crypto
import Foundation

/// Signs and verifies webhook deliveries following the Standard Webhooks specification (v1 signatures).
///
/// Every delivery carries three headers: `webhook-id`, `webhook-timestamp` (integer unix seconds) and
/// `webhook-signature`, which holds `v1,<base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))>`.
///
/// During a secret rotation the signer holds two keys, the current one and the previous one: `webhook-signature`
/// then carries both signatures, space-separated (current first), as the specification allows, so a receiver
/// configured with either secret verifies every delivery; `verify` accepts a signature made with either key.
///
/// The signer never reveals its keys: `description`, `debugDescription` and reflection (`dump`) are redacted.
public struct WebhookSigner: Sendable {
    /// Prefix of secrets in the Standard Webhooks format: `whsec_` followed by the base64-encoded key.
    public static let secretPrefix = "whsec_"
    /// Header carrying the unique message identifier (stable across retries of the same message).
    public static let idHeader = "webhook-id"
    /// Header carrying the signing time in integer unix seconds.
    public static let timestampHeader = "webhook-timestamp"
    /// Header carrying one or more space-separated `v1,<base64>` signatures.
    public static let signatureHeader = "webhook-signature"
    /// How far the signed timestamp may be from the verifier's clock, by default (in either direction).
    public static let defaultTolerance: Duration = .seconds(5 * 60)

    /// Why a secret could not be turned into a signing key. The secret itself is never included.
    public enum SecretError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The secret (or its decoded key) is empty.
        case empty
        /// The secret starts with `whsec_` but the rest is not valid base64.
        case invalidBase64

        public var description: String {
            switch self {
            case .empty: "webhook secret is empty"
            case .invalidBase64: "webhook secret has the whsec_ prefix but is not valid base64 after it"
            }
        }
    }

    /// Why a delivery failed verification.
    public enum VerificationError: Error, Sendable, Equatable, CustomStringConvertible {
        /// A required header is absent (the associated value is its name).
        case missingHeader(String)
        /// `webhook-timestamp` is not an integer number of seconds.
        case invalidTimestamp
        /// The timestamp is further from the verifier's clock than the tolerance allows.
        case timestampOutsideTolerance
        /// No `v1` signature in the header matches the expected one.
        case noMatchingSignature

        public var description: String {
            switch self {
            case .missingHeader(let name): "missing header \(name)"
            case .invalidTimestamp: "webhook-timestamp is not an integer unix time"
            case .timestampOutsideTolerance: "webhook-timestamp is outside the tolerance window"
            case .noMatchingSignature: "no matching v1 signature"
            }
        }
    }

    /// The signing keys: the current one first, then, during a rotation, the previous one.
    private let keys: [SymmetricKey]

    /// Creates a signer from a secret.
    ///
    /// - `whsec_<base64>`: the key is the base64-decoded bytes after the prefix (the Standard Webhooks format).
    /// - Any other string: the key is the string's UTF-8 bytes (for receivers configured with plain secrets).
    public init(secret: String) throws(SecretError) {
        keys = [try Self.key(fromSecret: secret)]
    }

    /// Creates a signer for a rotation: every delivery is signed with `secret` and, when given, also with
    /// `previousSecret` (the same secret twice signs once).
    public init(secret: String, previousSecret: String?) throws(SecretError) {
        let current = try Self.key(fromSecret: secret)
        guard let previousSecret else {
            keys = [current]
            return
        }
        keys = Self.distinct([current, try Self.key(fromSecret: previousSecret)])
    }

    /// Creates a signer from a raw key.
    public init(key: SymmetricKey) {
        keys = [key]
    }

    /// Creates a signer for a rotation from two signers: it signs with `current`'s key and then `previous`'s.
    public init(current: WebhookSigner, previous: WebhookSigner?) {
        keys = Self.distinct(current.keys + (previous?.keys ?? []))
    }

    /// Whether deliveries carry a second signature, made with the previous secret (a rotation is under way).
    public var signsWithPreviousSecret: Bool { keys.count > 1 }

    /// Generates a new random secret in the `whsec_<base64>` format (32 random bytes).
    public static func generateSecret() -> String {
        let key = SymmetricKey(size: .bits256)
        return secretPrefix + key.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The `webhook-signature` value for a message: `v1,<base64 HMAC-SHA256>`, one per key, space-separated.
    public func signature(id: String, timestamp: Date, body: Data) -> String {
        signature(id: id, unixSeconds: Self.unixSeconds(timestamp), body: body)
    }

    /// The three Standard Webhooks headers for a delivery, in the order id, timestamp, signature.
    /// The timestamp is truncated to whole seconds.
    public func headers(id: String, timestamp: Date, body: Data) -> [(String, String)] {
        let seconds = Self.unixSeconds(timestamp)
        return [
            (Self.idHeader, id),
            (Self.timestampHeader, String(seconds)),
            (Self.signatureHeader, signature(id: id, unixSeconds: seconds, body: body)),
        ]
    }

    /// Verifies a delivery from its header values.
    ///
    /// Succeeds when the timestamp is within `tolerance` of `now` (either direction) and at least one of the
    /// space-separated `v1,` signatures matches one made with any of the signer's keys; signatures of other versions
    /// are ignored. The comparison is constant-time.
    public func verify(
        id: String, timestamp: String, signature: String, body: Data,
        now: Date = Date(), tolerance: Duration = defaultTolerance
    ) throws(VerificationError) {
        guard let seconds = Int64(timestamp.trimmingCharacters(in: .whitespaces)) else { throw .invalidTimestamp }
        let skew = abs(now.timeIntervalSince1970 - Double(seconds))
        guard skew <= tolerance / .seconds(1) else { throw .timestampOutsideTolerance }
        let content = Self.signedContent(id, seconds, body)
        let expected = keys.map { HMAC<SHA256>.authenticationCode(for: content, using: $0) }
        var matched = false
        for candidate in signature.split(separator: " ", omittingEmptySubsequences: true) {
            guard candidate.hasPrefix("v1,"), let mac = Data(base64Encoded: String(candidate.dropFirst(3))) else {
                continue
            }
            // Keep looping after a match so timing does not depend on which candidate (or key) matched.
            for code in expected where code == mac { matched = true }
        }
        guard matched else { throw .noMatchingSignature }
    }

    /// Verifies a delivery from its headers (names compared case-insensitively), as a receiver would see them.
    public func verify(
        headers: [(String, String)], body: Data,
        now: Date = Date(), tolerance: Duration = defaultTolerance
    ) throws(VerificationError) {
        func value(_ name: String) throws(VerificationError) -> String {
            guard let match = headers.first(where: { $0.0.lowercased() == name }) else { throw .missingHeader(name) }
            return match.1
        }
        try verify(
            id: value(Self.idHeader), timestamp: value(Self.timestampHeader), signature: value(Self.signatureHeader),
            body: body, now: now, tolerance: tolerance
        )
    }

    private func signature(id: String, unixSeconds: Int64, body: Data) -> String {
        let content = Self.signedContent(id, unixSeconds, body)
        return keys.map { key in
            "v1," + Data(HMAC<SHA256>.authenticationCode(for: content, using: key)).base64EncodedString()
        }.joined(separator: " ")
    }

    /// The key a secret stands for (see `init(secret:)`).
    private static func key(fromSecret secret: String) throws(SecretError) -> SymmetricKey {
        let bytes: Data
        if secret.hasPrefix(secretPrefix) {
            guard let decoded = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))) else {
                throw .invalidBase64
            }
            bytes = decoded
        } else {
            bytes = Data(secret.utf8)
        }
        guard !bytes.isEmpty else { throw .empty }
        return SymmetricKey(data: bytes)
    }

    /// The keys in order, each once.
    private static func distinct(_ keys: [SymmetricKey]) -> [SymmetricKey] {
        var seen: [Data] = []
        return keys.filter { key in
            let bytes = key.withUnsafeBytes { Data($0) }
            guard !seen.contains(bytes) else { return false }
            seen.append(bytes)
            return true
        }
    }

    private static func signedContent(_ id: String, _ unixSeconds: Int64, _ body: Data) -> Data {
        var content = Data("\(id).\(unixSeconds).".utf8)
        content.append(body)
        return content
    }

    private static func unixSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}

extension WebhookSigner: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A redacted description: the keys are never shown.
    public var description: String { keys.count > 1 ? "WebhookSigner(secrets: <redacted>, <redacted>)" : "WebhookSigner(secret: <redacted>)" }
    /// A redacted description: the keys are never shown.
    public var debugDescription: String { description }
    /// An empty mirror, so `dump` and reflection-based loggers cannot reach the keys.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
