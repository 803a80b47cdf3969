import Foundation
import SeedGateCore

/// The Chanjing access token shared by every SeedGate replica through the store (`ProviderSharedState`).
///
/// Chanjing invalidates a token whenever a new one is issued for the same app ("重新获取后旧 token 即失效",
/// [CJ-SKILLS chanjing-tts]; chanjing.md Authentication 4), so replicas that each exchanged their own token would
/// keep killing each other's. Here the token lives in the store under one key per (base URL, `app_id`):
/// - a caller reads it and uses it while it is valid beyond the refresh margin;
/// - otherwise it takes the key's lease (one exchange cluster-wide), re-reads (another replica may have just
///   exchanged), exchanges, stores the new token with compare-and-set, and releases the lease;
/// - a token Chanjing refused (10400/10401) is replaced by re-reading first: a different stored token is another
///   replica's newer one and is used as it is; only when the store still holds the refused token is it exchanged,
///   under the lease.
/// A caller that finds the lease held waits for the holder's token, polling, for at most `patience`; a lease whose
/// holder died runs out after `leaseSeconds` and is taken over. The token is a secret: it is stored, never logged,
/// and no error message carries it.
struct ChanjingSharedToken: Sendable {
    let state: any ProviderSharedState
    /// The store key of this credential's token, and of its exchange lease.
    let key: String
    /// Seconds before expiry at which a stored token counts as due for refresh ([CJ-SKILLS] and [SDK-CJ]: 5 minutes).
    let refreshMargin: TimeInterval
    let now: @Sendable () -> Date
    /// How long an exchange may hold the lease: far longer than one token call takes.
    var leaseSeconds: TimeInterval = 30
    /// How long a caller waits for another replica's exchange before giving up (retryable, nothing sent). Kept well
    /// below the call timeout, so a waiting create is never mistaken for one whose process died mid-call.
    var patience: Duration = .seconds(10)
    var pollInterval: Duration = .milliseconds(200)

    /// The store key for a base URL and `app_id`: the app id is hashed (stable across processes), so the store
    /// holds no credential name in clear.
    static func key(baseURL: String, appID: String) -> String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return "chanjing:access_token:\(fnv1a("\(base)\n\(appID)"))"
    }

    /// A token valid beyond the refresh margin: the shared one, or one exchanged under the lease.
    func current(exchange: ChanjingTokenCache.Exchange) async throws(ProviderError) -> ChanjingToken {
        let margin = refreshMargin
        return try await obtain(exchange: exchange) { token, date in token.expiresAt.timeIntervalSince(date) > margin }
    }

    /// A token to use instead of `rejected`: the shared one when it is another, unexpired token, else a new exchange.
    func replacement(for rejected: ChanjingToken, exchange: ChanjingTokenCache.Exchange) async throws(ProviderError) -> ChanjingToken {
        try await obtain(exchange: exchange) { token, date in token.value != rejected.value && token.expiresAt > date }
    }

    // MARK: internals

    private func obtain(
        exchange: ChanjingTokenCache.Exchange, usable: (ChanjingToken, Date) -> Bool
    ) async throws(ProviderError) -> ChanjingToken {
        let deadline = ContinuousClock.now + patience
        let holder = UUID().uuidString
        while true {
            let stored = try await read()
            if let token = stored?.token, usable(token, now()) { return token }
            if try await storeCall({
                try await state.acquireSharedLease(key, holder: holder, until: now().addingTimeInterval(leaseSeconds), now: now())
            }) {
                return try await exchangeHoldingLease(holder: holder, exchange: exchange, usable: usable)
            }
            guard ContinuousClock.now < deadline else {
                throw ProviderError(
                    .unavailable, providerMessage: "another SeedGate replica is exchanging the Chanjing access token; try again shortly",
                    requestSent: false)
            }
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                throw ProviderError(.unavailable, providerMessage: "cancelled while waiting for the Chanjing access token", requestSent: false)
            }
        }
    }

    /// With the lease held: re-read, exchange if still needed, store, release (also when the exchange fails).
    private func exchangeHoldingLease(
        holder: String, exchange: ChanjingTokenCache.Exchange, usable: (ChanjingToken, Date) -> Bool
    ) async throws(ProviderError) -> ChanjingToken {
        let result: Result<ChanjingToken, ProviderError>
        do throws(ProviderError) {
            let stored = try await read()
            if let token = stored?.token, usable(token, now()) {
                result = .success(token)
            } else {
                let fresh = try await exchange()
                try await write(fresh, over: stored?.entry)
                result = .success(fresh)
            }
        } catch {
            result = .failure(error)
        }
        // A failed release only leaves the lease to run out.
        try? await state.releaseSharedLease(key, holder: holder)
        return try result.get()
    }

    /// Stores `token` by compare-and-set over what was read. Chanjing has just issued it, so it is the one that
    /// works: if another writer got in between (our lease ran out meanwhile), the write is repeated over theirs.
    private func write(_ token: ChanjingToken, over read: SharedStateEntry?) async throws(ProviderError) {
        let value = StoredToken(token).encoded
        var expected = read?.version
        for _ in 0..<3 {
            if try await storeCall({ try await state.setSharedValue(key, to: value, expecting: expected) }) != nil { return }
            expected = try await storeCall({ try await state.sharedValue(key) })?.version
        }
    }

    private func read() async throws(ProviderError) -> (entry: SharedStateEntry, token: ChanjingToken?)? {
        guard let entry = try await storeCall({ try await state.sharedValue(key) }) else { return nil }
        return (entry, StoredToken.decode(entry.value)?.token)
    }

    /// A store call; its failure is retryable and nothing was sent to Chanjing. The store's error names no value.
    private func storeCall<T>(_ call: () async throws -> T) async throws(ProviderError) -> T {
        do {
            return try await call()
        } catch {
            throw ProviderError(
                .unavailable, providerMessage: "the store holding the shared Chanjing access token failed: \(error)", requestSent: false)
        }
    }

    /// FNV-1a, 64 bits, as 16 hex digits: stable across processes, unlike `Hasher`.
    private static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// The token as stored: `{"access_token": …, "expires_at": <Unix seconds>}`.
private struct StoredToken: Codable {
    var accessToken: String
    var expiresAt: Double

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expiresAt = "expires_at"
    }

    init(_ token: ChanjingToken) {
        accessToken = token.value
        expiresAt = token.expiresAt.timeIntervalSince1970
    }

    var token: ChanjingToken { ChanjingToken(value: accessToken, expiresAt: Date(timeIntervalSince1970: expiresAt)) }

    var encoded: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }

    /// Nil for a value that is not a stored token (then it is replaced like a missing one).
    static func decode(_ value: String) -> StoredToken? {
        try? JSONDecoder().decode(StoredToken.self, from: Data(value.utf8))
    }
}
