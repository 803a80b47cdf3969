import Foundation
import SeedGateCore
import SeedGateServer
import SeedGateTesting
import Testing

/// Each cassette's recorded requests, sent to a fresh emulator of its provider, get the recorded HTTP status and a
/// JSON body of the recorded shape (same keys recursively, same JSON types; values may differ). `CassetteReplay`
/// says how a fresh emulator is prepared; what cannot be reproduced is listed in `skipped`, with why.
@Suite("Cassettes against their emulators", .timeLimit(.minutes(3)))
struct CassetteEmulatorTests {
    /// Recorded exchanges a fresh emulator cannot reproduce as they are: `<provider>/<scenario>` (every exchange of
    /// it) or `<provider>/<scenario>#<index>`, with the reason.
    static let skipped: [String: String] = [
        // Answers a fresh emulator has no way to give: the cause is outside the request.
        "acedata/error-fetch-429":
            "a rate-limited status read: FaultSettings offers no read rate-limit fault (only read_server_error, read_malformed, read_delay, status_override)",
        "volcengine-ark/error-400-invalid-parameter":
            "the cause is the image behind the URL (narrower than 300 px); the emulator does not fetch images",
        "byteplus-modelark/error-400-invalid-parameter":
            "the cause is the image behind the URL (narrower than 300 px); the emulator does not fetch images",
        "byteplus-modelark/error-400-input-image-privacy": "the cause is what the image shows (a real person); the emulator does not look at images",
        "modelverse/error-400-sensitive":
            "input moderation of real content; the emulator refuses only the [[reject:moderation]] marker (ModelVerseEmulatorValidationTests)",
        "modelverse/error-400-model-permission": "a key not allowed the model: the emulator's one key may use every model it serves",
        "modelverse/error-403-quota": "a key's spend limit: the emulator keeps no quota",
        "acedata/error-200-used-up": "an exhausted balance: the emulator keeps no balance",
        "acedata/error-400-token-mismatched": "a token that does not match the resource: the emulator has one token for everything",
        "chanjing/error-balance": "an exhausted balance: the emulator keeps no balance",
        // Recorded requests that carry no fault although their answers are errors (composed answers).
        "modelverse/error-400-invalid-parameter": "the recorded request is valid: the param_error answer is composed, with no trigger in the request",
        "chanjing/error-40000-invalid-parameter": "the recorded request is valid: the 40000 answer is composed, with no trigger in the request",
        "acedata/error-400-bad-request":
            "the recorded request is valid: the bad_request answer (in [S003]'s wording) is composed, with no trigger in the request",
        // A race: the task ends between the adapter's read and its DELETE (ArkEmulatorOptions.beforeDelete steers it in
        // ArkScenarioFidelityTests; a fresh emulator cannot).
        "volcengine-ark/cancel-deleted-in-window": "a task that ends in the window between the adapter's read and its DELETE",
        "byteplus-modelark/cancel-deleted-in-window": "a task that ends in the window between the adapter's read and its DELETE",
        // Invented exchanges (their provenance says so) that a fresh emulator does not reproduce.
        "modelverse/get-success-without-url":
            "INVENTED: a success without urls; the emulator gives it only for the [[succeed:no-url]] marker (ModelVerseWireFidelityTests)",
        "modelverse/error-504-gateway-timeout":
            "the recorded request is valid: the emulator answers 504 only for the [[created:504]] marker (ModelVerseWireFidelityTests)",
        "acedata/create-first-frame-finished":
            "INVENTED: a late synchronous answer carrying the finished video; the emulator answers a create with callback_url at once with its task_id",
        "acedata/get-failed":
            "INVENTED: a failed record's `response` shape is undocumented (acedata.md: INFERRED); get-failed-moderation has the shape the emulator gives",
    ]

    static let cassettes: [CassetteFile] = ProviderModules.ids.flatMap(ContractFiles.cassettes(of:)).filter { file in
        guard let cassette = try? file.load(), !cassette.exchanges.isEmpty else { return false }
        return skipped["\(file.provider)/\(file.name)"] == nil
    }

    @Test("every skip names a cassette exchange that exists, and says why")
    func skipsNameRecordedExchanges() throws {
        for (key, reason) in Self.skipped {
            let parts = key.split(separator: "#")
            let name = parts[0].split(separator: "/")
            let provider = ProviderID(String(name[0]))
            let file = try #require(ContractFiles.cassettes(of: provider).first { $0.name == name[1] }, "\(key): no such cassette")
            let exchanges = try file.load().exchanges.count
            #expect(exchanges > 0, "\(key): the cassette has no exchanges")
            if parts.count == 2 { #expect(Int(parts[1]).map { (0..<exchanges).contains($0) } == true, "\(key): no such exchange") }
            #expect(!reason.isEmpty)
        }
    }

    @Test("each recorded request gets the recorded status and shape from its emulator", arguments: cassettes)
    func replay(_ file: CassetteFile) async throws {
        let cassette = try file.load()
        let skippedExchanges = Set(
            Self.skipped.keys.compactMap { key -> Int? in
                let parts = key.split(separator: "#")
                return parts.count == 2 && parts[0] == "\(file.provider)/\(file.name)" ? Int(parts[1]) : nil
            })
        let replay = CassetteReplay(provider: file.provider, cassette: cassette, skippedExchanges: skippedExchanges)
        let differences = try await withCassetteEmulator(file.provider, replay.configuration) { try await replay.run(on: $0) }
        #expect(differences.isEmpty, "\(file.provider)/\(file.name):\n\(differences.joined(separator: "\n"))")
    }
}
