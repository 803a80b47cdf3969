import Foundation
import SeedGateServer
import SeedGateTesting
import Testing

/// Issue 13: a configuration mistake never passes silently. Each case is a file `serve` and `check-config` would read
/// (through `ServerConfiguration.load` and `ConfigurationReport.check`, the checks both run before anything starts);
/// the message must name the key at fault.
@Suite("Strict configuration")
struct StrictConfigurationTests {
    static let credentials = ["VOLCENGINE_ARK_API_KEY": "k1", "MODELVERSE_API_KEY": "k2", "ACEDATA_API_KEY": "k3"]

    /// `check-config`'s report for `yaml` (the catalogue directory added), or the error it stops at.
    func check(_ yaml: String, environment: [String: String] = credentials, edit: (inout ServerConfiguration) -> Void = { _ in }) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("seedgate-config-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try ("catalog_dir: \"\(repositoryRoot.appendingPathComponent("Providers").path)\"\n" + yaml).write(
            to: file, atomically: true, encoding: .utf8)
        var configuration = try ServerConfiguration.load(file: file.path, environment: environment)
        edit(&configuration)
        return try ConfigurationReport.check(configuration, environment: environment)
    }

    func problem(_ yaml: String, environment: [String: String] = credentials, edit: (inout ServerConfiguration) -> Void = { _ in }) -> String {
        do {
            let report = try check(yaml, environment: environment, edit: edit)
            return "no problem found; report:\n\(report)"
        } catch let error as ConfigurationError {
            return error.description
        } catch {
            return "not a ConfigurationError: \(error)"
        }
    }

    @Test("a misspelt key names its path and the nearest known key; every unknown key is listed at once")
    func unknownKeys() {
        #expect(problem("routing:\n  route: {}\n").contains("routing.route: unknown key (did you mean routing.routes?)"))
        let several = problem("server:\n  prot: 9000\nproviders:\n  volcengine-ark: {timeout_second: 5}\nlogs: {level: info}\n")
        #expect(several.contains("server.prot: unknown key (did you mean server.port?)"))
        #expect(several.contains("providers.volcengine-ark.timeout_second: unknown key (did you mean providers.volcengine-ark.timeout_seconds?)"))
        #expect(several.contains("logs: unknown key (did you mean log?)"))
    }

    @Test("routes naming an unknown provider or model, or a provider not configured or not offering the model, are refused")
    func routes() {
        let providers = "providers:\n  volcengine-ark: {}\n  modelverse: {}\n"
        #expect(
            problem(providers + "routing:\n  routes:\n    seedance-1.5-pro: [volcengine-ak]\n").contains(
                "routing.routes.seedance-1.5-pro[0]: no such provider volcengine-ak (did you mean volcengine-ark?)"))
        #expect(
            problem(providers + "routing:\n  routes:\n    seedance-1.5-pro: [modelverse, acedata]\n").contains(
                "routing.routes.seedance-1.5-pro[1]: provider acedata is not configured here"))
        #expect(
            problem(providers + "routing:\n  routes:\n    seedance-1.5-pr: [modelverse]\n").contains(
                "routing.routes.seedance-1.5-pr: no such model (did you mean seedance-1.5-pro?)"))
        #expect(problem(providers + "routing:\n  default: [volcengine-rk]\n").contains("did you mean volcengine-ark?"))
        // ModelVerse serves 1.5 pro only.
        let offered = problem(providers + "routing:\n  routes:\n    seedance-2.0: [modelverse]\n")
        #expect(offered.contains("routing.routes.seedance-2.0[0]") && offered.contains("modelverse"), "\(offered)")
    }

    @Test("weights, tiers, limits and timeouts out of range are refused, naming the key")
    func ranges() {
        let providers = "providers:\n  volcengine-ark: {}\n  modelverse: {}\n"
        #expect(problem(providers + "routing:\n  routes:\n    seedance-1.5-pro: [{provider: modelverse, weight: 0}]\n").contains("weight"))
        #expect(problem(providers + "routing:\n  routes:\n    seedance-1.5-pro: [{provider: modelverse, tier: 100}]\n").contains("tier"))
        #expect(problem("providers:\n  volcengine-ark: {rpm: 0}\n").contains("providers.volcengine-ark"))
        #expect(
            problem("providers:\n  volcengine-ark: {models: {seedance-1.5-pro: {concurrency: -1}}}\n").contains(
                "providers.volcengine-ark.models.seedance-1.5-pro"))
        #expect(problem("providers:\n  volcengine-ark: {timeout_seconds: 0}\n").contains("providers.volcengine-ark.timeout_seconds"))
        #expect(problem("providers:\n  volcengine-ark: {models: {seedance-9: {rpm: 5}}}\n").contains("providers.volcengine-ark.models.seedance-9"))
    }

    @Test("a credential variable that is unset is a start-up error naming the provider and the variable")
    func missingCredential() throws {
        let message = problem("providers:\n  volcengine-ark: {credentials: {api_key: ARK_KEY_PROD}}\n")
        #expect(message.contains("providers.volcengine-ark") && message.contains("ARK_KEY_PROD"))
        let report = try check("providers:\n  volcengine-ark: {credentials: {api_key: ARK_KEY_PROD}}\n", environment: ["ARK_KEY_PROD": "k"])
        #expect(report.contains("credential api_key: ARK_KEY_PROD set"))
    }

    @Test("a provider-level limit caps the models' own limits instead of replacing them; models: raises them")
    func limits() throws {
        // Ark's manifest: 1.5 pro at 600 rpm / 10 concurrent, 1.0 lite at 5 concurrent.
        let capped = try check("providers:\n  volcengine-ark: {rpm: 100, concurrency: 100000}\n")
        #expect(capped.contains("      seedance-1.5-pro: 100 / 10"), "rpm capped at 100; the model's own concurrency (10) wins over 100000")
        #expect(capped.contains("      seedance-1.0-lite-t2v: 100 / 5"))
        let raised = try check("providers:\n  volcengine-ark: {models: {\"*\": {concurrency: 40}, seedance-1.5-pro: {rpm: 2000}}}\n")
        // Each limit: the model's own entry, then *, then the manifest (1.0 lite: 300 rpm).
        #expect(raised.contains("      seedance-1.5-pro: 2000 / 40"))
        #expect(raised.contains("      seedance-1.0-lite-t2v: 300 / 40"))
    }

    @Test("the default route order is the registration order, whatever the providers' names")
    func defaultOrder() throws {
        let report = try check("providers:\n  acedata: {}\n  volcengine-ark: {}\n  modelverse: {}\n")
        #expect(report.contains("  seedance-1.5-pro: volcengine-ark → modelverse → acedata (default order)"))
    }

    @Test("secrets are shown as set or unset, never their values")
    func secretsHidden() throws {
        let report = try check(
            "providers:\n  volcengine-ark: {}\n",
            environment: Self.credentials.merging(["SEEDGATE_WEBHOOK_SECRET": RunningServer.webhookSecret]) { a, _ in a })
        #expect(report.contains("credential api_key: VOLCENGINE_ARK_API_KEY set"))
        #expect(!report.contains("k1") && !report.contains(RunningServer.webhookSecret))
    }

    @Test("emulated providers need asking for outside the local default: a file, or a non-loopback address, without providers is refused")
    func noAccidentalDemo() throws {
        let file = problem("log: {level: info}\n", environment: [:])
        #expect(file.contains("no provider is configured") && file.contains("--demo"))
        let open = problem("log: {level: info}\n", environment: ["SEEDGATE_HOST": "0.0.0.0"])
        #expect(open.contains("the address 0.0.0.0 is not loopback"))
        // Asked for: every provider emulated, even with credentials set (a demo never spends money).
        let demo = try check("log: {level: info}\n", environment: ["SEEDGATE_DEMO": "1", "SEEDGATE_HOST": "0.0.0.0", "VOLCENGINE_ARK_API_KEY": "k1"])
        #expect(demo.contains("mode: demo"))
        #expect(demo.contains("  volcengine-ark: emulated"))
        #expect(problem("log: {level: info}\n", environment: ["SEEDGATE_DEMO": "maybe"]).contains("SEEDGATE_DEMO"))
    }

    @Test("no file, on loopback, no credentials: the embedded demo of the README")
    func embeddedDefault() throws {
        var configuration = ServerConfiguration()
        configuration.catalogDirectory = repositoryRoot.appendingPathComponent("Providers").path
        #expect(try ConfigurationReport.check(configuration, environment: [:]).contains("mode: embedded demo"))
        configuration.host = "0.0.0.0"
        #expect(throws: ConfigurationError.self) { try ConfigurationReport.check(configuration, environment: [:]) }
    }
}
