import Foundation
import SeedGateCore

/// A Chanjing `access_token` and when it stops working. Its value is never printed.
struct ChanjingToken: Sendable, Equatable, CustomStringConvertible {
    var value: String
    var expiresAt: Date

    var description: String { "ChanjingToken(<redacted>, expires \(expiresAt))" }
}

/// One access token per credential, shared by every call of one adapter.
///
/// Chanjing invalidates a token as soon as a new one is issued for the same `app_id` (chanjing.md, Authentication
/// 4), so two exchanges racing each other kill one another's tokens. The cache therefore holds one token per
/// (base URL, `app_id`) and lets one caller at a time exchange: a refresh runs as a `Task` stored in the cache,
/// and every caller arriving meanwhile awaits that same task. Tokens are refreshed `refreshMargin` seconds before
/// `expire_in` ([CJ-SKILLS] and [SDK-CJ] use 5 minutes); a token Chanjing rejects (10400) is replaced once, and
/// callers that saw the same rejected token all receive the same replacement.
///
/// A transport that is an object (a test's replay or counting transport) also scopes the entry, so calls made
/// through different transport objects never share a token; the runtime's transport is a value, so in production
/// the key is exactly base URL + `app_id`.
actor ChanjingTokenCache {
    /// Which token an entry holds.
    struct Key: Hashable, Sendable {
        var baseURL: String
        var appID: String
        var transport: ObjectIdentifier?
    }

    /// Runs the token exchange; called by at most one caller per key at a time.
    typealias Exchange = @Sendable () async throws(ProviderError) -> ChanjingToken

    private enum State {
        case ready(ChanjingToken)
        case refreshing(id: Int, task: Task<Result<ChanjingToken, ProviderError>, Never>)
    }

    private struct Entry {
        var state: State
        /// The transport object the entry belongs to; a dead owner (or another object at the same address) voids it.
        weak var owner: AnyObject?
        var scoped: Bool
    }

    /// Seconds before `expiresAt` at which a token is replaced rather than used.
    let refreshMargin: TimeInterval
    private var entries: [Key: Entry] = [:]
    private var nextRefreshID = 0

    init(refreshMargin: TimeInterval = 300) {
        self.refreshMargin = refreshMargin
    }

    /// The entry key for a call's base URL, app id and transport.
    nonisolated static func key(baseURL: String, appID: String, transport: any UpstreamTransport) -> Key {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return Key(baseURL: base, appID: appID, transport: transportObject(transport).map(ObjectIdentifier.init))
    }

    /// A token valid for more than `refreshMargin` at `now`: the cached one, the one being fetched, or a new one.
    func token(for key: Key, transport: any UpstreamTransport, now: Date, exchange: @escaping Exchange) async throws(ProviderError) -> ChanjingToken {
        switch current(key, transport: transport) {
        case .ready(let token) where token.expiresAt.timeIntervalSince(now) > refreshMargin:
            return token
        case .refreshing(_, let task):
            return try await task.value.get()
        default:
            return try await refresh(key, transport: transport, exchange: exchange).value.get()
        }
    }

    /// A replacement for a token Chanjing rejected: the token another caller already fetched in its place, the
    /// refresh under way, or a new exchange (only when the rejected token is still the cached one).
    func replacement(for rejected: ChanjingToken, key: Key, transport: any UpstreamTransport, exchange: @escaping Exchange)
        async throws(ProviderError) -> ChanjingToken
    {
        switch current(key, transport: transport) {
        case .ready(let token) where token.value != rejected.value:
            return token
        case .refreshing(_, let task):
            return try await task.value.get()
        default:
            return try await refresh(key, transport: transport, exchange: exchange).value.get()
        }
    }

    /// Forgets every token (for tests and credential rotation).
    func removeAll() {
        entries = [:]
    }

    // MARK: internals

    private func current(_ key: Key, transport: any UpstreamTransport) -> State? {
        guard let entry = entries[key] else { return nil }
        if entry.scoped, entry.owner == nil || entry.owner !== Self.transportObject(transport) {
            entries[key] = nil
            return nil
        }
        return entry.state
    }

    /// Starts the one exchange for `key`. The task runs on this actor (it inherits the isolation) and records its own
    /// outcome before anyone awaiting it resumes.
    private func refresh(_ key: Key, transport: any UpstreamTransport, exchange: @escaping Exchange) -> Task<
        Result<ChanjingToken, ProviderError>, Never
    > {
        nextRefreshID += 1
        let id = nextRefreshID
        let task = Task { () -> Result<ChanjingToken, ProviderError> in
            let result: Result<ChanjingToken, ProviderError>
            do throws(ProviderError) {
                result = .success(try await exchange())
            } catch {
                result = .failure(error)
            }
            self.settle(key, id: id, result: result)
            return result
        }
        entries = entries.filter { !$0.value.scoped || $0.value.owner != nil }
        let owner = Self.transportObject(transport)
        entries[key] = Entry(state: .refreshing(id: id, task: task), owner: owner, scoped: owner != nil)
        return task
    }

    private func settle(_ key: Key, id: Int, result: Result<ChanjingToken, ProviderError>) {
        guard case .refreshing(let current, _)? = entries[key]?.state, current == id else { return }
        switch result {
        case .success(let token): entries[key]?.state = .ready(token)
        case .failure: entries[key] = nil
        }
    }

    /// The transport as an object when it is one (class or actor); nil for value types.
    private nonisolated static func transportObject(_ transport: any UpstreamTransport) -> AnyObject? {
        guard type(of: transport) is AnyClass else { return nil }
        return transport as AnyObject
    }
}
