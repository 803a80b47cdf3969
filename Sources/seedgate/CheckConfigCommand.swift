import ArgumentParser
import Foundation
import SeedGateServer

/// `seedgate check-config`: the checks `serve` makes at start-up, without starting anything, then the effective
/// configuration. Exits 0 when it would start, 78 (EX_CONFIG) on any problem.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration (file and environment) and print the effective settings; secrets only as set/unset."
    )

    @Option(help: "YAML configuration file (env SEEDGATE_CONFIG). Keys: docs/configuration.md.")
    var config: String?

    @Option(help: "Address serve would listen on (env SEEDGATE_HOST), as serve's --host.")
    var host: String?

    @Flag(help: "Check demo mode (env SEEDGATE_DEMO=1), as serve's --demo.")
    var demo = false

    func run() async throws {
        do {
            // The environment with every secret given as X_FILE read (SecretFiles).
            let (loaded, environment) = try SecretFiles.load(file: config, environment: ProcessInfo.processInfo.environment)
            var configuration = loaded
            if let host { configuration.host = host }
            if demo { configuration.demo = true }
            print(try ConfigurationReport.check(configuration, environment: environment))
            print("configuration OK")
        } catch let error as ConfigurationError {
            throw ConfigurationFailure.report(error)
        }
    }
}

/// A configuration problem: one message on standard error, and exit status 78 (EX_CONFIG from sysexits.h), never the
/// usage text (the command line was fine).
enum ConfigurationFailure {
    static let exitCode: Int32 = 78

    static func report(_ error: ConfigurationError) -> ExitCode {
        FileHandle.standardError.write(Data("seedgate: configuration error: \(error.description)\n".utf8))
        return ExitCode(exitCode)
    }
}
