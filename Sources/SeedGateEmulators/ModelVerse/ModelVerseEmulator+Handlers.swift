import Foundation
import Hummingbird
import SeedGateCore

/// The two ModelVerse task operations. Errors are thrown as `ModelVerseAPIError` and rendered by `ModelVerseGatekeeper`.
extension ModelVerseEmulator {
    /// ModelVerse's documented seed range, narrower than Ark's. [S002]
    static let seedRange: ClosedRange<Int64> = 0...2_147_483_647

    /// `POST /v1/tasks/submit`: rate-limit/500 markers, then ModelVerse's checks, then Ark's rules for the model,
    /// then the moderation marker.
    func submit(_ request: Request) async throws -> Response {
        let buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
        let data = Data(buffer.readableBytesView)
        try Self.checkFields(data)
        let body = try Self.decodeBody(data)
        let texts = body.input?.content?.compactMap { $0.type == "text" ? $0.text : nil } ?? []
        let markers = FailurePlan(texts: texts)
        switch markers.rejection {
        case .rateLimit: throw ModelVerseAPIError.rateLimited
        case .serverError: throw ModelVerseAPIError.internalError
        case .moderation, nil: break
        }
        try checkModelVerseRules(body)
        let arkBody = body.arkBody
        var draftSource: EmulatedTaskState<ArkTaskSpec>?
        if let draftID = arkBody.content?.lazy.compactMap({ $0.draftTask?.id }).first {
            draftSource = await book.peek(draftID)
        }
        var spec: ArkTaskSpec
        do throws(ArkAPIError) {
            spec = try ArkValidation.validate(arkBody, models: models, draftSource: draftSource)
        } catch {
            // EMULATOR ASSUMPTION: whatever Ark's rules refuse, ModelVerse answers as `param_error` (Ark's reason kept).
            throw ModelVerseAPIError.invalidParam(error.message)
        }
        if body.parameters?.seed == nil, spec.draftTaskID == nil { spec.seed = Int64.random(in: Self.seedRange) }
        if markers.rejection == .moderation { throw ModelVerseAPIError.sensitive }

        // EMULATOR ASSUMPTION: what ModelVerse writes into `error_message` is not documented; the model runs on Ark, so
        // Ark's output-moderation code and message are passed through as "<code>: <message>".
        let outcome = PlannedOutcome(markers.ending, moderated: .arkOutputModerated())
        let plan = EmulatedTaskPlan(
            model: spec.model, serviceTier: spec.serviceTier, fingerprint: ArkEmulator.fingerprint(arkBody),
            queueSeconds: configuration.queueSeconds, runSeconds: markers.runSeconds ?? configuration.runSeconds,
            expiresAfter: Double(spec.executionExpiresAfter), outcome: outcome
        )
        let state = await book.create(plan, spec: spec, makeID: Self.makeTaskID(createdAt:))
        // `[[created:504]]`: the task exists (its status can be read) but the submit is answered with ModelVerse's
        // documented gateway timeout, as a gateway that gave up on a create that went through would.
        if AnswerMarker.parse(texts).contains(.createdThenGatewayTimeout) { throw ModelVerseAPIError.gatewayTimeout }
        let answer = ModelVerseSubmitted(output: .init(taskID: state.id), requestID: UUID().uuidString.lowercased())
        return EmulatorHelperRoutes.jsonResponse(.ok, ArkEmulator.encode(answer))
    }

    /// `GET /v1/tasks/status?task_id=`.
    func status(_ request: Request) async throws -> Response {
        guard let id = request.uri.queryParameters["task_id"].map(String.init), !id.isEmpty else {
            throw ModelVerseAPIError.invalidParam("task_id is required")
        }
        guard let state = await book.read(id) else { throw ModelVerseAPIError.taskNotFound(id) }
        var answer = ModelVerseStatusAnswer(state, baseURL: address.baseURL)
        // `[[succeed:no-url]]`: a `Success` without `output.urls` (the field is only documented as "the URL list").
        if AnswerMarker.parse([state.task.spec.prompt ?? ""]).contains(.succeedWithoutURL) { answer.output.urls = nil }
        return EmulatorHelperRoutes.jsonResponse(.ok, ArkEmulator.encode(answer))
    }

