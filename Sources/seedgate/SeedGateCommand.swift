import ArgumentParser
import SeedGateBuildInfo
import SeedGateCore

@main
struct SeedGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seedgate",
        abstract: "One REST API for asynchronous Seedance video generation across five providers.",
        discussion: "Client commands (submit, jobs) exit 0 on success, 1 when the server refused the request (4xx), 2 when a job "
            + "waited for ended without succeeding, 3 on a server or connection error (5xx, unreachable, timeout), 64 on a usage "
            + "error and 74 when a result cannot be written. See docs/cli.md.",
        version: "seedgate \(BuildInfo.version) (git \(BuildInfo.revision))",
        subcommands: [ServeCommand.self, CheckConfigCommand.self, EmulateCommand.self, SubmitCommand.self, JobsCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
