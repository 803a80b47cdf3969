import Foundation
import Logging

/// How an emulator listens, authenticates and paces its tasks. Shared by every provider emulator.
///
/// Times are short by default so a task goes from `queued` to a terminal state in seconds; tests shorten them
/// further. Nothing here is a real credential: `apiKey` is the fixed key the emulator expects from clients.
public struct EmulatorConfiguration: Sendable, CustomStringConvertible {
    /// Address to bind; `127.0.0.1` keeps the emulator off the network.
    public var host: String
    /// Port to bind; `0` asks the system for a free one (reported through `onServerRunning`).
    public var port: Int
    /// The key clients must present (for Ark: `Authorization: Bearer <apiKey>`).
    public var apiKey: String
    /// How long a new task stays `queued`.
    public var queueSeconds: Double
    /// How long a task stays `running` before its planned outcome (the `[[slow:N]]` marker overrides it).
    public var runSeconds: Double
    /// Added before every provider API response (not to `/emulator/…` helper routes).
    public var latency: Duration
    /// Base of the video URLs the emulator hands out, e.g. `http://emulator.local:8090`.
    /// When nil it is derived from the bound address (`http://<host>:<bound port>`).
    public var publicBaseURL: String?
    /// How often the callback sender looks for status changes to push.
    public var callbackTick: Duration
    /// Delivery attempts per callback event (the first try included) before it is abandoned.
    public var callbackAttempts: Int
    /// How long one callback delivery may take before it counts as failed.
    public var callbackTimeout: Duration
    /// Level of the emulator application's logger.
    public var logLevel: Logger.Level
    /// How long a result URL (video, last frame) works after its task succeeded, on the emulator's clock; later the file
    /// server answers 403 `AccessDenied` "Request has expired" (`EmulatorFileRoutes`). Default 24 h, what Ark and
    /// BytePlus document for their result URLs (volcengine-ark.md §2, seedance-2.md §14), used for every provider.
    public var fileLifetime: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 0, apiKey: String = "emulator-key",
        queueSeconds: Double = 1, runSeconds: Double = 3, latency: Duration = .zero,
        publicBaseURL: String? = nil, callbackTick: Duration = .milliseconds(200),
        callbackAttempts: Int = 3, callbackTimeout: Duration = .seconds(5), logLevel: Logger.Level = .info,
        fileLifetime: Duration = .seconds(24 * 60 * 60)
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.queueSeconds = queueSeconds
        self.runSeconds = runSeconds
        self.latency = latency
        self.publicBaseURL = publicBaseURL
        self.callbackTick = callbackTick
        self.callbackAttempts = callbackAttempts
        self.callbackTimeout = callbackTimeout
        self.logLevel = logLevel
        self.fileLifetime = fileLifetime
    }

    /// Never shows the key.
    public var description: String {
        "EmulatorConfiguration(\(host):\(port), queue \(queueSeconds) s, run \(runSeconds) s, latency \(latency), "
            + "file lifetime \(fileLifetime), apiKey: <redacted>)"
    }
}