    /// What ModelVerse itself documents, checked before the model's rules: the nested body, a model it serves,
    /// its seed range and its duration range.
    private func checkModelVerseRules(_ body: ModelVerseSubmitRequest) throws(ModelVerseAPIError) {
        guard let model = body.model, !model.isEmpty else { throw .invalidParam("model is required") }
        guard models.rules(for: model) != nil else { throw .modelNotAllowed(model) }
        // A flat, Ark-style body has no `input`: refused with 400 (modelverse.md Quirks 1 [3P]).
        guard let content = body.input?.content, !content.isEmpty else {
            throw .invalidParam("input.content is required (content goes under input, settings under parameters)")
        }
        if let seed = body.parameters?.seed, !Self.seedRange.contains(seed) {
            throw .invalidParam("parameters.seed must be between 0 and 2147483647")
        }
        // EMULATOR ASSUMPTION: ModelVerse documents 4–12 s only, so Ark's -1 (model chooses) is refused.
        if let duration = body.parameters?.duration, !(4...12).contains(duration) {
            throw .invalidParam("parameters.duration must be between 4 and 12")
        }
    }

    /// The fields of ModelVerse's submit schema [S002]: top level, `input`, `parameters`, a content item (text,
    /// image or draft object) and its `image_url` / `draft_task` objects.
    static let topFields: Set<String> = ["model", "input", "parameters"]
    static let inputFields: Set<String> = ["content"]
    static let parameterFields: Set<String> = [
        "execution_expires_after", "generate_audio", "draft", "resolution", "ratio", "duration", "seed", "camera_fixed",
        "watermark", "service_tier",
    ]
    static let itemFields: Set<String> = ["type", "text", "image_url", "role", "draft_task"]
    static let imageFields: Set<String> = ["url"]
    static let draftFields: Set<String> = ["id"]

    /// Refuses any field the schema does not list (Ark's `return_last_frame`, `frames`, `callback_url`, a flat
    /// `content`, …) with `param_error` naming it. EMULATOR ASSUMPTION: ModelVerse does not say what it does with
    /// an undocumented field; refusing is the stricter reading (its own table has "invalid parameter / unsupported
    /// interface" for `param_error`), so a test fails when SeedGate's adapter sends a field ModelVerse does not list.
    static func checkFields(_ data: Data) throws(ModelVerseAPIError) {
        guard case .object(let top)? = JSONValue(data: data) else { return }
        func check(_ object: [String: JSONValue], _ allowed: Set<String>, _ path: String) throws(ModelVerseAPIError) {
            if let key = object.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw .invalidParam("\(path)\(key) is not a supported parameter")
            }
        }
        // A flat, Ark-style body (modelverse.md Quirks 1 [3P]) is answered with what belongs where.
        if top["content"] != nil, top["input"] == nil {
            throw .invalidParam("input.content is required (content goes under input, settings under parameters)")
        }
        try check(top, topFields, "")
        if case .object(let parameters)? = top["parameters"] { try check(parameters, parameterFields, "parameters.") }
        guard case .object(let input)? = top["input"] else { return }
        try check(input, inputFields, "input.")
        guard case .array(let items)? = input["content"] else { return }
        for case .object(let item) in items {
            try check(item, itemFields, "input.content.")
            if case .object(let image)? = item["image_url"] { try check(image, imageFields, "input.content.image_url.") }
            if case .object(let draft)? = item["draft_task"] { try check(draft, draftFields, "input.content.draft_task.") }
        }
    }

    /// Reads the body; a type error names the field, like Ark's `param`.
    private static func decodeBody(_ data: Data) throws(ModelVerseAPIError) -> ModelVerseSubmitRequest {
        do {
            return try JSONDecoder().decode(ModelVerseSubmitRequest.self, from: data)
        } catch let error as DecodingError {
            let path: [any CodingKey]
            switch error {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
            case .keyNotFound(let key, let context): path = context.codingPath + [key]
            @unknown default: path = []
            }
            let field = path.filter { $0.intValue == nil }.map(\.stringValue).joined(separator: ".")
            throw .invalidParam(field.isEmpty ? "the request body must be a JSON object" : "\(field) has the wrong type")
        } catch {
            throw .invalidParam("the request body must be a JSON object")
        }
    }

    /// EMULATOR ASSUMPTION: ModelVerse's task id format is not documented (the examples use placeholders); a
    /// lower-case UUID is used.
    @Sendable static func makeTaskID(createdAt: Date) -> String { UUID().uuidString.lowercased() }
}
