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

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let (configuration, environment) = try options.load()
        do {
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
