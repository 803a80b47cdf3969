import Foundation
import HTTPTypes
import Hummingbird
import SeedGateCore

/// An error of the Ark-compatible facade, answered as Ark does: `{"error":{"code","message","param","type"}}`, with
/// the request id at the end of the message. Codes follow Ark's error-code page (`InvalidParameter`,
/// `MissingParameter`, `InvalidEndpointOrModel.NotFound`, …); where Ark documents none, SeedGate uses the same
/// ones as its Ark emulator (`ResourceNotFound`, `InvalidAction.TaskNotCancellable`).
struct ArkError: SeedGateResponseError, Sendable, Equatable {
    var statusCode: Int
    var code: String
    var message: String
    var param: String
    var type: String
    var retryAfter: Int?

    init(status: Int, code: String, message: String, param: String = "", type: String? = nil, retryAfter: Int? = nil) {
        self.statusCode = status
        self.code = code
        self.message = message
        self.param = param
        self.type = type ?? Self.type(for: status)
        self.retryAfter = retryAfter
    }

    static func invalidParameter(_ param: String, _ detail: String) -> ArkError {
        ArkError(
            status: 400, code: "InvalidParameter", message: "The parameter `\(param)` specified in the request is not valid: \(detail).", param: param
        )
    }

    static func missingParameter(_ param: String) -> ArkError {
        ArkError(
            status: 400, code: "MissingParameter",
            message: "The request failed because it is missing one or multiple required parameters: `\(param)`.", param: param
        )
    }

    static func modelNotFound(_ model: String, served: [String]) -> ArkError {
        ArkError(
            status: 404, code: "InvalidEndpointOrModel.NotFound",
            message:
                "The model or endpoint \(model) does not exist or you do not have access to it. SeedGate serves \(served.joined(separator: ", ")) (or their provider model ids).",
            param: "model"
        )
    }

    static func taskNotFound(_ id: String) -> ArkError {
        ArkError(status: 404, code: "ResourceNotFound", message: "The specified task \(id) is not found.", param: "id")
    }

    /// Ark's error `type` for a status.
    static func type(for status: Int) -> String {
        switch status {
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 429: "TooManyRequests"
        case 500...: "InternalServerError"
        default: "BadRequest"
        }
    }

    /// Converts whatever a handler threw; `indexes` maps SeedGate's media positions back to `content[]`.
    init(_ error: any Error, indexes: ArkTaskRequest.ContentIndexes = .init()) {
        switch error {
        case let error as ArkError:
            self = error
        case JobServiceError.validation(let failure, let considered):
            let param = failure.field.map { ArkTaskRequest.param(forField: $0, indexes: indexes) } ?? ""
            var detail = failure.reason
            let others = considered.filter { $0.reason != failure.description }
            if !others.isEmpty {
                detail += " (other providers considered: " + others.map { "\($0.provider): \($0.reason)" }.joined(separator: "; ") + ")"
            }
            self =
                param.isEmpty
                ? ArkError(status: 400, code: "InvalidParameter", message: "The request is not valid: \(detail).")
                : .invalidParameter(param, detail)
        case JobServiceError.notFound(let notFound):
            self.init(status: 404, code: "ResourceNotFound", message: notFound.message, param: "id")
        case JobServiceError.conflict(let conflict):
            self.init(
                status: 400, code: "InvalidAction.TaskNotCancellable", message: "The task cannot be cancelled or deleted now: \(conflict.message).",
                param: "id"
            )
        case JobServiceError.provider(let provider, let failure) where failure.kind == .rateLimited:
            self.init(
                status: 429, code: "RateLimitExceeded", message: "\(provider): \(failure.summary)",
                retryAfter: failure.retryAfter.map { Int($0.rounded(.up)) }
            )
        case JobServiceError.provider(let provider, let failure):
            self.init(status: 500, code: "InternalServiceError", message: "\(provider): \(failure.summary)")
        case let error as DecodingError:
            let problem = ProblemDetails(decoding: error)
            self = .invalidParameter(problem.field ?? "body", problem.detail ?? "the body is not valid JSON")
        default:
            // Framework errors: the unified API's table decides the status, this facade the shape.
            let problem = ProblemDetails(error)
            let code =
                switch problem.statusCode {
                case 401: "AuthenticationError"
                case 404: "ResourceNotFound"
                case 413: "RequestBodyTooLarge"
                case 500...: "InternalServiceError"
                default: "InvalidParameter"
                }
            self.init(status: problem.statusCode, code: code, message: problem.detail ?? problem.title, param: problem.field ?? "")
        }
    }

    var status: HTTPResponse.Status { .init(code: statusCode) }

    /// Ark's error object, with the request id at the end of the message as Ark writes it.
    func response(from request: Request, context: some RequestContext) -> Response {
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if statusCode == 401 { headers[.wwwAuthenticate] = APIKeys.challenge }
        let suffix = context.requestID.map { " Request ID: \($0)" } ?? ""
        let body = Body(error: .init(code: code, message: message + suffix, param: param, type: type))
        return HTTPJSON.response(body, status: status, headers: headers)
    }

    private struct Body: Encodable {
        var error: Detail
    }

    private struct Detail: Encodable {
        var code: String
        var message: String
        var param: String
        var type: String
    }
}
