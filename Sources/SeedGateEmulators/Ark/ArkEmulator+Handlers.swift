import Foundation
import Hummingbird
import SeedGateCore

/// The four Ark task operations. Errors are thrown as `ArkAPIError` and rendered by `ArkGatekeeper`.
extension ArkEmulator {
    /// `POST /contents/generations/tasks`: rate-limit/500 markers, then validation, then the account's quota (Ark's
    /// `QuotaExceeded` markers and `options`), then the moderation and real-person markers (`ArkMarkers.swift`).
    func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
        let data = Data(buffer.readableBytesView)
        let body = try decodeBody(data)
        let markers = FailurePlan(texts: body.content?.compactMap { $0.type == "text" ? $0.text : nil } ?? [])
        switch markers.rejection {
        case .rateLimit: throw ArkAPIError.rateLimited
        case .serverError: throw ArkAPIError.internalError
        case .moderation, nil: break
        }
        var draftSource: EmulatedTaskState<ArkTaskSpec>?
        if let draftID = body.content?.lazy.compactMap({ $0.draftTask?.id }).first {
            draftSource = await book.peek(draftID)
        }
        let spec = try ArkValidation.validate(body, models: models, draftSource: draftSource, options: options)
        let texts = body.content?.compactMap { $0.type == "text" ? $0.text : nil } ?? []
        try await checkQuota(spec, texts: texts)
        if markers.rejection == .moderation { throw ArkAPIError.inputTextModerated }
        if let refusal = Self.realPersonRefusal(spec, items: body.content ?? []) { throw refusal }

