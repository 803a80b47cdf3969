import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import SeedGateAPI
import SeedGateCore

/// An RFC 9457 problem: the unified API's error shape. `init(_ error:)` below is the one table that decides the
/// HTTP status of every error (the facades translate its answer into their own shapes).
struct ProblemDetails: SeedGateResponseError, Sendable {
    var statusCode: Int
    var code: String
    var title: String
    var detail: String?
    var field: String?
    var considered: [ProviderRejection] = []
    var provider: String?
    var providerCode: String?
    var retryAfter: Int?
    /// Headers the status calls for (e.g. `Content-Range: bytes */size` on a 416).
    var extraHeaders: HTTPFields = [:]

    static let unsupportedMediaType = ProblemDetails(
        status: 415, code: "unsupported_media_type", title: "Unsupported media type", detail: "send the body as application/json"
    )

    init(
        status: Int, code: String, title: String, detail: String? = nil, field: String? = nil,
        considered: [ProviderRejection] = [], provider: String? = nil, providerCode: String? = nil, retryAfter: Int? = nil
    ) {
        self.statusCode = status
        self.code = code
        self.title = title
        self.detail = detail
        self.field = field
        self.considered = considered
        self.provider = provider
        self.providerCode = providerCode
        self.retryAfter = retryAfter
    }

    /// The error table: domain errors, request decoding errors and framework errors to a status and a code.
    init(_ error: any Error) {
        switch error {
        case let problem as ProblemDetails:
            self = problem
        case let error as ServerError:
            self = ProblemDetails(serverError: error)
        case let error as JobServiceError:
            self = ProblemDetails(error)
        case let error as DecodingError:
            self = ProblemDetails(decoding: error)
        case let error as any HTTPResponseError:
            self = ProblemDetails(status: Int(error.status.code))
        default:
            self = ProblemDetails(status: 500)
        }
    }

    /// A problem named only by its status.
    init(status: Int) {
        switch status {
        case 400: self.init(status: 400, code: "invalid_request", title: "Invalid request")
        case 401: self.init(status: 401, code: "unauthorized", title: "Unauthorized", detail: "send a valid API key")
        case 404: self.init(status: 404, code: "not_found", title: "Not found", detail: "no such resource")
        case 405: self.init(status: 405, code: "method_not_allowed", title: "Method not allowed")
        case 406: self.init(status: 406, code: "not_acceptable", title: "Not acceptable", detail: "this resource answers application/json")
        case 413:
            self.init(
                status: 413, code: "payload_too_large", title: "Payload too large", detail: "the request body is larger than this server accepts")
        case 415: self = .unsupportedMediaType
        case 400..<500: self.init(status: status, code: "invalid_request", title: "Invalid request")
        default: self.init(status: 500, code: "internal", title: "Internal error", detail: "an unexpected error occurred; it has been logged")
        }
    }

    private init(_ error: JobServiceError) {
        switch error {
        case .validation(let failure, let considered):
            self.init(
                status: 400, code: failure.code.rawValue,
                title: failure.code == .unsupported ? "Unsupported request" : "Invalid request",
                detail: failure.field.map { "\($0): \(failure.reason)" } ?? failure.reason, field: failure.field, considered: considered
            )
        case .notFound(let notFound):
            self.init(status: 404, code: "not_found", title: "Not found", detail: notFound.message)
        case .conflict(let conflict) where conflict.reason == .notArchived:
            self.init(status: 409, code: "not_archived", title: "Not archived", detail: conflict.message, retryAfter: 5)
        case .conflict(let conflict):
            self.init(status: 409, code: "conflict", title: "Conflict", detail: conflict.message)
        case .gone(let gone):
            self.init(status: 410, code: "gone", title: "Gone", detail: gone.message)
        case .idempotencyInProgress:
            self.init(
                status: 409, code: "conflict", title: "Conflict", detail: "a request with this Idempotency-Key is still being handled; retry later",
                field: "Idempotency-Key")
        case .idempotencyMismatch:
            self.init(
                status: 422, code: "idempotency_key_reused", title: "Idempotency key reused",
                detail: "this Idempotency-Key was used with a different request body", field: "Idempotency-Key")
        case .provider(let provider, let error):
            let rateLimited = error.kind == .rateLimited
            self.init(
                status: rateLimited ? 429 : 502, code: rateLimited ? "rate_limited" : (error.isTransient ? "provider_unavailable" : "provider_error"),
                title: rateLimited ? "Rate limited" : "Provider error", detail: "\(provider): \(error.summary)",
                provider: provider.rawValue, providerCode: error.providerCode, retryAfter: error.retryAfter.map { Int($0.rounded(.up)) }
            )
        }
    }

