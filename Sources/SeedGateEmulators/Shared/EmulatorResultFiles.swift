import Foundation

/// How the file server misbehaves for a task's result files, asked for with a `[[file:…]]` prompt marker (the table
/// in `FailureMarker`'s documentation, FailureMarkers.swift) and carried in the result URLs as `fault=<name>`: the file
/// server models a CDN, which knows the URL it is asked for, never the prompt.
public enum EmulatorFileFault: String, Sendable, CaseIterable {
    /// 200 `text/html`: an HTML error page instead of the file.
    case html
    /// The full `Content-Length` is announced, then the connection closes after half the bytes (whole-file GETs only:
    /// a `Range` GET, as a resuming client sends, is answered in full).
    case truncate
    /// The headers and a first chunk are sent, then nothing for `EmulatorFileRoutes.stallDuration`, until the client
    /// gives up (or the emulator shuts down); then the connection closes.
    case stall
    /// A valid-looking file of `EmulatorFileRoutes.oversizeBytes` (64 MiB), made on the fly and streamed in chunks.
    case oversize
    /// 404 from the first request, as if the object were gone.
    case missing
    /// The first two GETs of each file answer 503, later ones succeed.
    case flaky

    /// The query item of a result URL that carries the fault.
    public static let queryItem = "fault"

    /// The fault of the first `[[file:<name>]]` marker in `text` that names one; nil when there is none.
    public init?(prompt text: String?) {
        guard var rest = text?[...] else { return nil }
        while let open = rest.range(of: "[[file:"), let close = rest[open.upperBound...].range(of: "]]") {
            if let fault = EmulatorFileFault(rawValue: String(rest[open.upperBound..<close.lowerBound])) {
                self = fault
                return
            }
            rest = rest[close.upperBound...]
        }
        return nil
    }
}

/// The result files of one succeeded task: which ratio they are drawn at, the video's container, the last frame's
/// format (nil when the task returns none) and the file fault its prompt asked for. Each emulator's task spec says
/// what its provider hands out (`EmulatorResultSpec`); the result URLs are built here, so every emulator's URLs look
/// alike: `{base}/emulator/files/{task id}.{mp4|mov|png|jpeg}`, plus `?fault=<name>` when a fault was asked for.
public struct EmulatorResultFiles: Sendable, Equatable {
    public var ratio: EmulatorMedia.Ratio
    /// `.mp4` or `.mov`.
    public var video: EmulatorMedia.Kind
    /// `.png`, `.jpeg`, or nil when the task returns no last frame.
    public var lastFrame: EmulatorMedia.Kind?
    /// Written into the URLs only; the file server reads the fault from the URL it is asked for.
    public var fault: EmulatorFileFault?

    /// - Parameters:
    ///   - ratio: the ratio the task reports (`adaptive` and unknown ratios are served as 16:9).
    ///   - prompt: the text searched for a `[[file:…]]` marker.
    public init(ratio: String, video: EmulatorMedia.Kind = .mp4, lastFrame: EmulatorMedia.Kind? = nil, prompt: String?) {
        self.ratio = EmulatorMedia.Ratio(reported: ratio)
        self.video = video
        self.lastFrame = lastFrame
        self.fault = EmulatorFileFault(prompt: prompt)
    }

    /// The video's URL.
    public func videoURL(baseURL: String, taskID: String) -> String {
        url(baseURL: baseURL, taskID: taskID, kind: video)
    }

    /// The last frame's URL, when the task returns one.
    public func lastFrameURL(baseURL: String, taskID: String) -> String? {
        lastFrame.map { url(baseURL: baseURL, taskID: taskID, kind: $0) }
    }

    /// Whether the task has a file of `kind` (a URL with another extension is not found, as on an object store).
    public func has(_ kind: EmulatorMedia.Kind) -> Bool { kind == video || kind == lastFrame }

    private func url(baseURL: String, taskID: String, kind: EmulatorMedia.Kind) -> String {
        let query = fault.map { "?\(EmulatorFileFault.queryItem)=\($0.rawValue)" } ?? ""
        return "\(baseURL)\(EmulatorFileRoutes.path)/\(taskID).\(kind.rawValue)\(query)"
    }
}

/// A task spec that knows its result files, so the shared file server (`EmulatorFileRoutes`) can serve them; every
/// emulator's spec adopts it.
public protocol EmulatorResultSpec: Sendable {
    var resultFiles: EmulatorResultFiles { get }
}
