import Crypto
import Foundation
import SeedGateCore

/// Signed, expiring links to archived files, for a browser or a worker without an API key:
/// `<base>/v1/jobs/{id}/content?variant=…&expires=<unix s>&signature=<hex HMAC-SHA256>`. The MAC covers the job id,
/// the variant and the expiry, under a secret from the environment (`SEEDGATE_MEDIA_LINK_SECRET`); every replica
/// must share it. Links are made fresh on every read of the job, so they always have most of their lifetime left.
public struct MediaLinks: Sendable {
    let key: SymmetricKey
    /// How long a link works, from when it is made.
    public let lifetime: TimeInterval
    /// SeedGate's base URL as clients reach it (nil: links are paths).
    let base: @Sendable () -> String?

    public init(secret: String, lifetime: TimeInterval, base: @escaping @Sendable () -> String?) {
        self.key = SymmetricKey(data: Data(secret.utf8))
        self.lifetime = lifetime
        self.base = base
    }

    /// A random secret for a single run (links stop working when the process restarts).
    public static func generateSecret() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The link to `variant` of job `id`, and when it stops working.
    public func link(job id: JobID, variant: JobService.MediaVariant, now: Date) -> (url: String, expiresAt: Date) {
        let expires = Int((now.timeIntervalSince1970 + lifetime).rounded(.down))
        var url = (base() ?? "") + "/v1/jobs/\(id.rawValue)/content?"
        if variant != .video { url += "variant=\(variant.rawValue)&" }
        url += "expires=\(expires)&signature=\(signature(job: id.rawValue, variant: variant, expires: expires))"
        return (url, Date(timeIntervalSince1970: TimeInterval(expires)))
    }

    /// Whether `signature` is this server's for the job, variant and expiry, and the expiry has not passed.
    public func verify(job id: String, variant: JobService.MediaVariant, expires: Int, signature: String, now: Date) -> Bool {
        guard TimeInterval(expires) > now.timeIntervalSince1970, let given = Self.bytes(hex: signature) else { return false }
        // HMAC's own check compares in constant time.
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Self.message(job: id, variant: variant, expires: expires), using: key)
    }

    func signature(job id: String, variant: JobService.MediaVariant, expires: Int) -> String {
        IdempotencyKey.hex(HMAC<SHA256>.authenticationCode(for: Self.message(job: id, variant: variant, expires: expires), using: key))
    }

    static func message(job id: String, variant: JobService.MediaVariant, expires: Int) -> Data {
        Data("seedgate-media-v1\n\(id)\n\(variant.rawValue)\n\(expires)".utf8)
    }

    static func bytes(hex: String) -> Data? {
        guard hex.count == 64 else { return nil }
        var data = Data(capacity: 32)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            data.append(byte)
            index = next
        }
        return data
    }
}