    private init(serverError: ServerError) {
        switch serverError.underlyingError {
        case let error as ProblemDetails: self = error
        case let error as JobServiceError: self.init(error)
        case let error as DecodingError where serverError.request.method == .get:
            // No GET has a body: this is a query parameter, which the runtime's URI decoder does not name.
            self.init(queryDecoding: error, path: serverError.request.path)
        case let error as DecodingError: self.init(decoding: error)
        default:
            let status = Int(serverError.httpStatus.code)
            if (400..<500).contains(status) {
                self.init(status: status)
                self.detail = serverError.causeDescription
                // Query and header conversion failures name the parameter in the runtime's description.
                if let name = serverError.causeDescription.firstQuoted { self.field = name }
            } else if serverError.causeDescription.contains("content type") || serverError.causeDescription.contains("Content-Type") {
                self = .unsupportedMediaType
            } else if let decoding = (serverError.underlyingError as NSError?)?.userInfo[NSUnderlyingErrorKey] as? DecodingError {
                self.init(decoding: decoding)
            } else {
                self.init(status: 500)
            }
        }
    }

    /// A body or parameter that did not decode: 400 naming the field by its JSON path.
    init(decoding error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String? {
            var text = ""
            for key in keys {
                if let index = key.intValue, key.stringValue.hasPrefix("Index") {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? nil : text
        }
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            self.init(
                status: 400, code: "invalid_request", title: "Invalid request",
                detail: "\(field ?? "body") must be \(Self.describe(type))", field: field)
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            self.init(status: 400, code: "invalid_request", title: "Invalid request", detail: "\(field ?? key.stringValue) is required", field: field)
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            let detail =
                field == nil && context.underlyingError != nil
                ? "the body is not valid JSON" : "\(field ?? "body"): \(context.debugDescription)"
            self.init(status: 400, code: "invalid_request", title: "Invalid request", detail: detail, field: field)
        @unknown default:
            self.init(status: 400)
        }
    }

    /// A query parameter that did not decode: 400 naming it when exactly one query item fails the way the error
    /// says (wrong type, or a value outside an enumeration), otherwise naming no field.
    init(queryDecoding error: DecodingError, path: String?) {
        let items = path.flatMap { URLComponents(string: $0)?.queryItems } ?? []
        let expected: String
        let fails: (String) -> Bool
        switch error {
        case .typeMismatch(let type, _), .valueNotFound(let type, _):
            expected = Self.describe(type)
            switch type {
            case is Int.Type, is Int64.Type, is Int32.Type: fails = { Int64($0) == nil }
            case is Double.Type, is Float.Type: fails = { Double($0) == nil }
            case is Bool.Type: fails = { $0 != "true" && $0 != "false" }
            default: fails = { _ in false }
            }
        case .dataCorrupted(let context):
            expected = "one of the documented values"
            fails = { context.debugDescription.hasSuffix("value \($0)") }
        default:
            expected = "valid"
            fails = { _ in false }
        }
        let culprits = Set(items.filter { fails($0.value ?? "") }.map(\.name))
        let field = culprits.count == 1 ? culprits.first : nil
        self.init(
            status: 400, code: "invalid_request", title: "Invalid request",
            detail: "\(field ?? "a query parameter") must be \(expected)", field: field
        )
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        case is String.Type: "a string"
        default:
            String(describing: type).hasPrefix("Array")
                ? "an array" : String(describing: type).hasPrefix("Dictionary") ? "an object" : "a valid value"
        }
    }

    var status: HTTPResponse.Status { .init(code: statusCode) }

    /// The response, as `application/problem+json`, carrying the request's id.
    func response(from request: Request, context: some RequestContext) -> Response {
        let body = Components.Schemas.Problem(
            _type: "urn:seedgate:problem:\(code)", title: title, status: statusCode, detail: detail, code: code, field: field,
            providersConsidered: considered.isEmpty ? nil : considered.map { .init(provider: $0.provider.rawValue, reason: $0.reason) },
            provider: provider, providerCode: providerCode, requestId: context.requestID
        )
        var headers = extraHeaders
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return HTTPJSON.response(
            body, status: status, headers: headers, contentType: "application/problem+json",
            fallback: #"{"code":"internal","status":500,"title":"Internal error","type":"urn:seedgate:problem:internal"}"#)
    }
}

extension String {
    /// The first 'quoted' or "quoted" word, if any.
    fileprivate var firstQuoted: String? {
        for quote in ["'", "\""] {
            let parts = components(separatedBy: quote)
            if parts.count >= 3, !parts[1].isEmpty, parts[1].count <= 64, !parts[1].contains(" ") { return parts[1] }
        }
        return nil
    }
}
