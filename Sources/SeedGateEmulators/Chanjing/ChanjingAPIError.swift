import Foundation
import Hummingbird

/// A Chanjing business error: HTTP 200 with `{"trace_id","code","msg","data":null}` (chanjing.md, "Envelope").
/// Codes are [S004]'s table. EMULATOR ASSUMPTION: every answer is HTTP 200 (inferred from all clients checking
/// `code`), and the `msg` texts are the table's descriptions, with a detail appended where one helps.
struct ChanjingAPIError: Error, Equatable {
    var code: Int
    var msg: String

    func response(traceID: String) -> Response {
        ChanjingEmulator.envelope(ChanjingEnvelopeBody<String>(traceID: traceID, code: code, msg: msg, data: nil))
    }

    /// 400 "传入参数格式错误". EMULATOR ASSUMPTION: used for a body that is not JSON or a field of the wrong type,
    /// while 40000 "参数错误" is used for a well-typed value that is not accepted.
    static func format(_ detail: String) -> ChanjingAPIError {
        ChanjingAPIError(code: 400, msg: "传入参数格式错误: \(detail)")
    }

    /// 40000: a field's value is not accepted.
    static func parameter(_ detail: String) -> ChanjingAPIError {
        ChanjingAPIError(code: 40000, msg: "参数错误: \(detail)")
    }

    /// An unknown (case-sensitive) `model_code`: 40000 "模型不存在", as third-party clients report it. [3P]
    static let modelNotFound = ChanjingAPIError(code: 40000, msg: "模型不存在")

    /// EMULATOR ASSUMPTION: the answer for an unknown `unique_id` is undocumented; 40000 "任务不存在" is used.
    static let taskNotFound = ChanjingAPIError(code: 40000, msg: "任务不存在")

    /// EMULATOR ASSUMPTION: a wrong app_id / secret_key is answered with a non-zero code ([CJ-SKILLS] lists
    /// 400 / 40000 / 50000 for the token call); 40000 with this message is used.
    static let credentialsRefused = ChanjingAPIError(code: 40000, msg: "app_id 或 secret_key 错误")

    /// 10400: the `access_token` header is missing, unknown, expired or superseded. [S004]
    static let tokenInvalid = ChanjingAPIError(code: 10400, msg: "AccessToken 验证失败")

    /// 40001: QPS limit exceeded. [S004]
    static let rateLimited = ChanjingAPIError(code: 40001, msg: "超出 QPS 限制")

    /// 50000: internal error. [S004]
    static let internalError = ChanjingAPIError(code: 50000, msg: "系统内部错误")

    /// EMULATOR ASSUMPTION: Chanjing documents no input-moderation answer; a 40000 naming sensitive content is used.
    static let inputModerated = ChanjingAPIError(code: 40000, msg: "提示词包含敏感内容,请修改后重试")
}

/// Runs before every Chanjing API route: adds the configured latency, checks the `access_token` header on
/// business routes (10400 when it is not the app's current, unexpired token), and renders thrown
/// `ChanjingAPIError`s as HTTP 200 envelopes.
struct ChanjingGatekeeper: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let tokens: ChanjingTokenRegistry
    let latency: Duration
    let requiresToken: Bool

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if latency > .zero { try await Task.sleep(for: latency) }
        if requiresToken, !(await tokens.authorize(request.headers[Self.accessToken])) {
            return ChanjingAPIError.tokenInvalid.response(traceID: ChanjingEmulator.traceID())
        }
        do {
            return try await next(request, context)
        } catch let error as ChanjingAPIError {
            return error.response(traceID: ChanjingEmulator.traceID())
        }
    }

    static let accessToken = HTTPFields.Element.Name("access_token")!
}
