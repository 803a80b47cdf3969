import Foundation
import Synchronization

/// The base URL providers can reach SeedGate at, for per-job callback URLs: the configured public URL, or, when the
/// server listens on loopback (embedded mode, tests), its loopback address once the port is known. Otherwise none:
/// providers are then only polled.
final class CallbackBase: Sendable {
    private let value: Mutex<String?>
    private let host: String

    init(publicURL: String?, host: String) {
        value = Mutex(publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 })
        self.host = host
    }

    func listening(on port: Int) {
        guard ["127.0.0.1", "localhost", "::1"].contains(host) else { return }
        value.withLock { $0 = $0 ?? "http://127.0.0.1:\(port)" }
    }

    var url: String? { value.withLock { $0 } }
}
