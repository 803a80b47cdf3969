import Synchronization

/// Where an emulator's files can be fetched: the configured public base URL, or the bound address once the
/// server is listening. Shared between the request handlers and the callback sender.
final class EmulatorAddress: Sendable {
    private let boundPort = Mutex<Int?>(nil)
    private let host: String
    private let configuredBaseURL: String?

    init(configuration: EmulatorConfiguration) {
        self.host = configuration.host
        self.configuredBaseURL = configuration.publicBaseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    func bind(port: Int) { boundPort.withLock { $0 = port } }

    var port: Int? { boundPort.withLock { $0 } }

    /// `http://host:port` for the bound server (wildcard hosts become loopback), or the configured base URL.
    var baseURL: String {
        if let configuredBaseURL { return configuredBaseURL }
        let reachableHost = ["0.0.0.0", "::", ""].contains(host) ? "127.0.0.1" : host
        let bracketed = reachableHost.contains(":") ? "[\(reachableHost)]" : reachableHost
        return "http://\(bracketed):\(port ?? 0)"
    }
}
