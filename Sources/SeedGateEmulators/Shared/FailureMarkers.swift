import Foundation

/// Behaviour a client can inject into any emulator by writing a marker in the prompt text.
///
/// | Marker | Effect |
/// |---|---|
/// | `[[fail:moderation]]` | the task is accepted, then ends `failed` with the provider's output-moderation error (Ark: `OutputVideoSensitiveContentDetected`) |
/// | `[[reject:moderation]]` | the create is refused with the provider's input-moderation error (Ark: 400 `InputTextSensitiveContentDetected`) |
/// | `[[reject:ratelimit]]` | the create is refused as rate limited (Ark: 429 `ModelAccountRpmRateLimitExceeded`) |
/// | `[[reject:500]]` | the create is refused with an internal error (Ark: 500 `InternalServiceError`) |
/// | `[[expire]]` | the task is accepted, then ends `expired` when it would have finished |
/// | `[[slow:N]]` | the task runs for N seconds (a decimal number) instead of the configured run time |
///
/// File markers change how the emulator's file server (`EmulatorFileRoutes`) serves a succeeded task's result files,
/// the video and the last frame alike, for testing how a client downloads and archives them. The marker is written into
/// the result URLs as a `fault=<name>` query item (`EmulatorFileFault`); the file server reads it from there, never
/// from the prompt, so any result URL can be given a fault by hand too.
///
/// | Marker | Effect on `GET` of a result URL |
/// |---|---|
/// | `[[file:html]]` | 200 `text/html` with an HTML error page instead of the file |
/// | `[[file:truncate]]` | the full `Content-Length` is announced, then the connection closes after half the bytes (\*) |
/// | `[[file:stall]]` | the headers and a first chunk are sent, then nothing for 10 minutes, then the connection closes |
/// | `[[file:oversize]]` | 200 with a valid-looking file of 64 MiB, made on the fly and streamed in chunks |
/// | `[[file:missing]]` | 404 `NoSuchKey` from the first request |
/// | `[[file:flaky]]` | the first 2 GETs of each file answer 503 `ServiceUnavailable`, later ones succeed |
///
/// (\*) Whole-file GETs only: a `Range` GET, as a resuming client sends, is answered in full. A `HEAD` shows the headers
/// the `GET` would send; it is not counted by `flaky`.
///
/// Without a file marker a result URL serves a real, playable file of the task's ratio (`EmulatorMedia`), with `Range`
/// support, until `EmulatorConfiguration.fileLifetime` (default 24 h) after the task succeeded; then 403 `AccessDenied`.
///
/// Markers are case-sensitive, may appear anywhere in the text and are not removed from it. Unknown
/// `[[…]]` markers are ignored. Each emulator maps the neutral cases to its own provider's codes. Provider-only
/// markers (Ark's `[[ark:…]]` prompt markers and its `real-face` URL marker) are listed in `Ark/ArkMarkers.swift`.
public enum FailureMarker: Sendable, Equatable {
    case failModeration
    case rejectModeration
    case rejectRateLimit
    case rejectServerError
    case expire
    case slow(seconds: Double)

    /// The markers in `text`, in the order they appear.
    public static func parse(_ text: String) -> [FailureMarker] {
        var markers: [FailureMarker] = []
        var rest = text[...]
        while let open = rest.range(of: "[["), let close = rest[open.upperBound...].range(of: "]]") {
            let body = rest[open.upperBound..<close.lowerBound]
            if let marker = FailureMarker(body: body) { markers.append(marker) }
            rest = rest[close.upperBound...]
        }
        return markers
    }

    private init?(body: Substring) {
        switch body {
        case "fail:moderation": self = .failModeration
        case "reject:moderation": self = .rejectModeration
        case "reject:ratelimit": self = .rejectRateLimit
        case "reject:500": self = .rejectServerError
        case "expire": self = .expire
        default:
            guard body.hasPrefix("slow:"), let seconds = Double(body.dropFirst(5)), seconds.isFinite, seconds >= 0 else {
                return nil
            }
            self = .slow(seconds: seconds)
        }
    }
}

/// The markers of one request, summarised: whether the create is refused, how the task ends, how long it runs.
public struct FailurePlan: Sendable, Equatable {
    public enum Rejection: Sendable, Equatable {
        case moderation
        case rateLimit
        case serverError
    }

    public enum Ending: Sendable, Equatable {
        case succeed
        case failModeration
        case expire
    }

    /// The first rejection marker in the text, if any.
    public var rejection: Rejection?
    /// The first ending marker in the text, else `.succeed`.
    public var ending: Ending
    /// The first `[[slow:N]]` value, if any.
    public var runSeconds: Double?

    public init(rejection: Rejection? = nil, ending: Ending = .succeed, runSeconds: Double? = nil) {
        self.rejection = rejection
        self.ending = ending
        self.runSeconds = runSeconds
    }

    /// Summarises the markers found in every text (prompts, in request order).
    public init(texts: [String]) {
        self.init()
        var endingSet = false
        for marker in texts.flatMap(FailureMarker.parse) {
            switch marker {
            case .rejectModeration where rejection == nil: rejection = .moderation
            case .rejectRateLimit where rejection == nil: rejection = .rateLimit
            case .rejectServerError where rejection == nil: rejection = .serverError
            case .failModeration where !endingSet: (ending, endingSet) = (.failModeration, true)
            case .expire where !endingSet: (ending, endingSet) = (.expire, true)
            case .slow(let seconds) where runSeconds == nil: runSeconds = seconds
            default: break
            }
        }
    }
}