        var outcome = PlannedOutcome(markers.ending, moderated: .arkOutputModerated(suffix: " Request ID: \(context.requestID)"))
        if outcome == .succeed, spec.generateAudio == true, texts.contains(where: { $0.contains(Self.outputAudioModeratedMarker) }) {
            outcome = Self.outputAudioModerated(requestID: context.requestID)
        }
        let plan = EmulatedTaskPlan(
            model: spec.model, serviceTier: spec.serviceTier, callbackURL: spec.callbackURL,
            fingerprint: Self.fingerprint(body), queueSeconds: configuration.queueSeconds,
            runSeconds: markers.runSeconds ?? configuration.runSeconds,
            expiresAfter: Double(spec.executionExpiresAfter), outcome: outcome
        )
        let state = await book.create(plan, spec: spec, makeID: ArkTaskID.make(createdAt:))
        return Self.json(ArkCreatedTask(id: state.id))
    }

    /// The two documented meanings of 429 `QuotaExceeded` [REF-ERR]: the model's free trial quota is used up
    /// (`options.exhaustedTrialModels`, or the prompt marker `[[ark:quota-exhausted]]`), or the account has too many
    /// queued tasks (`options.maxQueuedTasks`, or `[[ark:queue-full]]`). EMULATOR ASSUMPTION: the quota is checked
    /// after the body is validated (Ark does not document the order).
    func checkQuota(_ spec: ArkTaskSpec, texts: [String]) async throws(ArkAPIError) {
        if options.exhaustedTrialModels.contains(spec.model) || texts.contains(where: { $0.contains(Self.quotaExhaustedMarker) }) {
            throw .trialQuotaExhausted(model: spec.model)
        }
        if texts.contains(where: { $0.contains(Self.queueFullMarker) }) { throw .queuedTasksExceeded }
        if let limit = options.maxQueuedTasks {
            let queued = await book.allStates().filter { $0.status == .queued }.count
            if queued >= limit { throw .queuedTasksExceeded }
        }
    }

    /// `GET /contents/generations/tasks/{id}`.
    func get(context: EmulatorRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let state = await book.read(id) else { throw ArkAPIError.taskNotFound(id) }
        return Self.json(ArkTaskObject(state, baseURL: address.baseURL))
    }

    /// `GET /contents/generations/tasks?page_num&page_size&filter.status&filter.task_ids…&filter.model&filter.service_tier`.
    /// Newest first (EMULATOR ASSUMPTION: Ark does not document the order); only `default`-tier tasks unless
    /// `filter.service_tier` says otherwise.
    func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        func value(_ name: String) -> String? { parameters[name[...]].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        func page(_ name: String, default fallback: Int) throws -> Int {
            guard let raw = value(name) else { return fallback }
            guard let number = Int(raw), (1...500).contains(number) else {
                throw ArkAPIError.invalidParameter(name, "must be an integer between 1 and 500")
            }
            return number
        }
        let pageNum = try page("page_num", default: 1)
        // EMULATOR ASSUMPTION: Ark's default page size is not documented; 10 is used.
        let pageSize = try page("page_size", default: 10)
        var statuses: Set<JobStatus>?
        if let raw = value("filter.status") {
            guard let status = JobStatus(rawValue: raw) else {
                throw ArkAPIError.invalidParameter("filter.status", "must be queued, running, cancelled, succeeded or failed")
            }
            statuses = [status]
        }
        let ids = parameters[values: "filter.task_ids"].map(String.init).filter { !$0.isEmpty }
        let tier = value("filter.service_tier") ?? "default"
        guard tier == "default" || tier == "flex" else {
            throw ArkAPIError.invalidParameter("filter.service_tier", "must be default or flex")
        }
        let query = EmulatedTaskQuery(ids: ids.isEmpty ? nil : ids, statuses: statuses, model: value("filter.model"), serviceTier: tier)
        let (items, total) = await book.list(query, offset: (pageNum - 1) * pageSize, limit: pageSize)
        let baseURL = address.baseURL
        return Self.json(ArkTaskList(items: items.map { ArkTaskObject($0, baseURL: baseURL) }, total: total))
    }

    /// `DELETE /contents/generations/tasks/{id}`, per status as [REF-DELETE] tabulates it (volcengine-ark.md §4,
    /// [S001 Delete or cancel video generation tasks]): queued → cancelled (still readable); succeeded, failed and
    /// expired → the record is deleted (later reads find nothing); running and cancelled → refused. Answers `{}` (the
    /// SDK parses the body as JSON).
    func delete(context: EmulatorRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        if let beforeDelete = options.beforeDelete { await beforeDelete(id) }
        let result = await book.remove(id) { status in
            switch status {
            case .queued: .cancel
            case .succeeded, .failed, .expired: .delete
            case .running, .cancelled: .refuse
            }
        }
        switch result {
        case .cancelled, .deleted: return EmulatorHelperRoutes.jsonResponse(.ok, Data("{}".utf8))
        case .refused(let status): throw ArkAPIError.notCancellable(id, status: status.rawValue)
        case .notFound: throw ArkAPIError.taskNotFound(id)
        }
    }

    /// Reads the body; a type error names the field (`content.image_url.url`, `duration`, …) like Ark's `param`.
    private func decodeBody(_ data: Data) throws(ArkAPIError) -> ArkCreateTaskBody {
        do {
            return try JSONDecoder().decode(ArkCreateTaskBody.self, from: data)
        } catch let error as DecodingError {
            let path: [any CodingKey]
            switch error {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
            case .keyNotFound(let key, let context): path = context.codingPath + [key]
            @unknown default: path = []
            }
            let param = path.filter { $0.intValue == nil }.map(\.stringValue).joined(separator: ".")
            if param.isEmpty { throw .invalidParameter("body", "the request body must be a JSON object") }
            throw .invalidParameter(param, "has the wrong type")
        } catch {
            throw .invalidParameter("body", "the request body must be a JSON object")
        }
    }

    /// Equal for requests that mean the same (key order, whitespace, `null` vs absent and unknown fields do not
    /// matter): what a client sends again when it retries or double-submits.
    static func fingerprint(_ body: ArkCreateTaskBody) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let canonical = (try? encoder.encode(body)) ?? Data()
        var hasher = Hasher()
        canonical.withUnsafeBytes { hasher.combine(bytes: $0) }
        return "\(canonical.count)-\(hasher.finalize())"
    }
}

/// Ark task ids: `cgt-` + creation time `yyyyMMddHHmmss` + `-` + 5 lower-case letters or digits.
enum ArkTaskID {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// EMULATOR ASSUMPTION: the timestamp is Beijing time (UTC+8), Ark's region.
    @Sendable static func make(createdAt: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: createdAt)
        let stamp = [parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0]
            .enumerated().map { index, value in index == 0 ? String(format: "%04d", value) : String(format: "%02d", value) }
            .joined()
        let suffix = String((0..<5).map { _ in alphabet.randomElement() ?? "a" })
        return "cgt-\(stamp)-\(suffix)"
    }
}
