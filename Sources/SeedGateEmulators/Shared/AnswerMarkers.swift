import Foundation

/// Prompt markers that change how an emulator *answers*, beside `FailureMarker` (which changes how a task ends or
/// whether a create is refused). Kept in their own type so the neutral failure markers stay as they are.
///
/// | Marker | Effect |
/// |---|---|
/// | `[[succeed:no-url]]` | the task succeeds, but its status answer carries no video URL (a "success" without a result) |
/// | `[[created:504]]` | the create makes the task, then answers the provider's gateway-timeout error (ModelVerse: 504 `gateway_timeout_error`) |
///
/// Markers are case-sensitive, may appear anywhere in the text and are not removed from it; an emulator that has no
/// such answer in its provider's documents ignores them.
public enum AnswerMarker: String, Sendable, Equatable, CaseIterable {
    case succeedWithoutURL = "succeed:no-url"
    case createdThenGatewayTimeout = "created:504"

    /// The answer markers in `texts` (prompts, in request order).
    public static func parse(_ texts: [String]) -> Set<AnswerMarker> {
        var found: Set<AnswerMarker> = []
        for text in texts {
            for marker in allCases where text.contains("[[\(marker.rawValue)]]") { found.insert(marker) }
        }
        return found
    }
}
