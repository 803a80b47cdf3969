import Foundation
import SeedGateTesting
import Testing

/// Issue 13, as an operator meets it: the `seedgate` binary, given a bad configuration, prints one line naming the
/// problem and exits 78 (EX_CONFIG), for `serve` and `check-config` alike, without the usage text; a good one passes
/// `check-config` with exit 0.
@Suite("Configuration errors at the command line")
struct ConfigurationExitTests {
    struct Outcome {
        var status: Int32
        var output: String
    }

    func run(_ arguments: [String], config yaml: String, environment: [String: String] = [:]) throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-exit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("seedgate.yaml")
        let store = directory.appendingPathComponent("jobs.sqlite").path
        try "catalog_dir: \"\(repositoryRoot.appendingPathComponent("Providers").path)\"\nstore: {kind: sqlite, path: \"\(store)\"}\n\(yaml)"
            .write(to: config, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("output.txt")
        let child = try ChildProcess(
            executable: ServerProcess.binary.path, arguments: arguments + ["--config", config.path],
            environment: ["PATH": "/usr/bin:/bin"].merging(environment) { a, _ in a }, output: output)
        let status = child.waitUntilExit()
        return Outcome(status: status, output: (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    @Test(
        "a misspelt key, an unknown provider in a route, a missing credential: serve and check-config exit 78 naming it",
        arguments: ["serve", "check-config"])
    func badConfigurations(command: String) throws {
        let cases: [(yaml: String, environment: [String: String], message: String)] = [
            (
                "providers:\n  volcengine-ark: {}\nrouting:\n  route: {}\n", ["VOLCENGINE_ARK_API_KEY": "k"],
                "routing.route: unknown key (did you mean routing.routes?)"
            ),
            (
                "providers:\n  volcengine-ark: {}\nrouting:\n  default: [volcengine-ak]\n", ["VOLCENGINE_ARK_API_KEY": "k"],
                "no such provider volcengine-ak (did you mean volcengine-ark?)"
            ),
            ("providers:\n  volcengine-ark: {}\n", [:], "VOLCENGINE_ARK_API_KEY"),
        ]
        for item in cases {
            let outcome = try run(
                command == "serve" ? ["serve", "--port", "0"] : ["check-config"], config: item.yaml, environment: item.environment)
            #expect(outcome.status == 78, "\(command): \(outcome.output)")
            #expect(outcome.output.contains("seedgate: configuration error:") && outcome.output.contains(item.message), "\(outcome.output)")
            #expect(!outcome.output.contains("USAGE:"), "a configuration error is not a usage error")
        }
    }

    @Test("a good configuration passes check-config (exit 0) and its report hides the secrets")
    func goodConfiguration() throws {
        let outcome = try run(
            ["check-config"], config: "providers:\n  volcengine-ark: {}\n", environment: ["VOLCENGINE_ARK_API_KEY": "sk-never-printed"])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("configuration OK"))
        #expect(outcome.output.contains("VOLCENGINE_ARK_API_KEY set"))
        #expect(!outcome.output.contains("sk-never-printed"))
    }
}
