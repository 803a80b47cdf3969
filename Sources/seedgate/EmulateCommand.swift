import ArgumentParser
import Foundation
import Logging
import SeedGateCore
import SeedGateEmulators
import SeedGateServer
import ServiceLifecycle

struct EmulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulate",
        abstract: "Run a provider emulator on its own: the provider's HTTP API, statuses, errors and callbacks."
    )

    @Option(help: "Provider to emulate: volcengine-ark, byteplus-modelark, modelverse, acedata or chanjing.")
    var provider: String = "volcengine-ark"

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 9001

    @Option(help: "Write the bound port to this file once listening (use with --port 0).")
    var portFile: String?

    @Option(help: "The API key clients must present.")
    var apiKey: String = "emulator-key"

    @Option(help: "Seconds a new task stays queued.")
    var queueSeconds: Double = 1

    @Option(help: "Seconds a task runs before its outcome.")
    var runSeconds: Double = 3

    @Option(help: "Milliseconds added to every API response.")
    var latencyMs: Int = 0

    @Option(help: "Base of the video URLs it hands out, when clients reach it by another name (default: http://<host>:<port>).")
    var publicURL: String?

    @Option(help: "Seconds its result links work after a task succeeds (then 403, like an expired signed URL).")
    var fileLifetime: Double = 86_400

    func run() async throws {
        LogSetup.bootstrap(level: .info, json: false)
        let logger = Logger(label: "seedgate.emulator")
        let configuration = EmulatorConfiguration(
            host: host, port: port, apiKey: apiKey, queueSeconds: queueSeconds, runSeconds: runSeconds,
            latency: .milliseconds(latencyMs), publicBaseURL: publicURL, fileLifetime: .milliseconds(Int64(fileLifetime * 1000))
        )
        let provider = provider
        let portFile = portFile.map(PortFile.init)
        let announce: @Sendable (Int) async -> Void = { port in
            portFile?.write(port)
            logger.notice(
                "\(provider) emulator listening on http://\(configuration.host):\(port) (clients authenticate with --api-key; prompt markers: see FailureMarkers.swift)"
            )
        }
        guard let instance = ProviderModules.module(ProviderID(provider))?.emulator(configuration, announce) else {
            let known = ProviderModules.ids.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("no emulator for provider \(provider); available: \(known)")
        }
        let service = instance.service
        let group = ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
