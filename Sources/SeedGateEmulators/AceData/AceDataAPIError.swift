import Foundation
import Hummingbird

/// An AceData error answer, rendered as `{"success": false, "error": {"code", "message"}, "trace_id"}`. [S003]
struct AceDataAPIError: Error, Equatable {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    func response(traceID: String) -> Response {
        let body = AceDataErrorBody(error: .init(code: code, message: message), traceID: traceID)
        return EmulatorHelperRoutes.jsonResponse(status, AceDataEmulator.encode(body))
    }

    /// EMULATOR ASSUMPTION: a field AceData's strong validation refuses is answered 400 `bad_request` (the code
    /// AceData's SDK maps to ValidationError) with a message naming the field; the exact wording is not documented.
    static func badRequest(_ message: String) -> AceDataAPIError {
        AceDataAPIError(status: .badRequest, code: "bad_request", message: message)
    }

    /// EMULATOR ASSUMPTION: an unknown `action` of `/seedance/tasks` is answered 400 `api_not_implemented`.
    static func notImplemented(_ action: String) -> AceDataAPIError {
        AceDataAPIError(status: .badRequest, code: "api_not_implemented", message: "action \(action) is not implemented")
    }

    /// EMULATOR ASSUMPTION: AceData does not document its answer for an unknown task id; 404 `not_found` is used.
    static func taskNotFound(_ id: String) -> AceDataAPIError {
        AceDataAPIError(status: .notFound, code: "not_found", message: "task \(id) not found")
    }

    /// [S003]: "401 invalid_token: Unauthorized, invalid or missing authorization token."
    static let invalidToken = AceDataAPIError(
        status: .unauthorized, code: "invalid_token", message: "Unauthorized, invalid or missing authorization token."
    )

    /// [S003]: 429 `too_many_requests`. EMULATOR ASSUMPTION: no `Retry-After` header (none is documented).
    static let tooManyRequests = AceDataAPIError(
        status: .tooManyRequests, code: "too_many_requests", message: "Too many requests, you have exceeded the rate limit."
    )

    /// [S003]'s error example: 500 `api_error`, "fetch failed".
    static let apiError = AceDataAPIError(status: .internalServerError, code: "api_error", message: "fetch failed")

    /// EMULATOR ASSUMPTION: an input refused by moderation is answered 403 with code `forbidden`. AceData documents
    /// no moderation error; its SDK reads a 403 with an unlisted code as a moderation block.
    static let inputModerated = AceDataAPIError(
        status: .forbidden, code: "forbidden", message: "The prompt was blocked by content moderation."
    )

    /// A 2.x reference image or video showing a real person who is not accepted. AceData promises only "a clear error
    /// will be returned if the material does not meet the requirements" [DOCS-VIDEOS] (seedance-2.md §16 "AceData").
    /// EMULATOR ASSUMPTION: the emulator's content refusal, 403 `forbidden` (as `inputModerated`), with a message
    /// naming the rule; Ark's own answer is 400 `InputImageSensitiveContentDetected.PrivacyInformation` (seedance-2.md §10, seedance-2.md §12).
    static let realPersonRefused = AceDataAPIError(
        status: .forbidden, code: "forbidden",
        message: "The reference material may contain a real person; upload only your own or authorized real-person material."
    )
}

/// Runs before every AceData API route: adds the configured latency, checks `Authorization: Bearer <token>`,
/// gives the request a trace id and turns thrown `AceDataAPIError`s into AceData error bodies.
struct AceDataGatekeeper: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let apiKey: String
    let latency: Duration

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if latency > .zero { try await Task.sleep(for: latency) }
        guard authorized(request) else { return AceDataAPIError.invalidToken.response(traceID: AceDataIDs.uuid()) }
        do {
            return try await next(request, context)
        } catch let error as AceDataAPIError {
            return error.response(traceID: AceDataIDs.uuid())
        }
    }

    /// EMULATOR ASSUMPTION: the scheme is matched case-insensitively, as most servers do.
    private func authorized(_ request: Request) -> Bool {
        guard let value = request.headers[.authorization], value.count > 7 else { return false }
        return value.prefix(7).lowercased() == "bearer " && value.dropFirst(7).trimmingCharacters(in: .whitespaces) == apiKey
    }
}

/// AceData's identifiers: task and trace ids are lower-case UUIDs, record `_id`s 24 hex digits (a MongoDB
/// ObjectId), and the upstream Ark task behind a 1.x task `cgt-<yyyyMMddHHmmss>-<5>`. [S003] [DOCS-TASKS]
enum AceDataIDs {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    static func uuid() -> String { UUID().uuidString.lowercased() }

    /// A record's `_id`, stable for a task: its creation second, then 16 hex digits of its id.
    static func objectID(taskID: String, createdAt: Date) -> String {
        let seconds = String(format: "%08x", UInt32(truncatingIfNeeded: Int(createdAt.timeIntervalSince1970)))
        let digits = taskID.filter(\.isHexDigit).prefix(16)
        return seconds + digits + String(repeating: "0", count: 16 - digits.count)
    }

    /// EMULATOR ASSUMPTION: the timestamp is Beijing time (UTC+8), Ark's region.
    static func upstreamTaskID(createdAt: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: createdAt)
        let stamp = String(
            format: "%04d%02d%02d%02d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0
        )
        return "cgt-\(stamp)-" + String((0..<5).map { _ in alphabet.randomElement() ?? "a" })
    }
}
