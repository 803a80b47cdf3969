import ArgumentParser
import Foundation
import SeedGateServer

/// The options `serve` and `check-config` share, and the one way both read their configuration: the file, then the
/// environment (every secret given as `X_FILE` read, see `SecretFiles`), then these flags.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: "YAML configuration file (env SEEDGATE_CONFIG). Keys: docs/configuration.md.")
    var config: String?

    @Option(help: "Address to listen on (env SEEDGATE_HOST; default 127.0.0.1).")
    var host: String?

    @Flag(help: "Demo mode (env SEEDGATE_DEMO=1): every provider emulated in-process, on any address; nothing is paid for.")
    var demo = false

    /// The effective configuration and environment; a problem is reported as `ConfigurationFailure` (exit 78).
    func load() throws -> (configuration: ServerConfiguration, environment: [String: String]) {
        do {
            var (configuration, environment) = try SecretFiles.load(file: config, environment: ProcessInfo.processInfo.environment)
            if let host { configuration.host = host }
            if demo { configuration.demo = true }
            return (configuration, environment)
        } catch let error as ConfigurationError {
            throw ConfigurationFailure.report(error)
        }
    }
}
