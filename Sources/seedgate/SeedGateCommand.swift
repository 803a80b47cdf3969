import ArgumentParser

@main
struct SeedGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seedgate",
        abstract: "One REST API for asynchronous Seedance video generation across five providers.",
        subcommands: [ServeCommand.self, EmulateCommand.self, SubmitCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
