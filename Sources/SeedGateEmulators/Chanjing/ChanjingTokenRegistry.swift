import Foundation

/// How the emulator's tokens have been used, served by `GET /emulator/tokens`.
public struct ChanjingTokenStats: Sendable, Codable, Equatable {
    /// Successful `POST /open/v1/access_token` calls.
    public var exchanges: Int
    /// Business calls refused with 10400 (missing, unknown, expired or superseded token).
    public var rejected: Int

    public init(exchanges: Int = 0, rejected: Int = 0) {
        self.exchanges = exchanges
        self.rejected = rejected
    }
}

/// The emulator's access tokens: one app (`app_id` + `secret_key`), at most one valid token. Issuing a token
/// invalidates the previous one ("重新获取后旧 token 即失效", [CJ-SKILLS chanjing-tts]); a token stops working at its
/// `expire_in` (a Unix time, one day after issue by default).
actor ChanjingTokenRegistry {
    private let appID: String
    private let secretKey: String
    private let lifetime: Double
    private let now: @Sendable () -> Date
    private var current: (value: String, expiresAt: Date)?
    private var stats = ChanjingTokenStats()

    init(appID: String, secretKey: String, lifetime: Double, now: @escaping @Sendable () -> Date) {
        self.appID = appID
        self.secretKey = secretKey
        self.lifetime = lifetime
        self.now = now
    }

    /// A new token for the app and its expiry (Unix seconds); the previous token dies.
    func issue(appID: String?, secretKey: String?) throws(ChanjingAPIError) -> (token: String, expireIn: Int64) {
        guard appID == self.appID, secretKey == self.secretKey else { throw .credentialsRefused }
        let expiresAt = now().addingTimeInterval(lifetime)
        let value = Self.makeToken()
        current = (value, expiresAt)
        stats.exchanges += 1
        return (value, Int64(expiresAt.timeIntervalSince1970.rounded(.down)))
    }

    /// Whether `token` is the app's current token and has not expired; a refusal is counted.
    func authorize(_ token: String?) -> Bool {
        if let token, let current, token == current.value, now() < current.expiresAt { return true }
        stats.rejected += 1
        return false
    }

    func statistics() -> ChanjingTokenStats { stats }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// 64 letters and digits, like the documented example token.
    private static func makeToken() -> String {
        String((0..<64).map { _ in alphabet.randomElement() ?? "A" })
    }
}
