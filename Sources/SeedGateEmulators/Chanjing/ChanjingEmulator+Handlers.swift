import Foundation
import Hummingbird
import SeedGateCore

/// The Chanjing operations. Errors are thrown as `ChanjingAPIError` and rendered by `ChanjingGatekeeper`.
extension ChanjingEmulator {
    /// `POST /open/v1/access_token`: a new token for the app, which invalidates the previous one.
    func issueToken(_ request: Request) async throws -> Response {
        let body = try await decode(ChanjingTokenRequestBody.self, from: request)
        let (token, expireIn) = try await tokens.issue(appID: body.appID, secretKey: body.secretKey)
        return Self.success(ChanjingTokenAnswer(accessToken: token, expireIn: expireIn))
    }

    /// `POST /open/v1/ai_creation/task/submit`: rate-limit/500 markers, then validation, then the moderation marker.
    func submit(_ request: Request) async throws -> Response {
        let body = try await decode(
            ChanjingSubmitRequestBody.self, from: request, fields: ChanjingValidation.submitFields(acceptsRefImgURL: acceptsRefImgURL))
        let markers = FailurePlan(texts: [body.refPrompt].compactMap { $0 })
        switch markers.rejection {
        case .rateLimit: throw ChanjingAPIError.rateLimited
        case .serverError: throw ChanjingAPIError.internalError
        case .moderation, nil: break
        }
        let spec = try ChanjingValidation.validate(body)
        if markers.rejection == .moderation { throw ChanjingAPIError.inputModerated }

        // EMULATOR ASSUMPTION: Chanjing gives failed tasks no code; an output-moderation failure reads like this.
        let outcome = PlannedOutcome(markers.ending, moderated: .fail(code: "moderation", message: "视频内容审核未通过,本次生成不消耗蝉豆"))
        let plan = EmulatedTaskPlan(
            model: spec.modelCode, fingerprint: Self.fingerprint(body), queueSeconds: configuration.queueSeconds,
            runSeconds: markers.runSeconds ?? configuration.runSeconds, outcome: outcome
        )
        let state = await book.create(plan, spec: spec) { _ in UUID().uuidString.lowercased() }
        return Self.success(state.id)
    }

    /// `GET /open/v1/ai_creation/task?unique_id=…`.
    func task(_ request: Request) async throws -> Response {
        guard let id = request.uri.queryParameters["unique_id"].map(String.init), !id.isEmpty else {
            throw ChanjingAPIError.parameter("unique_id 不能为空")
        }
        guard let state = await book.read(id) else { throw ChanjingAPIError.taskNotFound }
        return Self.success(ChanjingTaskObject(state, now: await book.currentDate(), baseURL: address.baseURL))
    }

    /// `POST /open/v1/ai_creation/task/page`: newest first (EMULATOR ASSUMPTION: the order is undocumented).
    func page(_ request: Request) async throws -> Response {
        let body = try await decode(ChanjingPageRequestBody.self, from: request, fields: ChanjingValidation.pageFields)
        guard let type = body.type, type == 3 || type == 4 else { throw ChanjingAPIError.parameter("type 必须为 3 或 4") }
        guard let page = body.page, page >= 1 else { throw ChanjingAPIError.parameter("page 从 1 开始") }
        guard let size = body.pageSize, (1...50).contains(size) else { throw ChanjingAPIError.parameter("page_size 为 1 到 50") }
        let ids = body.uniqueIDs ?? []
        guard ids.count <= 50 else { throw ChanjingAPIError.parameter("unique_ids 最多 50 个") }
        let query = EmulatedTaskQuery(ids: ids.isEmpty ? nil : ids, statuses: body.isSuccess == true ? [.succeeded] : nil)
        // EMULATOR ASSUMPTION: the emulator holds video tasks only, so an image (type 3) listing is empty.
        let (items, total) = type == 4 ? await book.list(query, offset: (page - 1) * size, limit: size) : ([], 0)
        let now = await book.currentDate()
        let baseURL = address.baseURL
        return Self.success(
            ChanjingPageAnswer(
                list: items.map { ChanjingTaskObject($0, now: now, baseURL: baseURL) }, total: total,
                pageInfo: .init(page: page, size: size, totalCount: total, totalPage: (total + size - 1) / size)
            ))
    }

    /// Reads a JSON body; anything unreadable (not a JSON object, a field of the wrong type, too large) is code 400.
    /// When `fields` is given, a field outside it is refused with 40000 (see `ChanjingValidation.submitFields`).
    private func decode<Body: Decodable>(_ type: Body.Type, from request: Request, fields: Set<String>? = nil) async throws -> Body {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            throw ChanjingAPIError.format("请求体过大")
        }
        let data = Data(buffer.readableBytesView)
        if let fields {
            guard case .object(let members)? = JSONValue(data: data) else { throw ChanjingAPIError.format("请求体必须是 JSON 对象") }
            if let unknown = members.keys.sorted().first(where: { !fields.contains($0) }) {
                throw ChanjingAPIError.parameter("不支持的参数 \(unknown)")
            }
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.typeMismatch(_, context) {
            throw ChanjingAPIError.format("\(context.codingPath.map(\.stringValue).joined(separator: ".")) 类型错误")
        } catch {
            throw ChanjingAPIError.format("请求体必须是 JSON 对象")
        }
    }

    /// Equal for requests that mean the same (key order, whitespace, `null` vs absent, unknown fields do not matter).
    static func fingerprint(_ body: ChanjingSubmitRequestBody) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let canonical = (try? encoder.encode(body)) ?? Data()
        var hasher = Hasher()
        canonical.withUnsafeBytes { hasher.combine(bytes: $0) }
        return "\(canonical.count)-\(hasher.finalize())"
    }
}

extension ChanjingTaskObject {
    /// The task as Chanjing shows it at `now`. EMULATOR ASSUMPTION: a queued task reads `Ready` for the second
    /// half of its queue time (Chanjing documents the word, not its timing); an expired task reads `Error`
    /// (Chanjing has no expired status). Outputs appear only on `Success`, `err_msg` only on `Error`.
    init(_ state: EmulatedTaskState<ChanjingTaskSpec>, now: Date, baseURL: String) {
        let spec = state.task.spec
        let progress: String
        var errMsg = ""
        switch state.status {
        case .queued:
            let waited = now.timeIntervalSince(state.task.createdAt)
            progress = waited >= state.task.plan.queueSeconds / 2 ? "Ready" : "Queued"
        case .running:
            progress = "Generating"
        case .succeeded:
            progress = "Success"
        case .failed, .cancelled:
            progress = "Error"
            errMsg = state.failure?.message ?? "任务失败,本次生成不消耗蝉豆"
        case .expired:
            progress = "Error"
            errMsg = "任务超时,本次生成不消耗蝉豆"
        }
        self.init(
            id: state.task.sequence + 1, uniqueID: state.id, createTime: Int(state.task.createdAt.timeIntervalSince1970),
            progressDesc: progress, errMsg: errMsg, aspectRatio: spec.aspectRatio,
            outputURL: state.status == .succeeded ? [spec.resultFiles.videoURL(baseURL: baseURL, taskID: state.id)] : [],
            motionInfo: MotionInfo(
                refPrompt: spec.prompt, clarity: spec.clarity, aspectRatio: spec.aspectRatio, videoDuration: spec.videoDuration
            ),
            // EMULATOR ASSUMPTION: [DOC-LIST] shows an image task echoing its images in `ref_img_url`; a video task's
            // frames (sent as start_frame / end_frame) are echoed there too, first then last.
            refImgURL: spec.images, modelCode: spec.modelCode
        )
    }
}
