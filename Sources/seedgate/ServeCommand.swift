import ArgumentParser
import Foundation
import Logging
import SeedGateServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway. With no configuration and no credentials: SQLite in ./data and emulated providers."
    )

    @Option(help: "Address to listen on (env SEEDGATE_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env SEEDGATE_PORT; default 8080; 0 picks a free one).")
    var port: Int?

    @Option(help: "Write the bound port to this file once listening (use with --port 0).")
    var portFile: String?

    @Option(help: "YAML configuration file (env SEEDGATE_CONFIG). Keys: docs/configuration.md.")
    var config: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.load(file: config, environment: environment)
        } catch {
            throw ValidationError("\(error)")
        }
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        LogSetup.bootstrap(level: configuration.logLevel, json: configuration.jsonLogs)
        let server = SeedGateServer(configuration: configuration, environment: environment, logger: Logger(label: "seedgate"))
        do {
            let portFile = portFile.map(PortFile.init)
            try await server.run(onListening: { port in portFile?.write(port) })
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}
