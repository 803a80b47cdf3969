import Foundation
import SeedGateEmulators
import Testing

/// Chanjing's token quirks: a one-day `access_token` from app_id + secret_key, sent as the `access_token` header,
/// where each new token kills the previous one and every refusal is HTTP 200 with code 10400.
@Suite("Chanjing emulator: access tokens")
struct ChanjingEmulatorAuthTests {
    @Test("the token answer carries the token and its absolute expiry")
    func exchange() async throws {
        let clock = ManualClock()
        try await withChanjingEmulator(now: clock.now) { cj in
            let reply = try await cj.exchange()
            #expect(reply.status == 200 && reply.code == 0 && reply.msg == "success")
            let token = try #require(reply.dataObject["access_token"] as? String)
            #expect(token.wholeMatch(of: /[A-Za-z0-9]{64}/) != nil)
            #expect(reply.dataObject["expire_in"] as? Int == 1_765_510_475 + 86_400, "a Unix time one day ahead, not a lifetime")
        }
    }

    @Test(
        "wrong credentials are refused with a non-zero code, still HTTP 200",
        arguments: [
            (ChanjingHarness.appID, "wrong-secret"),
            ("other-app", ChanjingHarness.secret),
        ])
    func wrongCredentials(appID: String, secret: String) async throws {
        try await withChanjingEmulator { cj in
            let reply = try await cj.exchange(appID: appID, secret: secret)
            #expect(reply.status == 200 && reply.code == 40000)
            #expect(reply.json["data"] is NSNull)
            #expect(await cj.emulator.tokenStats().exchanges == 0)
        }
    }

    @Test("business calls without a valid token answer 10400", arguments: [nil, "", "not-a-token"] as [String?])
    func missingToken(token: String?) async throws {
        try await withChanjingEmulator { cj in
            _ = try await cj.token()
            for reply in [try await cj.submit(chanjingVideo(), token: token), try await cj.task("x", token: token)] {
                #expect(reply.status == 200 && reply.code == 10400 && reply.msg == "AccessToken 验证失败")
            }
            #expect(await cj.emulator.counters().createAttempts == 0)
        }
    }

    @Test("a new token invalidates the previous one")
    func newTokenKillsOld() async throws {
        try await withChanjingEmulator { cj in
            let old = try await cj.token()
            let id = try await cj.submitTask(chanjingVideo(), token: old)
            let new = try await cj.token()
            #expect(new != old)
            #expect(try await cj.task(id, token: old).code == 10400)
            #expect(try await cj.task(id, token: new).code == 0)
            #expect(await cj.emulator.tokenStats() == ChanjingTokenStats(exchanges: 2, rejected: 1))
        }
    }

    @Test("a token stops working at expire_in")
    func expiry() async throws {
        let clock = ManualClock()
        try await withChanjingEmulator(tokenLifetime: 60, now: clock.now) { cj in
            let token = try await cj.token()
            clock.advance(59)
            #expect(try await cj.submit(chanjingVideo(), token: token).code == 0)
            clock.advance(1)
            #expect(try await cj.submit(chanjingVideo(), token: token).code == 10400)
            let fresh = try await cj.token()
            #expect(try await cj.submit(chanjingVideo(), token: fresh).code == 0)
        }
    }

    @Test("the token call needs no token and reads a JSON body")
    func tokenCallBody() async throws {
        try await withChanjingEmulator { cj in
            let reply = try await cj.send("POST", "/open/v1/access_token", body: Data("app_id=x".utf8))
            #expect(reply.status == 200 && reply.code == 400)
        }
    }
}
