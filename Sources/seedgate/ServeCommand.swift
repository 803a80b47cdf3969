import ArgumentParser
import Foundation
import Logging
import SeedGateServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Run the gateway. With no configuration and no credentials, on loopback: SQLite in ./data and emulated providers (elsewhere: --demo)."
    )

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "Port to listen on (env SEEDGATE_PORT; default 8080; 0 picks a free one).")
    var port: Int?

    @Option(help: "Write the bound port to this file once listening (use with --port 0).")
    var portFile: String?

    func run() async throws {
        let loaded = try options.load()
        var configuration = loaded.configuration
        let environment = loaded.environment
        if let port { configuration.port = port }
        LogSetup.bootstrap(level: configuration.logLevel, json: configuration.jsonLogs)
        let logger = Logger(label: "seedgate")
        let tracing = try TracingSetup.bootstrap(environment: environment, logger: logger)
        let server = SeedGateServer(configuration: configuration, environment: environment, logger: logger, services: tracing)
        do {
            let portFile = portFile.map(PortFile.init)
            try await server.run(onListening: { port in portFile?.write(port) })
        } catch let error as ConfigurationError {
            throw ConfigurationFailure.report(error)
        }
    }
}
