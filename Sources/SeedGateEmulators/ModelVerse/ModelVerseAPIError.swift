import Foundation
import Hummingbird

/// A ModelVerse error answer, rendered as the platform's `{"error":{"message","type","param","code"}}` with a fresh
/// request id (a UUID) in `param`, as the documented examples show. Codes and messages are the platform table's
/// [MV-REPO common/error-code.md]; which of them the task endpoints return is not documented.
struct ModelVerseAPIError: Error, Equatable {
    var status: HTTPResponse.Status
    var type: String
    var code: String
    var message: String
    /// Seconds for a `Retry-After` header.
    var retryAfter: Int?

    func response() -> Response {
        let requestID = UUID().uuidString.lowercased()
        let body = ModelVerseErrorBody(error: .init(message: message, type: type, param: requestID, code: code))
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return EmulatorHelperRoutes.jsonResponse(status, ArkEmulator.encode(body), headers: headers)
    }

    /// `param_error`. EMULATOR ASSUMPTION: the table's message is "Invalid param"; the emulator appends what was
    /// wrong (Ark's own wording for the rules the model obeys upstream) so a client can see the field.
    static func invalidParam(_ detail: String) -> ModelVerseAPIError {
        ModelVerseAPIError(status: .badRequest, type: "invalid_request_error", code: "param_error", message: "Invalid param: \(detail)")
    }

    /// EMULATOR ASSUMPTION: a model ModelVerse does not serve on the task endpoints is answered like a key that
    /// may not use it (`model_error`, wording of [MV-REPO common/api-key.md]).
    static func modelNotAllowed(_ model: String) -> ModelVerseAPIError {
        ModelVerseAPIError(
            status: .badRequest, type: "invalid_request_error", code: "model_error",
            message: "No permission to use the model: apikey [uminferapikey-emulator] not support model [\(model)]"
        )
    }

    /// EMULATOR ASSUMPTION: the answer for an unknown task id is not documented; a 404 `not_found` in the platform
    /// envelope (neither the status nor the code is in ModelVerse's table).
    static func taskNotFound(_ id: String) -> ModelVerseAPIError {
        ModelVerseAPIError(status: .notFound, type: "invalid_request_error", code: "not_found", message: "task \(id) not found")
    }

    static let unauthorized = ModelVerseAPIError(
        status: .unauthorized, type: "invalid_request_error", code: "auth_error", message: "Validate Certification failed"
    )

    /// The compliance check refusing the input (`[[reject:moderation]]`).
    static let sensitive = ModelVerseAPIError(
        status: .badRequest, type: "invalid_request_error", code: "sensitive_check_error", message: "Sensitive check error"
    )

    /// EMULATOR ASSUMPTION: no `Retry-After` header, as none is documented.
    static let rateLimited = ModelVerseAPIError(
        status: .tooManyRequests, type: "rate_limit_error", code: "rate_limit", message: "Rate limit exceeded, please try again later"
    )

    /// 504 `timeout`/`gateway_timeout_error` [MV-REPO common/error-code.md] (modelverse.md, Errors). EMULATOR
    /// ASSUMPTION: the table's message is cut short ("Gateway timeout, …"); the tail is the 408 row's wording.
    static let gatewayTimeout = ModelVerseAPIError(
        status: .gatewayTimeout, type: "timeout", code: "gateway_timeout_error", message: "Gateway timeout, please try again later"
    )

    static let internalError = ModelVerseAPIError(
        status: .internalServerError, type: "internal_error", code: "internal_error", message: "Internal Server Error"
    )
}

/// Runs before every ModelVerse API route: adds the configured latency, checks the API key and turns thrown
/// `ModelVerseAPIError`s into the platform's error body.
struct ModelVerseGatekeeper: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let apiKey: String
    let latency: Duration

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if latency > .zero { try await Task.sleep(for: latency) }
        guard authorized(request) else { return ModelVerseAPIError.unauthorized.response() }
        do {
            return try await next(request, context)
        } catch let error as ModelVerseAPIError {
            return error.response()
        }
    }

    /// The task docs send the raw key (`Authorization: <key>`) [S002]; the general docs and third-party code that
    /// reaches these endpoints send `Bearer <key>` [MV-REPO certificate.md] [3P].
    /// EMULATOR ASSUMPTION: both forms are accepted.
    private func authorized(_ request: Request) -> Bool {
        guard let value = request.headers[.authorization]?.trimmingCharacters(in: .whitespaces) else { return false }
        if value == apiKey { return true }
        guard value.count > 7, value.prefix(7).lowercased() == "bearer " else { return false }
        return value.dropFirst(7).trimmingCharacters(in: .whitespaces) == apiKey
    }
}
