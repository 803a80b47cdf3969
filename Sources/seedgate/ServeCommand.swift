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

    @Flag(help: "Demo mode (env SEEDGATE_DEMO=1): every provider emulated in-process, on any address; nothing is paid for.")
    var demo = false

    func run() async throws {
        // The environment with every secret given as X_FILE read (SecretFiles).
        var environment: [String: String] = [:]
        var configuration: ServerConfiguration
        do {
            (configuration, environment) = try SecretFiles.load(file: config, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigurationError {
            throw ConfigurationFailure.report(error)
        }
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if demo { configuration.demo = true }
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
