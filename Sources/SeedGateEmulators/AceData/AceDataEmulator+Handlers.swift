import Foundation
import Hummingbird
import SeedGateCore

/// The two AceData endpoints. Errors are thrown as `AceDataAPIError` and rendered by `AceDataGatekeeper`.
extension AceDataEmulator {
    /// `POST /seedance/videos`: rate-limit/500 markers, then validation, then the moderation marker; then the
    /// answer by mode — at once (`async`, `callback_url`) or when the task has ended (neither).
    func create(_ request: Request) async throws -> Response {
        let data = Data(try await request.body.collect(upTo: Self.maxBodyBytes).readableBytesView)
        let (body, raw) = try decode(AceDataVideoRequest.self, data)
        let markers = FailurePlan(texts: body.content?.compactMap { $0.type == "text" ? $0.text : nil } ?? [])
        switch markers.rejection {
        case .rateLimit: throw AceDataAPIError.tooManyRequests
        case .serverError: throw AceDataAPIError.apiError
        case .moderation, nil: break
        }
        let spec = try AceDataValidation.validate(
            body, raw: raw, createdAt: await book.currentDate(), honoursAsyncFlag: honoursAsyncFlag, seedance2: seedance2
        )
        if markers.rejection == .moderation { throw AceDataAPIError.inputModerated }

        // EMULATOR ASSUMPTION: AceData relays the Ark task's failure code and message.
        let outcome = PlannedOutcome(markers.ending, moderated: .arkOutputModerated())
        // EMULATOR ASSUMPTION: any callback_url string switches to async mode (AceData's own examples use
        // "dummy"), but only http(s) URLs are called back.
        let callbackURL = spec.callbackURL.flatMap { AceDataValidation.isWebURL($0) ? $0 : nil }
        let plan = EmulatedTaskPlan(
            model: spec.model, serviceTier: spec.serviceTier, callbackURL: callbackURL,
            fingerprint: Self.fingerprint(raw), queueSeconds: configuration.queueSeconds,
            runSeconds: markers.runSeconds ?? configuration.runSeconds,
            expiresAfter: Double(spec.executionExpiresAfter), outcome: outcome
        )
        let state = await book.create(plan, spec: spec) { _ in AceDataIDs.uuid() }
        // [S003] shows `{"task_id"}` for callback mode; `async: true` (when honoured) answers the same. [DOCS-VIDEOS]
        guard spec.mode == .blocking else { return Self.json(AceDataAcceptedBody(taskID: state.id)) }

        // AceData's default: hold the request until the video exists, then answer with the result. [S003]
        // EMULATOR ASSUMPTION: a task that failed or expired meanwhile is answered 200 with its `success: false` body.
        countBlockingCreate()
        while true {
            guard let current = await book.peek(state.id) else { throw AceDataAPIError.apiError }
            if current.status.isTerminal { return Self.json(Self.generateBody(current, baseURL: address.baseURL)) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// `POST /seedance/tasks`: `retrieve` (`id`) or `retrieve_batch` (`ids`, or the newest tasks by `limit`/`offset`).
    func tasks(_ request: Request) async throws -> Response {
        let data = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
        let (body, _) = try decode(AceDataTasksRequest.self, data)
        let baseURL = address.baseURL
        switch body.action {
        case "retrieve":
            guard let id = body.id, !id.isEmpty else { throw AceDataAPIError.badRequest("id is required") }
            guard let state = await book.read(id) else { throw AceDataAPIError.taskNotFound(id) }
            return Self.json(Self.record(state, baseURL: baseURL))
        case "retrieve_batch":
            let page: [EmulatedTaskState<AceDataTaskSpec>]
            if let ids = body.ids {
                // EMULATOR ASSUMPTION: unknown ids are left out; items come newest first; no batch limit.
                page = await book.list(EmulatedTaskQuery(ids: ids), offset: 0, limit: ids.count).items
            } else {
                // EMULATOR ASSUMPTION: without ids, the newest tasks (limit default 10, at most 100) [NEXIOR].
                let limit = body.limit ?? 10
                guard (1...100).contains(limit) else { throw AceDataAPIError.badRequest("limit must be between 1 and 100") }
                page = await book.list(EmulatedTaskQuery(), offset: max(0, body.offset ?? 0), limit: limit).items
            }
            let items = page.map { Self.record($0, baseURL: baseURL) }
            return Self.json(AceDataBatchBody(items: items, count: items.count))
        case nil:
            throw AceDataAPIError.badRequest("action is required")
        case let other?:
            throw AceDataAPIError.notImplemented(other)
        }
    }

    // MARK: rendering

    /// The generate response of an ended task (success, or `success: false` with the Ark status word and code).
    static func generateBody(_ state: EmulatedTaskState<AceDataTaskSpec>, baseURL: String) -> AceDataGenerateBody {
        let spec = state.task.spec
        let id = state.id
        switch state.status {
        case .succeeded:
            // Which files: `AceDataTaskSpec.resultFiles`.
            let files = spec.resultFiles
            let video = AceDataGenerateBody.Video(
                taskID: spec.upstreamTaskID, status: "succeeded", videoURL: files.videoURL(baseURL: baseURL, taskID: id),
                lastFrameURL: .some(files.lastFrameURL(baseURL: baseURL, taskID: id)), model: spec.model,
                duration: spec.reportsOutput ? spec.duration : nil, resolution: spec.reportsOutput ? spec.resolution : nil,
                ratio: spec.reportsOutput ? spec.ratio : nil
            )
            return AceDataGenerateBody(success: true, taskID: id, traceID: spec.traceID, data: video)
        default:
            // EMULATOR ASSUMPTION: a failed or expired task keeps `data` with Ark's status word beside the error.
            let (code, message) =
                state.failure
                ?? ("expired", "The task was not finished within execution_expires_after (\(spec.executionExpiresAfter) s).")
            let video = AceDataGenerateBody.Video(taskID: spec.upstreamTaskID, status: state.status.rawValue, model: spec.model)
            return AceDataGenerateBody(
                success: false, taskID: id, traceID: spec.traceID, data: video, error: .init(code: code, message: message)
            )
        }
    }

    /// A running task's `response`: the generate response with the in-progress word AceData documents,
    /// `data.status: processing` [DOCS-TASKS-GUIDE], and no video yet.
    static func processingBody(_ state: EmulatedTaskState<AceDataTaskSpec>) -> AceDataGenerateBody {
        let spec = state.task.spec
        let video = AceDataGenerateBody.Video(taskID: spec.upstreamTaskID, status: "processing", model: spec.model)
        return AceDataGenerateBody(success: true, taskID: state.id, traceID: spec.traceID, data: video)
    }

    /// A task record. EMULATOR ASSUMPTION: `started_at` appears when the task starts running (AceData's example
    /// shows it 60 ms after `created_at`). A queued task has no `response` (the older guide: it is "the body the
    /// generate call returns when complete" [DOCS-TASKS]); a running one reports `processing` [DOCS-TASKS-GUIDE];
    /// an ended one its final generate response.
    static func record(_ state: EmulatedTaskState<AceDataTaskSpec>, baseURL: String) -> AceDataRecordBody {
        let task = state.task
        let created = task.createdAt.timeIntervalSince1970
        let started = task.timeline.first { $0.status == .running }?.at.timeIntervalSince1970
        let ended = state.status.isTerminal ? state.updatedAt.timeIntervalSince1970 : nil
        return AceDataRecordBody(
            mongoID: AceDataIDs.objectID(taskID: task.id, createdAt: task.createdAt), id: task.id,
            apiID: "44e45d2b-8754-4a93-b793-c63271335f6f", applicationID: "1456a4bf-e2f4-4247-9b2d-fb49effc6eca",
            createdAt: created, startedAt: state.status == .queued ? nil : started, finishedAt: ended,
            elapsed: ended.map { (($0 - created) * 1000).rounded() / 1000 },
            credentialID: "3e20b461-f750-48d3-a1f7-3aea48d15d77", request: task.spec.request, traceID: task.spec.traceID,
            type: "videos", userID: "ad7afe47-cea9-4cda-980f-2ad8810e51cf",
            response: state.status.isTerminal
                ? generateBody(state, baseURL: baseURL) : (state.status == .running ? processingBody(state) : nil)
        )
    }

    // MARK: plumbing

    /// Reads a JSON object body both typed and as sent; a type error names the field.
    private func decode<Body: Decodable>(_ type: Body.Type, _ data: Data) throws(AceDataAPIError) -> (Body, JSONValue) {
        guard let raw = JSONValue(data: data), case .object = raw else {
            throw .badRequest("the request body must be a JSON object")
        }
        do {
            return (try JSONDecoder().decode(type, from: data), raw)
        } catch let error as DecodingError {
            let path: [any CodingKey]
            switch error {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
            case .keyNotFound(let key, let context): path = context.codingPath + [key]
            @unknown default: path = []
            }
            let field = path.filter { $0.intValue == nil }.map(\.stringValue).joined(separator: ".")
            throw .badRequest("\(field.isEmpty ? "body" : field) has the wrong type")
        } catch {
            throw .badRequest("the request body must be a JSON object")
        }
    }

    /// Equal for requests that mean the same (key order and whitespace do not matter).
    static func fingerprint(_ raw: JSONValue) -> String {
        let canonical = raw.data()
        var hasher = Hasher()
        canonical.withUnsafeBytes { hasher.combine(bytes: $0) }
        return "\(canonical.count)-\(hasher.finalize())"
    }
}
