import Foundation
import Hummingbird

/// An Ark error answer. Rendered as `{"error":{"code","message","param","type"}}` with the request id at the
/// end of the message, as Ark does.
struct ArkAPIError: Error, Equatable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var param: String
    var type: String
    /// Seconds for a `Retry-After` header.
    var retryAfter: Int?

    func response(requestID: String) -> Response {
        let body = ArkErrorBody(error: .init(code: code, message: "\(message) Request ID: \(requestID)", param: param, type: type))
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let data = ArkEmulator.encode(body)
        return EmulatorHelperRoutes.jsonResponse(status, data, headers: headers)
    }

    static func invalidParameter(_ param: String, _ detail: String) -> ArkAPIError {
        ArkAPIError(
            status: .badRequest, code: "InvalidParameter",
            message: "The parameter `\(param)` specified in the request is not valid: \(detail).", param: param, type: "BadRequest"
        )
    }

    /// 400 `InvalidParameter.UnsupportedParameter`, with [REF-ERR]'s message "The parameters {{Parameter}} specified in the
    /// request are not supported by this endpoint." (volcengine-ark.md, Errors). Used for Seedance 2.x parameters the model
    /// does not take at all; EMULATOR ASSUMPTION (seedance-2.md §18: the codes are not documented): the 1.x refusals keep
    /// plain `InvalidParameter`, as before.
    static func unsupportedParameter(_ param: String, _ detail: String) -> ArkAPIError {
        ArkAPIError(
            status: .badRequest, code: "InvalidParameter.UnsupportedParameter",
            message: "The parameters `\(param)` specified in the request are not supported by this endpoint: \(detail).", param: param,
            type: "BadRequest"
        )
    }

    /// 400 `InvalidParameter.TaskTypeConstraint`: a Seedance 2.5 request whose parameters do not fit its declared
    /// `omni_reference_task_type` (seedance-2.md §8, seedance-2.md §12; explicit values are checked at create).
    static func taskTypeConstraint(_ param: String, _ detail: String) -> ArkAPIError {
        ArkAPIError(
            status: .badRequest, code: "InvalidParameter.TaskTypeConstraint",
            message: "The parameter `\(param)` does not meet the constraints of the task type: \(detail).", param: param, type: "BadRequest"
        )
    }

    /// 400 `Input{Image|Video}SensitiveContentDetected.PrivacyInformation`: a Seedance 2.x reference contains a real
    /// person (seedance-2.md §10, seedance-2.md §12), with the message BytePlus users report ("the input image 'content[1]' may contain
    /// real person", byteplus-modelark.md, Errors). `kind` is `image` or `video`; `index` the item's place in `content`.
    static func realPerson(_ kind: String, index: Int) -> ArkAPIError {
        ArkAPIError(
            status: .badRequest, code: "Input\(kind.prefix(1).uppercased() + kind.dropFirst())SensitiveContentDetected.PrivacyInformation",
            message: "The request failed because the input \(kind) 'content[\(index)]' may contain real person.", param: "", type: "BadRequest"
        )
    }

    static func missingParameter(_ param: String) -> ArkAPIError {
        ArkAPIError(
            status: .badRequest, code: "MissingParameter",
            message: "The request failed because it is missing one or multiple required parameters: `\(param)`.",
            param: param, type: "BadRequest"
        )
    }

    /// `InvalidImageURL.EmptyURL` or `InvalidImageURL.InvalidFormat`.
    static func invalidImageURL(_ suffix: String, _ detail: String) -> ArkAPIError {
        ArkAPIError(
            status: .badRequest, code: "InvalidImageURL.\(suffix)", message: "The image URL is not valid: \(detail).",
            param: "content.image_url.url", type: "BadRequest"
        )
    }

    static func modelNotFound(_ model: String) -> ArkAPIError {
        ArkAPIError(
            status: .notFound, code: "InvalidEndpointOrModel.NotFound",
            message: "The model or endpoint \(model) does not exist or you do not have access to it.", param: "model", type: "NotFound"
        )
    }

    /// EMULATOR ASSUMPTION: Ark does not document the answer for an unknown, deleted or too old task id.
    static func taskNotFound(_ id: String) -> ArkAPIError {
        ArkAPIError(
            status: .notFound, code: "ResourceNotFound", message: "The specified task \(id) is not found.", param: "id", type: "NotFound"
        )
    }

    /// EMULATOR ASSUMPTION: Ark documents that running and cancelled tasks cannot be cancelled or deleted,
    /// but not the status code or error code it answers with.
    static func notCancellable(_ id: String, status: String) -> ArkAPIError {
        ArkAPIError(
            status: .badRequest, code: "InvalidAction.TaskNotCancellable",
            message: "The task \(id) cannot be cancelled or deleted in its current status \(status).", param: "id", type: "BadRequest"
        )
    }

    static let unauthorized = ArkAPIError(
        status: .unauthorized, code: "AuthenticationError",
        message: "The API key or AK/SK in the request is missing or invalid.", param: "", type: "Unauthorized"
    )

    static let inputTextModerated = ArkAPIError(
        status: .badRequest, code: "InputTextSensitiveContentDetected",
        message: "The request failed because the input text may contain sensitive information.", param: "", type: "BadRequest"
    )

    /// 429 `ModelAccountRpmRateLimitExceeded` [TooManyRequests] (volcengine-ark.md, Errors [REF-ERR]). Whether Ark
    /// sends `Retry-After` is not documented (volcengine-ark.md, Unknown): the stricter reading is taken, no header,
    /// so a client has to pace its own retries.
    static let rateLimited = ArkAPIError(
        status: .tooManyRequests, code: "ModelAccountRpmRateLimitExceeded",
        message: "The request has exceeded the RPM (requests per minute) limit of the model for this account. Please try again later.",
        param: "", type: "TooManyRequests"
    )

    /// 429 `QuotaExceeded` [TooManyRequests], the free-trial meaning, with the message of [REF-ERR]'s 429 table:
    /// "Your account [%s] has exhausted its free trial quota for the [%s] model." EMULATOR ASSUMPTION: the account
    /// id is the emulator's own.
    static func trialQuotaExhausted(model: String) -> ArkAPIError {
        ArkAPIError(
            status: .tooManyRequests, code: "QuotaExceeded",
            message: "Your account [2100000000] has exhausted its free trial quota for the [\(model)] model.", param: "", type: "TooManyRequests"
        )
    }

    /// 429 `QuotaExceeded` [TooManyRequests], the queue meaning: "The request has exceeded the quota." ([REF-ERR]:
    /// 当前账号处于排队中状态的任务数已超过限制, too many tasks queued for the account).
    static let queuedTasksExceeded = ArkAPIError(
        status: .tooManyRequests, code: "QuotaExceeded", message: "The request has exceeded the quota.", param: "", type: "TooManyRequests"
    )

    /// 500 `InternalServiceError` [InternalServerError] (volcengine-ark.md, Errors [REF-ERR]).
    static let internalError = ArkAPIError(
        status: .internalServerError, code: "InternalServiceError",
        message: "The service encountered an unexpected internal error.", param: "", type: "InternalServerError"
    )
}

/// Runs before every Ark API route: adds the configured latency, checks `Authorization: Bearer <key>`, turns
/// thrown `ArkAPIError`s into Ark error bodies and tags every answer with `X-Request-Id`.
struct ArkGatekeeper: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let apiKey: String
    let latency: Duration

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if latency > .zero { try await Task.sleep(for: latency) }
        var response: Response
        if authorized(request) {
            do {
                response = try await next(request, context)
            } catch let error as ArkAPIError {
                response = error.response(requestID: context.requestID)
            }
        } else {
            response = ArkAPIError.unauthorized.response(requestID: context.requestID)
        }
        if let name = HTTPFields.Element.Name("X-Request-Id") { response.headers[name] = context.requestID }
        return response
    }

    private func authorized(_ request: Request) -> Bool {
        guard let value = request.headers[.authorization], value.count > 7 else { return false }
        let scheme = value.prefix(7)
        return scheme.lowercased() == "bearer " && value.dropFirst(7).trimmingCharacters(in: .whitespaces) == apiKey
    }
}
