import Foundation
import HTTPTypes
import Hummingbird
import SeedGateCore

/// An error of the OpenAI-compatible facade, answered as OpenAI does:
/// `{"error":{"message","type","param","code"}}` (`param` and `code` may be null).
struct OpenAIError: SeedGateResponseError, Sendable, Equatable {
    var statusCode: Int
    var message: String
    var type: String
    var param: String?
    var code: String?
    var retryAfter: Int?

    init(status: Int, message: String, type: String? = nil, param: String? = nil, code: String? = nil, retryAfter: Int? = nil) {
        self.statusCode = status
        self.message = message
        self.type = type ?? Self.type(for: status)
        self.param = param
        self.code = code
        self.retryAfter = retryAfter
    }

    /// A 400 naming the parameter at fault.
    static func invalid(_ param: String, _ message: String, code: String = "invalid_value") -> OpenAIError {
        OpenAIError(status: 400, message: message, param: param, code: code)
    }

    static func videoNotFound(_ id: String) -> OpenAIError {
        OpenAIError(status: 404, message: "No video found with id '\(id)'.", code: "not_found")
    }

    /// OpenAI's error `type` for a status.
    static func type(for status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 429: "rate_limit_error"
        case 500...: "server_error"
        default: "invalid_request_error"
        }
    }

    /// Converts whatever a handler threw. Domain errors keep their meaning; SeedGate's field names become the
    /// OpenAI parameters they came from (`duration` → `seconds`, `resolution`/`ratio` → `size`, `images` →
    /// `input_reference`).
    init(_ error: any Error) {
        switch error {
        case let error as OpenAIError:
            self = error
        case JobServiceError.validation(let failure, let considered):
            let param = failure.field.map(Self.param(forField:))
            var message = param.map { "Invalid '\($0)': \(failure.reason)" } ?? failure.reason
            let others = considered.filter { $0.reason != failure.description }
            if !others.isEmpty {
                message += " (other providers considered: " + others.map { "\($0.provider): \($0.reason)" }.joined(separator: "; ") + ")"
            }
            self.init(status: 400, message: message, param: param, code: failure.code == .unsupported ? "unsupported_value" : "invalid_value")
        case JobServiceError.notFound(let notFound):
            self.init(status: 404, message: notFound.message, code: "not_found")
        case JobServiceError.conflict(let conflict):
            // 400, not 409: the SDK retries 409s, and a state conflict does not go away by retrying at once.
            self.init(status: 400, message: conflict.message, code: "invalid_state")
        case JobServiceError.provider(let provider, let failure) where failure.kind == .rateLimited:
            self.init(
                status: 429, message: "\(provider): \(failure.summary)", code: "rate_limit_exceeded",
                retryAfter: failure.retryAfter.map { Int($0.rounded(.up)) }
            )
        case JobServiceError.provider(let provider, let failure):
            self.init(status: 502, message: "\(provider): \(failure.summary)", code: "provider_error")
        default:
            // Framework and decoding errors: the unified API's table decides the status, this facade the shape.
            let problem = ProblemDetails(error)
            self.init(
                status: problem.statusCode, message: problem.detail ?? problem.title, param: problem.field.map(Self.param(forField:)),
                code: problem.code, retryAfter: problem.retryAfter
            )
        }
    }

    /// The OpenAI parameter a SeedGate field came from.
    static func param(forField field: String) -> String {
        if field.hasPrefix("images") { return "input_reference" }
        switch field {
        case "duration", "frames": return "seconds"
        case "resolution", "ratio": return "size"
        default: return field
        }
    }

    var status: HTTPResponse.Status { .init(code: statusCode) }

    func response(from request: Request, context: some RequestContext) -> Response {
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if statusCode == 401 { headers[.wwwAuthenticate] = APIKeys.challenge }
        return HTTPJSON.response(Body(error: .init(message: message, type: type, param: param, code: code)), status: status, headers: headers)
    }

    private struct Body: Encodable {
        var error: Detail
    }

    private struct Detail: Encodable {
        var message: String
        var type: String
        var param: String?
        var code: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encode(type, forKey: .type)
            try container.encode(param, forKey: .param)
            try container.encode(code, forKey: .code)
        }

        enum CodingKeys: String, CodingKey { case message, type, param, code }
    }
}
