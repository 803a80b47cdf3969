import ArgumentParser
import Foundation
import SeedGateClient
import SeedGateServer

/// What every client command takes: where SeedGate is, the key, and how long a request may take.
struct ClientOptions: ParsableArguments {
    static let defaultURL = "http://127.0.0.1:8080"

    @Option(help: ArgumentHelp("SeedGate's base URL (env SEEDGATE_URL; default \(Self.defaultURL)).", valueName: "url"))
    var url: String?

    @Option(
        help: ArgumentHelp(
            "The client key, sent as Authorization: Bearer (env SEEDGATE_API_KEY, or SEEDGATE_API_KEY_FILE naming a file that holds it; "
                + "prefer those: a flag is visible to other users in ps).", valueName: "key"))
    var apiKey: String?

    @Option(help: ArgumentHelp("Seconds each API request may take.", valueName: "seconds"))
    var timeout: Double = 60

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
    }

    /// `--url`, else SEEDGATE_URL, else the default; an http(s) URL with a host.
    func baseURL(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let text = url ?? environment["SEEDGATE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultURL
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let parsed = URL(string: trimmed), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
            throw CLIFailure.usage("--url \(text) is not an http(s) URL")
        }
        return parsed
    }

    /// `--api-key`, else SEEDGATE_API_KEY (or the file SEEDGATE_API_KEY_FILE names), else none.
    func key(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        if let apiKey, !apiKey.isEmpty { return apiKey }
        do {
            let resolved = try SecretFiles.resolve(environment, names: ["SEEDGATE_API_KEY"])
            return resolved["SEEDGATE_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        } catch {
            throw CLIFailure.usage(error.description)
        }
    }

    /// `--timeout` as a Duration.
    var requestTimeout: Duration { .milliseconds(Int64(timeout * 1000)) }
}
